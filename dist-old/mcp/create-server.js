/**
 * createMcpServer: the MCP server over the op catalog for one client identity, kept apart from
 * the transports that serve it (stdio, Streamable HTTP, in-memory in tests). Tools come from the
 * catalog (one per op), resources and prompts from src/mcp/resources and src/mcp/prompts.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { mcpActor } from './mcp-actor.js';
import { registerPrompts } from './prompts/register-prompts.js';
import { registerResources } from './resources/register-resources.js';
import { callTool } from './tools/call-tool.js';
import { toolList } from './tools/tool-catalog.js';
export const SERVER_NAME = 'storage-ops';
const INSTRUCTIONS = [
    'storage-ops manages Docker storage: engines, storage driver, disk usage, volumes, backups and restores, clean-up.',
    'Read tools change nothing. Destructive tools (removals, prune, clean-up, restore) never act on your call alone: they return a preview and a pending approval id; a human confirms or an admin approves. You cannot approve requests.',
    'Long operations (backups, restores, verification, benchmarks) run as jobs; without a progress token the call returns the job id at once.',
    'Resources: storage://volumes/{host}/{name}, storage://backups, storage://backups/{id}, storage://hosts/{host}/disk-report, storage://jobs/{id}.',
].join(' ');
/**
 * @param identity the client's identity, `mcp:<name>`: it decides the role (config `access`).
 */
export function createMcpServer(deps, identity, opts = {}) {
    const readOnly = opts.readOnly ?? deps.config.mcp.readOnly;
    const actor = mcpActor(identity);
    const server = new McpServer({ name: SERVER_NAME, title: 'storage-ops', version: opts.version ?? '0.1.0' }, { capabilities: { resources: {}, prompts: {}, logging: {} }, instructions: INSTRUCTIONS });
    // The tool list is the catalog, fixed for the life of the process.
    server.server.registerCapabilities({ tools: { listChanged: false } });
    // Tools are served by hand rather than with registerTool: the schemas are the catalog's own
    // zod objects, errors must name the field, and results carry envelopes for jobs and approvals.
    server.server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: toolList(deps.ops.all(), { readOnly }) }));
    server.server.setRequestHandler(CallToolRequestSchema, (request, extra) => callTool({ deps, actor, readOnly, server: server.server }, request.params.name, request.params.arguments, extra));
    registerResources(server, deps, actor);
    registerPrompts(server);
    return server;
}
//# sourceMappingURL=create-server.js.map