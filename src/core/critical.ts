/**
 * Windows in which a signal must not end the process: from stopping a volume's containers to
 * starting them again. While a window is open, SIGINT, SIGTERM and SIGHUP never kill the process
 * (however often they come, whatever other handlers there are); the window's abort signal fires
 * so its work stops early, and a signal that would have ended the process is raised again once
 * the last window has closed, so it ends only after the containers run again. SIGKILL cannot be
 * caught: that case is covered by the durable record of what was stopped (src/backup/stop-records.ts).
 */
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
type Sig = (typeof SIGNALS)[number];

interface Window {
  what: string;
  abort: AbortController;
}

const windows = new Map<number, Window>();
const deferred = new Set<Sig>();
let seq = 0;

function onSignal(sig: Sig): void {
  deferred.add(sig);
  const waits = [...windows.values()].map((w) => w.what);
  for (const w of windows.values()) w.abort.abort(new Error(`${sig} received`));
  process.stderr.write(`storage-ops: ${sig} received; ${waits.join('; ')} before stopping\n`);
}

const handlers = new Map<Sig, () => void>(SIGNALS.map((s) => [s, () => onSignal(s)]));

/** What open windows are waiting for (empty when none is open). */
export function criticalWork(): string[] {
  return [...windows.values()].map((w) => w.what);
}

/**
 * Opens a window; `what` says what the process is finishing ("starting app, db again").
 * `signal` aborts when a terminating signal arrives; call `leave()` when the window's work is done.
 */
export function enterCritical(what: string): { signal: AbortSignal; leave: () => void } {
  const id = ++seq;
  const abort = new AbortController();
  if (windows.size === 0) for (const [s, h] of handlers) process.on(s, h);
  windows.set(id, { what, abort });
  return {
    signal: abort.signal,
    leave: () => {
      if (!windows.delete(id) || windows.size > 0) return;
      for (const [s, h] of handlers) process.removeListener(s, h);
      const again = [...deferred];
      deferred.clear();
      // Nobody else handles it: the default action (ending the process) happens now, after the restart.
      for (const s of again) if (process.listenerCount(s) === 0) process.kill(process.pid, s);
    },
  };
}
