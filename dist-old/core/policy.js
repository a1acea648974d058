/**
 * Policy approvals: a configured rule (backup retention after each backup, a schedule's run)
 * approving a destructive op on its own. The grant is a capability object that only kernel-side
 * code can mint: it cannot be written as input, passed through JSON, or named by an adapter
 * option, so no chat message or tool call can claim to be a policy. The boundary test keeps the
 * adapters (cli, bot, mcp) from importing this module.
 */
const minted = new WeakSet();
export function grantPolicy(policy) {
    const grant = Object.freeze({ policy });
    minted.add(grant);
    return grant;
}
/** True only for grants made by grantPolicy in this process (not look-alike objects). */
export function isPolicyGrant(value) {
    return typeof value === 'object' && value !== null && minted.has(value);
}
//# sourceMappingURL=policy.js.map