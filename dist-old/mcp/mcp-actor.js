/**
 * The actor behind an MCP client: identity `mcp:<name>` (from the token it presented, or the
 * configured stdio identity), source `mcp`. The role comes from config `access` like any other.
 */
import { OpsError } from '../core/errors.js';
export const MCP_IDENTITY_PATTERN = /^mcp:[^\s]+$/;
export function mcpActor(identity) {
    if (!MCP_IDENTITY_PATTERN.test(identity)) {
        throw new OpsError('config', `"${identity}" is not an MCP identity`, { hint: 'MCP identities look like mcp:<name>' });
    }
    return { id: identity, source: 'mcp', display: identity };
}
//# sourceMappingURL=mcp-actor.js.map