/**
 * The operation catalog: every op, once. Adapters loop over this list; help text, the Slack
 * usage hint, MCP tools and the README's reference are generated from it.
 */
import { OpsError } from '../errors.js';
import { alertRules } from './alert-rules.js';
import { approvalApprove, approvalDeny, approvalList } from './approval-ops.js';
import { auditLog } from './audit-log.js';
import { backupList } from './backup-list.js';
import { backupPrune } from './backup-prune.js';
import { backupVerify } from './backup-verify.js';
import { diskReport } from './disk-report.js';
import { driverConfig } from './driver-config.js';
import { driverInspect } from './driver-inspect.js';
import { hostsList } from './hosts-list.js';
import type { Op } from './op.js';
import { systemCleanup } from './system-cleanup.js';
import { volumeBackup } from './volume-backup.js';
import { volumeBenchmark } from './volume-benchmark.js';
import { volumeCreate } from './volume-create.js';
import { volumeInspect } from './volume-inspect.js';
import { volumeList } from './volume-list.js';
import { volumePrune } from './volume-prune.js';
import { volumeRemove } from './volume-remove.js';
import { volumeRestore } from './volume-restore.js';

export const catalog: readonly Op[] = [
  hostsList,
  driverInspect,
  driverConfig,
  diskReport,
  alertRules,
  volumeList,
  volumeInspect,
  volumeCreate,
  volumeBenchmark,
  volumeBackup,
  backupList,
  backupVerify,
  volumeRestore,
  backupPrune,
  volumeRemove,
  volumePrune,
  systemCleanup,
  approvalList,
  approvalApprove,
  approvalDeny,
  auditLog,
];

/** Finds an op by CLI/Slack verb or canonical name. */
export function findOp(word: string): Op | undefined {
  return catalog.find((op) => op.verb === word || op.name === word);
}

export function requireOp(word: string): Op {
  const op = findOp(word);
  if (!op) {
    throw new OpsError('invalid_input', `unknown command "${word}"`, {
      hint: `Commands: ${catalog.map((o) => o.verb).join(', ')}; \`storage-ops help\` explains each`,
    });
  }
  return op;
}
