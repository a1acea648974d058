#!/usr/bin/env node
/**
 * The `storage-ops` command: parses the words into an op and its input, runs it through runOp
 * as the local user, and prints the op's view as text (or its output as JSON with --json). Also hosts the process
 * commands: serve, mcp (MCP over stdio), help, docs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { bootstrap } from '../bootstrap.js';
import { exitCodeFor, OpsError, toOpsError } from '../core/errors.js';
import { createLogger, silentLogger } from '../core/logger.js';
import { catalog, requireOp } from '../ops/catalog.js';
import { previewOp, submitOp } from '../core/approvals.js';
import { cancelJob, jobOutcome, waitForJob } from '../core/jobs.js';
import { approvalView } from '../core/views/approval-view.js';
import { previewView } from '../core/views/preview-view.js';
import { renderViewText } from '../core/views/render-text.js';
import { redactText, redactValue } from '../core/redact.js';
import { createProgressDisplay, silentDisplay } from './progress-display.js';
import { commandHelp, extractReference, generalHelp, markdownReference } from '../core/words/help-text.js';
import { matchVerb, parseOpArgs } from '../core/words/parse-words.js';
function takeGlobalFlags(words) {
    const flags = { json: false, yes: false, help: false };
    const rest = [];
    let passthrough = false;
    for (const w of words) {
        if (passthrough)
            rest.push(w);
        else if (w === '--') {
            passthrough = true;
            rest.push(w);
        }
        else if (w === '--json')
            flags.json = true;
        else if (w === '--yes' || w === '-y')
            flags.yes = true;
        else if (w === '--help' || w === '-h')
            flags.help = true;
        else
            rest.push(w);
    }
    return { flags, rest };
}
function localActor() {
    let name = process.env.USER ?? 'unknown';
    try {
        name = userInfo().username;
    }
    catch {
        // No passwd entry (e.g. an arbitrary container uid): fall back to $USER.
    }
    return { id: `cli:${name}`, source: 'cli', display: name };
}
async function main(argv) {
    const { flags, rest } = takeGlobalFlags(argv);
    const [command, ...processArgs] = rest;
    if (!command || command === 'help') {
        process.stdout.write((processArgs.length ? commandHelp(matchVerb(catalog, processArgs)?.op ?? requireOp(processArgs.join(' '))) : generalHelp(catalog)) + '\n');
        return 0;
    }
    if (command === 'docs') {
        const ref = markdownReference(catalog);
        const checkIdx = processArgs.indexOf('--check');
        const writeIdx = processArgs.indexOf('--write');
        if (checkIdx >= 0 || writeIdx >= 0) {
            const file = processArgs[(checkIdx >= 0 ? checkIdx : writeIdx) + 1] ?? 'README.md';
            const readme = readFileSync(file, 'utf8');
            const current = extractReference(readme);
            if (current === null)
                throw new OpsError('invalid_input', `${file} has no reference markers`, { hint: 'Add the reference:start/end comments where the reference belongs' });
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
        await new Promise((resolve) => {
            const stop = (signal) => {
                log.info('shutting down', { signal });
                resolve();
            };
            process.once('SIGTERM', () => stop('SIGTERM'));
            process.once('SIGINT', () => stop('SIGINT'));
        });
        await service.stop();
        return 0;
    }
    if (command === 'mcp') {
        // stdout is the protocol channel: logs go to stderr, and only warnings unless asked.
        const log = createLogger({ level: process.env.STORAGE_OPS_LOG_LEVEL ?? 'warn', json: true });
        const { deps } = await bootstrap({ log });
        const { serveStdio } = await import('../mcp/transports/stdio.js');
        await serveStdio(deps);
        return 0;
    }
    // Verbs may be two words (schedule add): the longest verb the words start with.
    const matched = matchVerb(catalog, rest);
    const op = matched?.op ?? requireOp(command);
    const args = matched?.rest ?? [];
    if (flags.help) {
        process.stdout.write(commandHelp(op) + '\n');
        return 0;
    }
    const input = parseOpArgs(op, args);
    const { deps } = await bootstrap({ log: silentLogger });
    const actor = localActor();
    // --json is for scripts: they get the result on stdout and no progress chatter on stderr.
    const display = flags.json ? silentDisplay : createProgressDisplay(op.verb);
    const print = (text, json) => {
        display.stop();
        // Output is redacted like logs: op results may quote commands or options that hold secrets.
        process.stdout.write((flags.json ? JSON.stringify(redactValue(json), null, 2) : redactText(text)) + '\n');
    };
    if (op.effect === 'destructive' && !flags.yes) {
        const { preview } = await previewOp(deps, op, input, { actor });
        print(`${renderViewText(previewView(preview))}\n\nNothing was changed. Run it again with --yes to do this.`, { preview, changed: false });
        return exitCodeFor(new OpsError('approval_required', 'preview only'));
    }
    // Ctrl-C cancels what runs (a job: through the kernel, so its clean-up runs); the process
    // exits when the op has wound down, never in the middle of it.
    const controller = new AbortController();
    let job = null;
    let interrupts = 0;
    process.on('SIGINT', () => {
        interrupts++;
        controller.abort();
        if (job) {
            display.say(interrupts === 1 ? `cancelling job ${job.id}; waiting for it to clean up (containers it stopped are started again)` : `still cleaning up job ${job.id}; it exits when done`);
            cancelJob(deps, job.id, actor).catch(() => undefined);
        }
    });
    const submitted = await submitOp(deps, op, input, { actor, confirmed: flags.yes, signal: controller.signal, onProgress: (p) => display.update({ ...p, at: new Date().toISOString() }) });
    if (submitted.kind === 'pending') {
        const a = submitted.approval;
        print(`${renderViewText(approvalView(a))}\n\nWaiting for an admin: storage-ops approve ${a.id}`, { approval: a, changed: false });
        return exitCodeFor(new OpsError('approval_required', 'pending'));
    }
    let output;
    if (submitted.kind === 'job') {
        job = submitted.job;
        if (controller.signal.aborted)
            await cancelJob(deps, job.id, actor).catch(() => undefined);
        // Its progress arrives through submitOp's callback: the job runs in this process.
        const ended = await waitForJob(deps, job.id);
        display.stop();
        if (ended.status === 'cancelled') {
            process.stderr.write(`job ${ended.id} cancelled: ${ended.error?.message ?? 'cancelled'}\n`);
            return 130;
        }
        output = jobOutcome(ended);
    }
    else {
        output = submitted.output;
    }
    print(renderViewText(op.view(output)), output);
    const shortfall = op.shortfall?.(output);
    if (shortfall) {
        process.stderr.write(`error: ${shortfall}\n`);
        return 1;
    }
    return controller.signal.aborted ? 130 : 0;
}
main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
}, (err) => {
    const e = toOpsError(err);
    process.stderr.write(redactText(`error: ${e.toLine()}`) + '\n');
    process.exitCode = exitCodeFor(e);
});
//# sourceMappingURL=main.js.map