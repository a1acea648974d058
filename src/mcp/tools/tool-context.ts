/**
 * What a tool call carries through the MCP layer: the kernel deps, the client's actor, whether
 * the server is read-only, the low-level server (to ask the user), and the request's progress
 * callback when the client sent a progress token.
 */
import type { ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Actor, Progress } from '../../core/op.js';
import type { Deps } from '../../core/ports.js';
import { progressRelay } from './progress-relay.js';

export type ToolExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

export interface ToolCallContext {
  deps: Deps;
  actor: Actor;
  readOnly: boolean;
  /** The low-level server, to ask the user (elicitation) during a call. */
  server: Server;
}

/** The progress callback for this request: notifications when the client sent a token, else nothing. */
export function progressFor(ctx: ToolCallContext, extra: ToolExtra): ((p: Progress) => void) | undefined {
  const token = extra._meta?.progressToken;
  if (token === undefined) return undefined;
  return progressRelay(token, (n) => extra.sendNotification(n), (err) => ctx.deps.log.debug('mcp progress notification failed', { error: String(err) }));
}
