import { progressRelay } from './progress-relay.js';
/** The progress callback for this request: notifications when the client sent a token, else nothing. */
export function progressFor(ctx, extra) {
    const token = extra._meta?.progressToken;
    if (token === undefined)
        return undefined;
    return progressRelay(token, (n) => extra.sendNotification(n), (err) => ctx.deps.log.debug('mcp progress notification failed', { error: String(err) }));
}
//# sourceMappingURL=tool-context.js.map