/**
 * Turns command words (from a terminal or a Slack slash command) into an op's raw input, guided
 * by the op's schema: positional fields, --flag value, --flag=value, --no-flag for booleans,
 * repeated flags for lists, KEY=VALUE for maps. Validation proper is runOp's job; this only
 * reports words it cannot place.
 */
import { OpsError } from '../errors.js';
import type { Op } from '../op.js';
import { fieldsOf, type FieldInfo, type FieldKind } from './op-fields.js';
import { closest } from './suggest.js';

/** Flags every CLI command takes, handled before the op's own words are parsed. */
const GLOBAL_FLAGS = ['json', 'yes', 'help'];

function usageError(op: Op, message: string): OpsError {
  return new OpsError('invalid_input', `${op.verb}: ${message}`, { hint: `See \`storage-ops help ${op.verb}\`` });
}

function coerce(op: Op, f: FieldInfo, kind: FieldKind, raw: string): unknown {
  if (kind === 'number' || kind === 'integer') {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n)) throw usageError(op, `--${f.flag} expects a number, got "${raw}"`);
    return n;
  }
  if (kind === 'boolean') {
    if (/^(true|yes|1|on)$/i.test(raw)) return true;
    if (/^(false|no|0|off)$/i.test(raw)) return false;
    throw usageError(op, `--${f.flag} expects true or false, got "${raw}"`);
  }
  return raw;
}

export function parseOpArgs(op: Op, words: string[]): Record<string, unknown> {
  const fields = fieldsOf(op);
  const byFlag = new Map(fields.map((f) => [f.flag, f]));
  const positional = fields.filter((f) => f.positional !== null).sort((a, b) => (a.positional ?? 0) - (b.positional ?? 0));
  const input: Record<string, unknown> = {};
  let posIndex = 0;
  let onlyPositional = false;

  const assign = (f: FieldInfo, raw: string): void => {
    if (f.kind === 'list') {
      const list = (input[f.name] as unknown[] | undefined) ?? [];
      list.push(coerce(op, f, f.itemKind ?? 'string', raw));
      input[f.name] = list;
    } else if (f.kind === 'map') {
      const eq = raw.indexOf('=');
      if (eq <= 0) throw usageError(op, `--${f.flag} expects KEY=VALUE, got "${raw}"`);
      const map = (input[f.name] as Record<string, string> | undefined) ?? {};
      map[raw.slice(0, eq)] = raw.slice(eq + 1);
      input[f.name] = map;
    } else {
      if (input[f.name] !== undefined) throw usageError(op, `--${f.flag} was given twice`);
      input[f.name] = coerce(op, f, f.kind, raw);
    }
  };

  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    if (!onlyPositional && w === '--') {
      onlyPositional = true;
      continue;
    }
    if (!onlyPositional && w.startsWith('--') && w.length > 2) {
      const eq = w.indexOf('=');
      let name = eq > 0 ? w.slice(2, eq) : w.slice(2);
      let inline: string | undefined = eq > 0 ? w.slice(eq + 1) : undefined;
      let f = byFlag.get(name);
      if (!f && name.startsWith('no-') && byFlag.get(name.slice(3))?.kind === 'boolean' && inline === undefined) {
        name = name.slice(3);
        f = byFlag.get(name);
        inline = 'false';
      }
      if (!f) {
        // Listed as help shows them: a flag that is on by default appears as its --no- form.
        const options = fields.filter((x) => x.positional === null);
        const known = options.map((x) => (x.kind === 'boolean' && x.default === true ? `--no-${x.flag}` : `--${x.flag}`));
        const candidates = [...options.map((x) => x.flag), ...options.filter((x) => x.kind === 'boolean').map((x) => `no-${x.flag}`), ...GLOBAL_FLAGS];
        const guess = closest(name, candidates);
        throw usageError(op, `unknown option --${name}${guess ? ` (did you mean --${guess}?)` : ''}${known.length ? ` (options: ${known.join(', ')})` : ''}`);
      }
      if (f.kind === 'boolean') {
        input[f.name] = inline === undefined ? true : coerce(op, f, 'boolean', inline);
        continue;
      }
      if (inline === undefined) {
        const next = words[i + 1];
        if (next === undefined) throw usageError(op, `--${f.flag} needs a value`);
        inline = next;
        i++;
      }
      assign(f, inline);
      continue;
    }
    const f = positional[posIndex];
    if (!f) throw usageError(op, `unexpected argument "${w}"`);
    assign(f, w);
    if (f.kind !== 'list') posIndex++;
  }
  return input;
}

/** Splits a Slack-style command line into words, honouring "double" and 'single' quotes. */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) words.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : (m[2] ?? m[3] ?? ''));
  return words;
}

/**
 * Finds the op the command words name. Verbs may be several words ("schedule add"): the longest
 * verb whose words start the command wins, so `schedule rm x` is schedule_remove while `rm x`
 * stays volume_remove. A canonical op name (one word) works too. Returns the remaining words.
 */
export function matchVerb(ops: readonly Op[], words: readonly string[]): { op: Op; rest: string[] } | null {
  let best: { op: Op; length: number } | null = null;
  for (const op of ops) {
    const verbWords = op.verb.split(' ');
    const matches = verbWords.length <= words.length && verbWords.every((w, i) => words[i] === w);
    if (matches && (!best || verbWords.length > best.length)) best = { op, length: verbWords.length };
  }
  if (best) return { op: best.op, rest: words.slice(best.length) };
  const byName = words[0] === undefined ? undefined : ops.find((o) => o.name === words[0]);
  return byName ? { op: byName, rest: words.slice(1) } : null;
}

/**
 * For a command line that names no op: the verb as typed, and the verb it most likely meant
 * ("did you mean"), or null. A first word that starts two-word verbs (`schedule ad`) is judged
 * with the word after it, so the guess is `schedule add`, not `schedules`.
 */
export function guessVerb(ops: readonly Pick<Op, 'verb'>[], words: readonly string[], extra: readonly string[] = []): { typed: string; guess: string | null } {
  const [first = '', second] = words;
  const twoWords = second !== undefined && !second.startsWith('-') && ops.some((o) => o.verb.startsWith(`${first} `));
  const typed = twoWords ? `${first} ${second}` : first;
  return { typed, guess: closest(typed, [...ops.map((o) => o.verb), ...extra]) };
}
