/**
 * Structured logging to stderr (JSON lines, or plain text on a terminal). Every line passes
 * through redaction, so a secret that slips into a message never reaches the log.
 */
import { redactText, redactValue } from './redact.js';
const ORDER = { debug: 10, info: 20, warn: 30, error: 40 };
export function createLogger(opts = {}) {
    const envLevel = process.env.STORAGE_OPS_LOG_LEVEL;
    const level = opts.level ?? (envLevel && envLevel in ORDER ? envLevel : 'info');
    const json = opts.json ?? !process.stderr.isTTY;
    const write = opts.write ?? ((line) => process.stderr.write(line + '\n'));
    const emit = (lvl, msg, fields) => {
        if (ORDER[lvl] < ORDER[level])
            return;
        const safeFields = fields ? redactValue(fields) : undefined;
        if (json) {
            write(redactText(JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...safeFields })));
        }
        else {
            const extra = safeFields && Object.keys(safeFields).length ? ' ' + JSON.stringify(safeFields) : '';
            write(redactText(`${lvl.padEnd(5)} ${msg}${extra}`));
        }
    };
    return {
        debug: (m, f) => emit('debug', m, f),
        info: (m, f) => emit('info', m, f),
        warn: (m, f) => emit('warn', m, f),
        error: (m, f) => emit('error', m, f),
    };
}
/** A logger that drops everything: for CLI one-shots where stdout carries the answer. */
export const silentLogger = { debug() { }, info() { }, warn() { }, error() { } };
//# sourceMappingURL=logger.js.map