/**
 * How the CLI shows a job's progress while it waits: a live bar (cli-progress) on a terminal,
 * plain lines on anything else (a log file, CI), at most one every few seconds or when the phase
 * changes. Everything goes to stderr so stdout stays the result.
 */
import cliProgress from 'cli-progress';
import { describeJobProgress as describeProgress, progressAmount as amount } from '../core/job-progress-text.js';
const PLAIN_EVERY_MS = 5_000;
export function createProgressDisplay(label, stream = process.stderr) {
    if (!stream.isTTY)
        return plainDisplay(label, stream);
    const bar = new cliProgress.SingleBar({
        stream,
        format: `${label} {phase} [{bar}] {percentage}% {amount} {speed} {timeLeft}{note}`,
        barsize: 24,
        hideCursor: true,
        clearOnComplete: true,
        etaBuffer: 20,
        fps: 5,
    }, cliProgress.Presets.shades_classic);
    let started = false;
    let lastLine = '';
    return {
        update(p) {
            const total = p.total && p.total > 0 ? p.total : 1;
            const value = p.total ? Math.min(p.done ?? 0, p.total) : 0;
            const payload = {
                phase: p.phase,
                amount: p.total ? `${amount(p, p.done)}/${amount(p, p.total)}` : amount(p, p.done),
                speed: p.rate ? `${amount(p, p.rate)}/s` : '',
                timeLeft: p.etaSeconds !== undefined ? `ETA ${p.etaSeconds}s` : '',
                // The op's message restates the amounts when there are some.
                note: p.message && p.total === undefined ? ` ${p.message}` : '',
            };
            if (!started) {
                bar.start(total, value, payload);
                started = true;
            }
            else {
                bar.setTotal(total);
                bar.update(value, payload);
            }
            lastLine = describeProgress(p);
        },
        say(line) {
            if (started)
                bar.stop();
            stream.write(`${line}\n`);
            started = false;
            void lastLine;
        },
        stop() {
            if (started)
                bar.stop();
            started = false;
        },
    };
}
function plainDisplay(label, stream) {
    let lastAt = 0;
    let lastPhase = '';
    return {
        update(p) {
            const now = Date.now();
            if (p.phase === lastPhase && now - lastAt < PLAIN_EVERY_MS)
                return;
            lastAt = now;
            lastPhase = p.phase;
            stream.write(`${label}: ${describeProgress(p)}\n`);
        },
        say(line) {
            stream.write(`${line}\n`);
        },
        stop() {
            /* nothing on screen to clear */
        },
    };
}
/** For --json runs: progress is not shown. */
export const silentDisplay = {
    update: () => undefined,
    say: (line) => void process.stderr.write(`${line}\n`),
    stop: () => undefined,
};
//# sourceMappingURL=progress-display.js.map