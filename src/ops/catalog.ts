/**
 * The operation catalog: every op, once. Adapters loop over this list; help text, the Slack
 * usage hint, MCP tools and the README's reference are generated from it.
 */
import { OpsError } from '../core/errors.js';
import { guessVerb, matchVerb } from '../core/words/parse-words.js';
import { alertRules } from './system/alert-rules.js';
import { approvalApprove } from './governance/approval-approve.js';
import { approvalDeny } from './governance/approval-deny.js';
import { approvalList } from './governance/approval-list.js';
import { approvalWithdraw } from './governance/approval-withdraw.js';
import { jobCancel } from './governance/job-cancel.js';
import { jobList } from './governance/job-list.js';
import { jobShow } from './governance/job-show.js';
import { auditLog } from './governance/audit-log.js';
import { backupList } from './backups/backup-list.js';
import { backupPrune } from './backups/backup-prune.js';
import { backupRescan } from './backups/backup-rescan.js';
import { backupVerify } from './backups/backup-verify.js';
import { diskReport } from './system/disk-report.js';
import { driverConfig } from './driver/driver-config.js';
import { driverInspect } from './driver/driver-inspect.js';
import { storageAdvise } from './driver/storage-advise.js';
import { hostsList } from './system/hosts-list.js';
import type { Op } from '../core/op.js';
import type { OpRegistry } from '../core/ports.js';
import { systemCleanup } from './system/system-cleanup.js';
import { volumeBackup } from './backups/volume-backup.js';
import { volumeBenchmark } from './volumes/volume-benchmark.js';
import { benchmarkList } from './volumes/benchmark-list.js';
import { volumeCreate } from './volumes/volume-create.js';
import { volumeInspect } from './volumes/volume-inspect.js';
import { volumeList } from './volumes/volume-list.js';
import { volumePrune } from './volumes/volume-prune.js';
import { volumeRemove } from './volumes/volume-remove.js';
import { volumeRestore } from './backups/volume-restore.js';
import { scheduleAdd } from './schedules/schedule-add.js';
import { scheduleList } from './schedules/schedule-list.js';
import { scheduleRemove } from './schedules/schedule-remove.js';
import { scheduleRun } from './schedules/schedule-run.js';

export const catalog: readonly Op[] = [
  hostsList,
  driverInspect,
  driverConfig,
  storageAdvise,
  diskReport,
  alertRules,
  volumeList,
  volumeInspect,
  volumeCreate,
  volumeBenchmark,
  benchmarkList,
  volumeBackup,
  backupList,
  backupRescan,
  backupVerify,
  volumeRestore,
  backupPrune,
  volumeRemove,
  volumePrune,
  systemCleanup,
  scheduleList,
  scheduleAdd,
  scheduleRemove,
  scheduleRun,
  approvalList,
  approvalApprove,
  approvalDeny,
  approvalWithdraw,
  jobList,
  jobShow,
  jobCancel,
  auditLog,
];

/** Finds an op by CLI/Slack verb or canonical name. */
export function findOp(word: string): Op | undefined {
  return catalog.find((op) => op.verb === word || op.name === word);
}

/** Commands the CLI itself handles, beside the catalog's verbs. */
export const PROCESS_COMMANDS = ['serve', 'mcp', 'help', 'docs', 'version'] as const;

export function requireOp(word: string): Op {
  return findOp(word) ?? unknownCommand([word]);
}

/** The op named by the first words of a command line, or an "unknown command" error with a "did you mean". */
export function requireOpWords(words: readonly string[]): Op {
  return matchVerb(catalog, words)?.op ?? unknownCommand(words);
}

function unknownCommand(words: readonly string[]): never {
  const { typed, guess } = guessVerb(catalog, words, PROCESS_COMMANDS);
  throw new OpsError('invalid_input', `unknown command "${typed}"${guess ? ` (did you mean "${guess}"?)` : ''}`, {
    hint: `Commands: ${catalog.map((o) => o.verb).join(', ')}; \`storage-ops help\` explains each`,
  });
}

/** The catalog as the kernel's registry port. */
export const opRegistry: OpRegistry = { find: findOp, all: () => catalog };
