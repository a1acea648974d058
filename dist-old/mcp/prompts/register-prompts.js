/**
 * Prompts: a storage health check, and planning a clean-up. Each is a user message that walks
 * the assistant through the catalog's tools; tool names come from the op objects, never typed.
 */
import { z } from 'zod';
import { backupList } from '../../ops/backups/backup-list.js';
import { driverInspect } from '../../ops/driver/driver-inspect.js';
import { diskReport } from '../../ops/system/disk-report.js';
import { hostsList } from '../../ops/system/hosts-list.js';
import { systemCleanup } from '../../ops/system/system-cleanup.js';
import { volumeList } from '../../ops/volumes/volume-list.js';
import { volumePrune } from '../../ops/volumes/volume-prune.js';
import { backupPrune } from '../../ops/backups/backup-prune.js';
const hostArg = z.string().optional().describe('engine to look at; every configured engine when omitted');
function userMessage(text) {
    return { messages: [{ role: 'user', content: { type: 'text', text } }] };
}
const scope = (host) => (host ? `the Docker engine "${host}"` : `every engine ${hostsList.name} lists`);
export function registerPrompts(server) {
    server.registerPrompt('storage_health_check', {
        title: 'Storage health check',
        description: 'Check Docker storage health: engines up, storage driver, disk usage against thresholds, unused volumes, backups missing or unverified.',
        argsSchema: { host: hostArg },
    }, ({ host }) => userMessage([
        `Run a storage health check of ${scope(host)} with the storage-ops tools. Change nothing.`,
        `1. ${hostsList.name}: which engines answer. Report any that do not, and skip them below.`,
        `2. ${driverInspect.name} per engine: the storage driver and its findings.`,
        `3. ${diskReport.name} per engine: root filesystem usage against the warn/critical thresholds, reclaimable space, the largest items.`,
        `4. ${volumeList.name} with dangling: true per engine: volumes no container uses.`,
        `5. ${backupList.name}: volumes in use with no backup in the last 7 days, and backups never verified or failing verification.`,
        'Answer with a short summary first (OK / needs attention / critical), then the findings ordered by severity, each with what to do.',
        'Link volumes and backups with their storage:// resources. Suggest, but do not start, any clean-up or backup.',
    ].join('\n')));
    server.registerPrompt('plan_cleanup', {
        title: 'Plan a storage clean-up',
        description: 'Plan how to free disk space safely: what is reclaimable, what each clean-up would remove, what stays and why; requests nothing without the user.',
        argsSchema: {
            host: hostArg,
            goal: z.string().optional().describe('how much to free, e.g. "20GB", or "get below 80 %"'),
        },
    }, ({ host, goal }) => userMessage([
        `Plan a clean-up of ${scope(host)}${goal ? ` to free ${goal}` : ''}.`,
        `1. ${diskReport.name}: where the space goes (images, containers, volumes, build cache) and what is reclaimable.`,
        `2. ${volumeList.name} with dangling: true: unused volumes, their sizes and labels. Ask before proposing to remove any volume: volumes hold data.`,
        `3. ${backupList.name}: whether the candidate volumes have a recent verified backup.`,
        `4. Propose a plan in steps, cheapest and safest first (build cache, dangling images, stopped containers, then volumes), with the expected space freed by each.`,
        `Do not call ${systemCleanup.name}, ${volumePrune.name} or ${backupPrune.name} until the user agrees to a step.`,
        'When they do, call the tool: it returns a preview of exactly what would go and an approval request; a human confirms or an admin approves, you never can.',
    ].join('\n')));
}
//# sourceMappingURL=register-prompts.js.map