#!/usr/bin/env node
/**
 * The `storage-ops` command: parses the words into an op and its input, runs it through runOp
 * as the local user, and prints the op's rendering (or JSON with --json). Also hosts the process
 * commands: serve, help, docs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { bootstrap } from '../bootstrap.js';
import { criticalWork } from '../core/critical.js';
import { exitCodeFor, OpsError, toOpsError } from '../core/errors.js';
import { createLogger, silentLogger } from '../core/logger.js';
import { catalog, findOp, requireOp } from '../ops/catalog.js';
import type { Actor, Progress } from '../core/op.js';
import { renderApproval } from '../ops/governance/approval-shared.js';
import { previewOp, submitOp } from '../core/approvals.js';
import { renderPreview } from '../core/preview-text.js';
import { redactText, redactValue } from '../core/redact.js';
import { commandHelp, extractReference, generalHelp, markdownReference } from '../core/words/help-text.js';
import { parseOpArgs } from '../core/words/parse-words.js';

interface GlobalFlags {
  json: boolean;
  yes: boolean;
  help: boolean;
}

function takeGlobalFlags(words: string[]): { flags: GlobalFlags; rest: string[] } {
  const flags: GlobalFlags = { json: false, yes: false, help: false };
  const rest: string[] = [];
  let passthrough = false;
  for (const w of words) {
    if (passthrough) rest.push(w);
    else if (w === '--') {
      passthrough = true;
      rest.push(w);
    } else if (w === '--json') flags.json = true;
    else if (w === '--yes' || w === '-y') flags.yes = true;
    else if (w === '--help' || w === '-h') flags.help = true;
    else rest.push(w);
  }
  return { flags, rest };
}

function localActor(): Actor {
  let name = process.env.USER ?? 'unknown';
  try {
    name = userInfo().username;
  } catch {
    // No passwd entry (e.g. an arbitrary container uid): fall back to $USER.
  }
  return { id: `cli:${name}`, source: 'cli', display: name };
}

function progressPrinter(): (p: Progress) => void {
  if (!process.stderr.isTTY) return () => undefined;
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (now - last < 200 && p.done !== p.total) return;
    last = now;
    const amount = p.total ? ` ${Math.floor(((p.done ?? 0) / p.total) * 100)}%` : p.done !== undefined ? ` ${p.done}` : '';
    process.stderr.write(`\r${p.phase}${amount}${p.message ? ' ' + p.message : ''}\x1b[K`);
  };
}

async function main(argv: string[]): Promise<number> {
  const { flags, rest } = takeGlobalFlags(argv);
  const [command, ...args] = rest;
  if (!command || command === 'help') {
    const topic = args[0];
    process.stdout.write((topic ? commandHelp(requireOp(topic)) : generalHelp(catalog)) + '\n');
    return 0;
  }
  if (command === 'docs') {
    const ref = markdownReference(catalog);
    const checkIdx = args.indexOf('--check');
    const writeIdx = args.indexOf('--write');
    if (checkIdx >= 0 || writeIdx >= 0) {
      const file = args[(checkIdx >= 0 ? checkIdx : writeIdx) + 1] ?? 'README.md';
      const readme = readFileSync(file, 'utf8');
      const current = extractReference(readme);
      if (current === null) throw new OpsError('invalid_input', `${file} has no reference markers`, { hint: 'Add the reference:start/end comments where the reference belongs' });
      if (writeIdx >= 0) {
        writeFileSync(file, readme.replace(current, ref));
        return 0;
      }
      if (current !== ref) {
        process.stderr.write(`${file}: the command reference is out of date; run \`storage-ops docs --write ${file}\`\n`);
        return 1;
      }
      return 0;
    }
    process.stdout.write(ref + '\n');
    return 0;
  }
  if (command === 'serve') {
    const log = createLogger();
    const { deps, configSource } = await bootstrap({ log });
    log.info('storage-ops starting', { config: configSource, dataDir: deps.dataDir, helperImage: deps.config.helperImage });
    // Loaded only here: one-shot commands (a backup, say) should not carry the service's modules.
    const { startService } = await import('../serve/serve.js');
    const service = await startService(deps, process.env, log);
    await new Promise<void>((resolve) => {
      const stop = (signal: string): void => {
        log.info('shutting down', { signal });
        resolve();
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
    await service.stop();
    return 0;
  }

  const op = findOp(command) ?? requireOp(command);
  if (flags.help) {
    process.stdout.write(commandHelp(op) + '\n');
    return 0;
  }
  const input = parseOpArgs(op, args);
  const { deps, notices } = await bootstrap({ log: silentLogger });
  for (const n of notices) process.stderr.write(`storage-ops: ${redactText(n)}\n`);
  const controller = new AbortController();
  // First Ctrl-C (or SIGTERM) cancels; another one quits, except while containers stopped for
  // the work are not running again yet (src/core/critical.ts holds the process until they are).
  let interrupts = 0;
  const interrupt = (code: number): void => {
    if (interrupts++ === 0) return controller.abort();
    if (criticalWork().length === 0) process.exit(code);
  };
  process.on('SIGINT', () => interrupt(130));
  process.on('SIGTERM', () => interrupt(143));
  const opts = { actor: localActor(), onProgress: progressPrinter(), signal: controller.signal };
  const print = (text: string, json: unknown): void => {
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
    // Output is redacted like logs: op results may quote commands or options that hold secrets.
    process.stdout.write((flags.json ? JSON.stringify(redactValue(json), null, 2) : redactText(text)) + '\n');
  };

  if (op.effect === 'destructive' && !flags.yes) {
    const { preview } = await previewOp(deps, op, input, opts);
    print(`${renderPreview(preview)}\n\nNothing was changed. Run it again with --yes to do this.`, { preview, changed: false });
    return exitCodeFor(new OpsError('approval_required', 'preview only'));
  }
  const submitted = await submitOp(deps, op, input, { ...opts, confirmed: flags.yes });
  if (submitted.kind === 'pending') {
    const a = submitted.approval;
    print(`${renderApproval(a)}\n\nWaiting for an admin: storage-ops approve ${a.id}`, { approval: a, changed: false });
    return exitCodeFor(new OpsError('approval_required', 'pending'));
  }
  print(submitted.text, submitted.output);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const e = toOpsError(err);
    process.stderr.write(redactText(`error: ${e.toLine()}`) + '\n');
    process.exitCode = exitCodeFor(e);
  },
);
