/**
 * `storage-ops mcp`: the MCP server over stdio for one local client (Claude Desktop, an IDE), as
 * the configured identity (`mcp.stdioIdentity`, default mcp:stdio). stdout carries the protocol
 * only; logs go to stderr. Resolves when the client closes the connection.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Deps } from '../../core/ports.js';
import { createMcpServer } from '../create-server.js';

export async function serveStdio(deps: Deps, opts: { version?: string } = {}): Promise<void> {
  const identity = deps.config.mcp.stdioIdentity;
  const server = createMcpServer(deps, identity, opts);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    server.server.onclose = () => resolve();
  });
  await server.connect(transport);
  deps.log.info('mcp server on stdio', { identity, readOnly: deps.config.mcp.readOnly });
  // stdin ending (the client went away) closes the transport too.
  process.stdin.once('end', () => void server.close());
  await closed;
}
