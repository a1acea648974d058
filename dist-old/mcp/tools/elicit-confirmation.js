import { approvalText } from './readable-text.js';
export async function askToConfirm(ctx, record, extra) {
    if (!ctx.server.getClientCapabilities()?.elicitation?.form)
        return 'unsupported';
    try {
        const answer = await ctx.server.elicitInput({
            mode: 'form',
            message: `An assistant asks to run ${record.op} on ${record.host ?? 'the default host'}. Nothing has changed yet; this is what it would do:\n\n${approvalText(record)}\n\nRun it?`,
            requestedSchema: {
                type: 'object',
                properties: {
                    confirm: {
                        type: 'boolean',
                        title: `Yes, run ${record.verb} (request ${record.id})`,
                        description: 'Tick to confirm exactly the preview above. Under the two-person rule an admin still has to approve it.',
                        default: false,
                    },
                },
                required: ['confirm'],
            },
        }, { relatedRequestId: extra.requestId, signal: extra.signal });
        if (answer.action === 'accept' && answer.content?.confirm === true)
            return 'confirmed';
        return 'declined';
    }
    catch (err) {
        ctx.deps.log.warn('mcp confirmation request failed', { approval: record.id, error: err instanceof Error ? err.message : String(err) });
        return 'no_answer';
    }
}
//# sourceMappingURL=elicit-confirmation.js.map