/**
 * tools/call: finds the op by its canonical name, refuses writes on a read-only server, checks the
 * arguments against the op's schema (naming every bad field), and hands the call to the kernel:
 * reads and writes run at once, long ops as jobs, destructive ops as approval requests. Roles,
 * approvals and audit are the kernel's; annotations are only hints, nothing here trusts them.
 */
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { submitOp } from '../../core/approvals.js';
import { OpsError } from '../../core/errors.js';
import { hostOf } from '../../core/run-op.js';
import { runDestructive } from './destructive-call.js';
import { runLong } from './long-call.js';
import { opText } from './readable-text.js';
import { errorResult, inputErrorResult, successResult } from './tool-results.js';
import { wrapsPlainOutput } from './tool-envelopes.js';
import { progressFor } from './tool-context.js';
export function findTool(deps, name) {
    return deps.ops.all().find((op) => op.name === name);
}
export async function callTool(ctx, name, args, extra) {
    const op = findTool(ctx.deps, name);
    if (!op)
        throw new McpError(ErrorCode.InvalidParams, `Unknown tool "${name}"; tools/list shows the tools of this server`);
    if (ctx.readOnly && op.effect !== 'read') {
        return errorResult(new OpsError('forbidden', `${op.name} is refused: this MCP server is read-only (mcp.readOnly), so only read tools run`, {
            hint: 'Nothing was changed. Ask a person to run it with the storage-ops CLI or in Slack, or use a server that is not read-only',
        }));
    }
    const parsed = op.input.safeParse(args ?? {});
    if (!parsed.success)
        return inputErrorResult(op, parsed.error);
    const input = args ?? {};
    const defaultHost = hostOf(ctx.deps, op, input);
    try {
        if (op.effect === 'destructive')
            return await runDestructive(ctx, op, input, extra);
        if (op.long)
            return await runLong(ctx, op, input, extra);
        const onProgress = progressFor(ctx, extra);
        const done = await submitOp(ctx.deps, op, input, { actor: ctx.actor, signal: extra.signal, ...(onProgress ? { onProgress } : {}) });
        if (done.kind !== 'done')
            throw new OpsError('internal', `${op.name} is neither destructive nor long, yet the kernel did not run it at once`);
        const structured = wrapsPlainOutput(op) ? { result: done.output } : done.output;
        return successResult(op, opText(op, done.output), structured, defaultHost);
    }
    catch (err) {
        return errorResult(err);
    }
}
//# sourceMappingURL=call-tool.js.map