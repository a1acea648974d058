/**
 * The server's resources: the disk report per host, the backup catalog and each backup, a
 * volume's details (template storage://volumes/{host}/{name}) and jobs. Each is read through the
 * catalog op that answers it, by runOp as the client's identity, so roles and audit apply as for
 * a tool call. Contents come twice: the op's output as JSON and its readable text.
 */
import { ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { toOpsError } from '../../core/errors.js';
import { runOp } from '../../core/run-op.js';
import { redactText } from '../../core/redact.js';
import { backupList } from '../../ops/backups/backup-list.js';
import { diskReport } from '../../ops/system/disk-report.js';
import { volumeInspect } from '../../ops/volumes/volume-inspect.js';
import { jobShow } from '../../ops/governance/job-show.js';
import { listJobs } from '../../core/jobs.js';
import { opText } from '../tools/readable-text.js';
import { BACKUP_CATALOG_URI, BACKUP_TEMPLATE, backupUri, DISK_REPORT_TEMPLATE, diskReportUri, JOB_TEMPLATE, jobUri, templateValue, VOLUME_TEMPLATE, } from './resource-uris.js';
/** -32002 is MCP's "resource not found". */
const RESOURCE_NOT_FOUND = -32002;
export function asMcpError(err) {
    const e = toOpsError(err);
    const code = e.code === 'not_found' ? RESOURCE_NOT_FOUND : e.code === 'invalid_input' ? ErrorCode.InvalidParams : ErrorCode.InternalError;
    return new McpError(code, redactText(`${e.code}: ${e.toLine()}`));
}
export function contents(uri, structured, text) {
    return {
        contents: [
            { uri, mimeType: 'application/json', text: JSON.stringify(structured, null, 2) },
            { uri, mimeType: 'text/plain', text: redactText(text) },
        ],
    };
}
async function readOp(deps, actor, op, input) {
    try {
        return await runOp(deps, op, input, { actor });
    }
    catch (err) {
        throw asMcpError(err);
    }
}
export function registerResources(server, deps, actor) {
    server.registerResource('disk-report', new ResourceTemplate(DISK_REPORT_TEMPLATE, {
        list: () => ({
            resources: deps.engines.hosts().map((h) => ({ uri: diskReportUri(h.name), name: `disk report ${h.name}`, title: `Disk report of ${h.name}`, mimeType: 'application/json' })),
        }),
        complete: { host: () => deps.engines.hosts().map((h) => h.name) },
    }), {
        title: 'Disk report per host',
        description: `${diskReport.summary} (the ${diskReport.name} tool with default thresholds).`,
        mimeType: 'application/json',
    }, async (uri, vars) => {
        const output = await readOp(deps, actor, diskReport, { host: templateValue(vars.host) });
        return contents(uri.href, output, opText(diskReport, output));
    });
    server.registerResource('backup-catalog', BACKUP_CATALOG_URI, { title: 'Backup catalog', description: `${backupList.summary}: every backup of every volume and host.`, mimeType: 'application/json' }, async (uri) => {
        const output = await readOp(deps, actor, backupList, {});
        return contents(uri.href, output, opText(backupList, output));
    });
    server.registerResource('backup', new ResourceTemplate(BACKUP_TEMPLATE, { list: undefined }), { title: 'One backup', description: 'A backup from the catalog by id: volume, host, size, checksum, encryption, last verification.', mimeType: 'application/json' }, async (uri, vars) => {
        const id = templateValue(vars.id);
        const output = (await readOp(deps, actor, backupList, {}));
        const backup = output.backups.find((b) => b.id === id);
        if (!backup)
            throw new McpError(RESOURCE_NOT_FOUND, `not_found: no backup "${id}" in the catalog. ${BACKUP_CATALOG_URI} lists them`);
        return contents(backupUri(id), backup, opText(backupList, { ...output, backups: [backup] }));
    });
    server.registerResource('volume', new ResourceTemplate(VOLUME_TEMPLATE, {
        // Listing every volume of every engine would call each engine on every resources/list.
        list: undefined,
        complete: { host: () => deps.engines.hosts().map((h) => h.name) },
    }), { title: 'Volume details', description: `${volumeInspect.summary}, and its newest backup.`, mimeType: 'application/json' }, async (uri, vars) => {
        const output = await readOp(deps, actor, volumeInspect, { host: templateValue(vars.host), name: templateValue(vars.name) });
        return contents(uri.href, output, opText(volumeInspect, output));
    });
    server.registerResource('job', new ResourceTemplate(JOB_TEMPLATE, {
        list: async () => ({
            resources: (await listJobs(deps, { limit: 20 })).map((j) => ({ uri: jobUri(j.id), name: `job ${j.id}`, title: `${j.verb} on ${j.host ?? '-'}: ${j.status}`, mimeType: 'application/json' })),
        }),
    }), { title: 'Job', description: `${jobShow.summary}. Long operations (backups, restores, verification, benchmarks, approved clean-ups) run as jobs.`, mimeType: 'application/json' }, async (uri, vars) => {
        const output = await readOp(deps, actor, jobShow, { id: templateValue(vars.id) });
        return contents(uri.href, output, opText(jobShow, output));
    });
}
//# sourceMappingURL=register-resources.js.map