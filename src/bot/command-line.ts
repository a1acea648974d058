/**
 * What `/storage <text>` asks for, using the CLI's grammar (shared word parsing): help, an
 * unknown word, or an op with its raw input, plus where the answer goes (--here / --private).
 * `--yes` is dropped: in Slack the Approve button is the confirmation.
 */
import { toOpsError, type OpsError } from '../core/errors.js';
import type { Op } from '../core/op.js';
import type { OpRegistry } from '../core/ports.js';
import { commandHelp } from '../core/words/help-text.js';
import { guessVerb, matchVerb, parseOpArgs, splitWords } from '../core/words/parse-words.js';

export type Visibility = 'here' | 'private';

export type CommandLine =
  | { kind: 'help'; op: Op | null; unknown?: string; guess?: string | null }
  | { kind: 'usage'; op: Op; error: OpsError }
  | { kind: 'run'; op: Op; input: Record<string, unknown>; visibility: Visibility | null };

export function parseCommandLine(ops: OpRegistry, text: string): CommandLine {
  const words = splitWords(text);
  let visibility: Visibility | null = null;
  let help = false;
  const rest: string[] = [];
  let passthrough = false;
  for (const w of words) {
    if (passthrough) rest.push(w);
    else if (w === '--') {
      passthrough = true;
      rest.push(w);
    } else if (w === '--here') visibility = 'here';
    else if (w === '--private') visibility = 'private';
    else if (w === '--help' || w === '-h') help = true;
    else if (w === '--yes' || w === '-y' || w === '--json') continue;
    else rest.push(w);
  }
  const [verb, ...helpTopic] = rest;
  if (!verb || verb === 'help') {
    if (!helpTopic.length) return { kind: 'help', op: null };
    const op = matchVerb(ops.all(), helpTopic)?.op;
    return op ? { kind: 'help', op } : { kind: 'help', op: null, ...unknownVerb(ops, helpTopic) };
  }
  // Verbs may be two words (schedule add): the longest verb the words start with.
  const matched = matchVerb(ops.all(), rest);
  if (!matched) return { kind: 'help', op: null, ...unknownVerb(ops, rest) };
  const { op, rest: args } = matched;
  if (help) return { kind: 'help', op };
  try {
    return { kind: 'run', op, input: parseOpArgs(op, args), visibility };
  } catch (err) {
    return { kind: 'usage', op, error: toOpsError(err) };
  }
}

function unknownVerb(ops: OpRegistry, words: readonly string[]): { unknown: string; guess: string | null } {
  const { typed, guess } = guessVerb(ops.all(), words);
  return { unknown: typed, guess };
}

/**
 * Where an answer goes. Reads answer in the channel unless the user says --private; what changes
 * things (writes, destructive requests, jobs) is always shown to the channel, so the team sees it.
 */
export function visibilityFor(op: Op, asked: Visibility | null): Visibility {
  if (op.effect !== 'read' || op.long) return 'here';
  return asked ?? 'here';
}

/** The CLI's words made Slack's: `storage-ops verb` → `/storage verb` at line starts and in code spans. */
export function forSlack(text: string): string {
  return text.replace(/(^|\n)(\s*)storage-ops (?=[a-z])/g, '$1$2/storage ').replace(/`storage-ops /g, '`/storage ');
}

/** Help for one command, written for Slack (no --json: answers are messages). */
export function slackCommandHelp(op: Op): string {
  return forSlack(commandHelp(op))
    .split('\n')
    .filter((l) => !/^\s*--json\s/.test(l))
    .join('\n');
}

/** The list of commands, written for Slack. */
export function slackGeneralHelp(ops: readonly Op[]): string {
  const width = Math.max(...ops.map((o) => o.verb.length)) + 2;
  return [
    'Usage: /storage <command> [args] [--host NAME] [--here|--private]',
    '',
    ...ops.map((o) => `  ${o.verb.padEnd(width)}${o.summary}`),
    '',
    '/storage help <command> shows one command and its arguments. Reads answer in the channel',
    '(--private: only to you); destructive commands post a preview with Approve/Deny buttons.',
  ].join('\n');
}
