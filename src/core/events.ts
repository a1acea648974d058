/**
 * Kernel events: approvals (requested, decided, executed, failed, expired, withdrawn) and jobs
 * (started, progress, finished). Adapters subscribe: a request made over MCP is posted to Slack
 * approvers, a job's progress updates a Slack message or an MCP progress token. The bus here is
 * in-process; `serve` also relays what other processes sharing the data dir write.
 */
import type { ApprovalRecord } from './approval-record.js';
import type { JobRecord } from './job-record.js';

export type ApprovalEventType = 'approval.requested' | 'approval.decided' | 'approval.executed' | 'approval.failed' | 'approval.expired' | 'approval.withdrawn';
export type JobEventType = 'job.started' | 'job.progress' | 'job.finished';

export type KernelEvent =
  | { type: ApprovalEventType; approval: ApprovalRecord }
  | { type: JobEventType; job: JobRecord };

export type EventHandler = (event: KernelEvent) => void;

export interface EventPort {
  emit(event: KernelEvent): void;
  /** Calls `handler` for every event from now on; returns the unsubscribe function. */
  subscribe(handler: EventHandler): () => void;
}

/** The in-process bus. A failing subscriber is logged by the caller's handler, never breaks the emitter. */
export function createEventBus(onHandlerError: (err: unknown, event: KernelEvent) => void = () => undefined): EventPort {
  const handlers = new Set<EventHandler>();
  return {
    emit(event) {
      for (const h of [...handlers]) {
        try {
          h(event);
        } catch (err) {
          onHandlerError(err, event);
        }
      }
    },
    subscribe(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
  };
}
