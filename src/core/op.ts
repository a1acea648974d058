/**
 * What an operation is: defined once, with its name, CLI/Slack verb, described zod input, zod
 * output, effect and run function. Every adapter (CLI, Slack, MCP, schedules) is generated from
 * these definitions; nothing about an op is restated elsewhere.
 */
import type { z } from 'zod';
import type { Role } from '../config/config-schema.js';
import type { Deps } from './ports.js';
import type { View } from './view.js';

export type Effect = 'read' | 'write' | 'destructive';
export type Source = 'cli' | 'slack' | 'mcp' | 'schedule';

export interface Actor {
  /** Stable identity: "cli:alice", "slack:U123", "mcp:token-name", "schedule:nightly". */
  id: string;
  source: Source;
  /** Human name for messages, when known. */
  display?: string;
  /** Group identities the actor belongs to (e.g. "slack-group:S0456"), resolved by the adapter. */
  groups?: string[];
}

export interface Progress {
  /** Short phase name, e.g. "reading", "compressing". */
  phase: string;
  done?: number;
  total?: number;
  unit?: 'bytes' | 'items';
  /** Units per second, when the op measures it (e.g. backup and restore throughput). */
  rate?: number;
  message?: string;
}

/** One thing a destructive op would act on, as shown before anyone approves it. */
export interface PreviewItem {
  /** volume, container, image, network, build_cache, backup, ... */
  kind: string;
  id: string;
  name: string;
  sizeBytes: number | null;
  /** What will happen to it: remove, overwrite, stop, skip, ... */
  action: string;
  /** Why, especially for items left alone (in use, protected). */
  reason?: string;
}

/** What a destructive op would do, computed without changing anything. */
export interface Preview {
  summary: string;
  items: PreviewItem[];
  /** Bytes the action frees (or overwrites), summed over acted-on items. */
  totalBytes: number;
  notes: string[];
  /** Facts the execution needs to stay within the preview (e.g. a cutoff time). */
  plan?: Record<string, string | number | boolean>;
}

export interface OpContext {
  actor: Actor;
  onProgress: (p: Progress) => void;
  signal: AbortSignal;
  /**
   * For destructive ops: the preview that was approved. run() acts on exactly these items and
   * reports any whose state changed meanwhile as skipped; it never widens the set.
   */
  preview?: Preview;
}

export interface CliShape {
  /** Input fields filled from positional arguments, in order; the last may be a list (variadic). */
  positional?: string[];
  /** Flag names that differ from the kebab-cased field name (e.g. labels → label). */
  flags?: Record<string, string>;
}

export interface Op<I extends z.ZodObject = z.ZodObject, O extends z.ZodType = z.ZodType> {
  name: string;
  verb: string;
  summary: string;
  /** Longer help: when to use it, what it never does. */
  description?: string;
  effect: Effect;
  /** Lowest role allowed to run it; defaults from the effect (read: viewer, otherwise operator). */
  requiredRole?: Role;
  input: I;
  output: O;
  cli?: CliShape;
  /**
   * Long ops (backup, restore, verify, bench, clean-up execution) run as jobs: adapters start
   * them and return at once, then follow the job's events.
   */
  long?: boolean;
  /** Examples shown in help and the README, written as CLI arguments after the verb. */
  examples?: string[];
  // Method syntax on purpose: it keeps parameters bivariant so specific ops fit the catalog's Op[].
  /** Required for destructive ops: what run() would do, changing nothing. */
  preview?(deps: Deps, input: z.output<I>, ctx: OpContext): Promise<Preview>;
  run(deps: Deps, input: z.output<I>, ctx: OpContext): Promise<z.output<O>>;
  /**
   * How the output is presented, independent of the transport: title, summary line, fields,
   * typed tables, findings, notes, charts, code. Adapters render the view (src/core/views/)
   * and never format an op's output themselves.
   */
  view(output: z.output<O>): View;
  /**
   * Ops whose `host` field means "every host" when omitted (not the default host): requests
   * don't pin a host for them.
   */
  allHostsWhenOmitted?: boolean;
  /**
   * When the op ran but did not do what was asked (e.g. `rm` left a volume in use), a sentence
   * saying so: the CLI exits non-zero, like `docker volume rm`, while the output says why.
   */
  shortfall?(output: z.output<O>): string | null;
  /** Facts from the output worth keeping in the audit log (what was removed, skipped, failed). */
  auditDetail?(output: z.output<O>): Record<string, unknown>;
}

export function defineOp<I extends z.ZodObject, O extends z.ZodType>(op: Op<I, O>): Op<I, O> {
  return op;
}
