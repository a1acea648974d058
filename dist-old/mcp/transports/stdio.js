/**
 * `storage-ops mcp`: the MCP server over stdio for one local client (Claude Desktop, an IDE), as
 * the configured identity (`mcp.stdioIdentity`, default mcp:stdio). stdout carries the protocol
 * only; logs go to stderr. When the client closes stdin, nothing is cut short: the process ends
 * once the answers in flight are written and the jobs it started have finished.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createMcpServer } from '../create-server.js';
export async function serveStdio(deps, opts = {}) {
    const identity = deps.config.mcp.stdioIdentity;
    const server = createMcpServer(deps, identity, opts);
    const transport = new StdioServerTransport();
    const closed = new Promise((resolve) => {
        server.server.onclose = () => resolve();
    });
    await server.connect(transport);
    deps.log.info('mcp server on stdio', { identity, readOnly: deps.config.mcp.readOnly });
    await closed;
}
//# sourceMappingURL=stdio.js.map