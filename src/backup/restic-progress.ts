/**
 * Reads what `restic backup --json` prints on stdout, one JSON object per line: `status` lines
 * (bytes_done so far) drive the backup's progress, the `summary` line carries the snapshot id and
 * the bytes the backup added to the repository, `error` lines are kept for the error message.
 * A Writable, so it ends the backup's stream pipeline; lines that are not JSON are ignored.
 */
import { Writable } from 'node:stream';

export interface ResticSummary {
  snapshotId: string;
  dataAdded: number;
  totalBytesProcessed: number;
}

interface ResticLine {
  message_type?: string;
  bytes_done?: number;
  snapshot_id?: string;
  data_added?: number;
  total_bytes_processed?: number;
  error?: { message?: string } | string;
  item?: string;
}

export class ResticJsonSink extends Writable {
  summary: ResticSummary | null = null;
  readonly errors: string[] = [];
  private rest = '';
  private lastDone = 0;

  /** `onBytes` gets how many more bytes restic reports done since the previous status line. */
  constructor(private readonly onBytes: (delta: number) => void) {
    super({ decodeStrings: true });
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    const text = this.rest + chunk.toString('utf8');
    const lines = text.split('\n');
    this.rest = lines.pop() ?? '';
    for (const line of lines) this.line(line);
    cb();
  }

  override _final(cb: (err?: Error | null) => void): void {
    if (this.rest) this.line(this.rest);
    this.rest = '';
    cb();
  }

  private line(raw: string): void {
    const l = raw.trim();
    if (!l.startsWith('{')) return;
    let m: ResticLine;
    try {
      m = JSON.parse(l) as ResticLine;
    } catch {
      return;
    }
    if (m.message_type === 'status' && typeof m.bytes_done === 'number') {
      if (m.bytes_done > this.lastDone) {
        this.onBytes(m.bytes_done - this.lastDone);
        this.lastDone = m.bytes_done;
      }
    } else if (m.message_type === 'summary' && typeof m.snapshot_id === 'string') {
      const total = typeof m.total_bytes_processed === 'number' ? m.total_bytes_processed : 0;
      if (total > this.lastDone) this.onBytes(total - this.lastDone);
      this.lastDone = Math.max(this.lastDone, total);
      this.summary = { snapshotId: m.snapshot_id, dataAdded: typeof m.data_added === 'number' ? m.data_added : 0, totalBytesProcessed: total };
    } else if (m.message_type === 'error') {
      const e = typeof m.error === 'string' ? m.error : m.error?.message;
      if (e) this.errors.push(e);
    }
  }
}
