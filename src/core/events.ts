/**
 * Kernel events: approvals (requested, decided, executed, failed, expired, withdrawn), jobs
 * (started, progress, finished), schedule results and the end of every op call (op.finished,
 * for /metrics). Adapters subscribe: a request made over MCP is posted to Slack approvers, a
 * job's progress updates a Slack message or an MCP progress token. The bus here is
 * in-process; `serve` also relays what other processes sharing the data dir write.
 */
import type { ApprovalRecord } from './approval-record.js';
import type { JobRecord } from './job-record.js';
import type { View } from './view.js';

/**
 * A schedule's result for people: what a report, backup or monitor run has to say. Posted to
 * the schedule's Slack channel by the Slack adapter when it runs; always logged and written
 * under reports/ in the data dir by the schedule runner.
 */
export interface SchedulePost {
  schedule: string;
  kind: string;
  /** Slack channel id from the schedule, or null (log and reports/ only). */
  channel: string | null;
  view: View;
  /** The run's kernel job, when it ran as one. */
  jobId: string | null;
  /** The markdown file under reports/ holding the same view. */
  file: string | null;
}

/** One op call ended, as its "finished" audit entry says (the /metrics op counters count these). */
export interface OpCall {
  op: string;
  /** Adapter it came from: cli, slack, mcp, schedule. */
  source: string;
  outcome: 'ok' | 'error';
  /** OpsError code when it failed. */
  errorCode: string | null;
  durationMs: number;
}

export type ApprovalEventType = 'approval.requested' | 'approval.decided' | 'approval.executed' | 'approval.failed' | 'approval.expired' | 'approval.withdrawn';
export type JobEventType = 'job.started' | 'job.progress' | 'job.finished';

export type KernelEvent =
  | { type: ApprovalEventType; approval: ApprovalRecord }
  | { type: JobEventType; job: JobRecord }
  | { type: 'schedule.posted'; post: SchedulePost }
  | { type: 'op.finished'; call: OpCall };

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
