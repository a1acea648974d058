/**
 * Progress for long byte streams: a pass-through that counts bytes and reports done, total and
 * rate through the op's progress callback, at most a few times a second plus once at the end.
 */
import { Transform } from 'node:stream';
import { formatBytes } from '../core/format.js';
const EVERY_MS = 250;
export class ProgressMeter extends Transform {
    phase;
    report;
    done = 0;
    /** Expected bytes; may be set later (an estimate arrives while the stream already runs). */
    total;
    started = performance.now();
    last = 0;
    constructor(phase, report, total) {
        super({ highWaterMark: 1 << 18 });
        this.phase = phase;
        this.report = report;
        this.total = total;
    }
    _transform(chunk, _enc, cb) {
        this.count(chunk.length);
        cb(null, chunk);
    }
    _flush(cb) {
        this.emitProgress();
        cb();
    }
    /** Counts bytes seen elsewhere (when another stage observes the stream for this meter). */
    count(bytes) {
        this.done += bytes;
        const now = performance.now();
        if (now - this.last >= EVERY_MS) {
            this.last = now;
            this.emitProgress();
        }
    }
    /** Reports the final figures (for a meter used through count()). */
    finish() {
        this.emitProgress();
    }
    /** Bytes per second so far. */
    rate() {
        const s = (performance.now() - this.started) / 1000;
        return s > 0 ? Math.round(this.done / s) : 0;
    }
    emitProgress() {
        const rate = this.rate();
        // An estimated total can be exceeded (tar headers); never report more done than total.
        const total = this.total !== undefined ? Math.max(this.total, this.done) : undefined;
        this.report({
            phase: this.phase,
            done: this.done,
            total,
            unit: 'bytes',
            rate,
            message: `${formatBytes(this.done)}${total !== undefined ? ` of ${formatBytes(total)}` : ''} at ${formatBytes(rate)}/s`,
        });
    }
}
//# sourceMappingURL=progress.js.map