/**
 * Test helpers that wait for what the kernel runs as a job: the output of a submitted op, and an
 * approval decided and executed to the end (its record as it ended).
 */
import { decideApproval, type DecideOptions, type DecisionResult, type Submitted } from '../../src/core/approvals.js';
import { jobOutcome, waitForJob } from '../../src/core/jobs.js';
import type { Deps } from '../../src/core/ports.js';

/** The op's output, waiting for its job when it ran as one; pending requests give null. */
export async function outputOf(deps: Deps, s: Submitted): Promise<unknown> {
  if (s.kind === 'pending') return null;
  if (s.kind === 'job') return jobOutcome(await waitForJob(deps, s.job.id));
  return s.output;
}

/** decideApproval, then the job it started (if any) waited for; record and output as they ended. */
export async function decideAndWait(deps: Deps, id: string, decision: 'approve' | 'deny', opts: DecideOptions): Promise<DecisionResult> {
  const r = await decideApproval(deps, id, decision, opts);
  if (!r.job) return r;
  const job = await waitForJob(deps, r.job.id);
  const record = ((await deps.state.read()).approvals ?? []).find((a) => a.id === id) ?? r.record;
  return { ...r, record, job, output: job.status === 'succeeded' ? job.result : null };
}
