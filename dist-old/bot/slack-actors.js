const GROUP_PREFIX = 'slack-group:';
const CACHE_MS = 5 * 60_000;
/** The slack-group ids the access lists mention: the only groups whose members matter. */
export function configuredGroups(config) {
    const a = config.access;
    return [...new Set([...a.admins, ...a.operators, ...a.viewers].filter((i) => i.startsWith(GROUP_PREFIX)).map((i) => i.slice(GROUP_PREFIX.length)))];
}
export function createSlackActors(config, client, log, now = Date.now) {
    const cache = new Map();
    const inflight = new Map();
    const membersOf = async (group) => {
        const hit = cache.get(group);
        if (hit && now() - hit.at < CACHE_MS)
            return hit.members;
        const pending = inflight.get(group);
        if (pending)
            return pending;
        const load = (async () => {
            try {
                const res = await client.usergroups.users.list({ usergroup: group });
                const members = new Set(res.users ?? []);
                cache.set(group, { members, at: now() });
                return members;
            }
            catch (err) {
                // Without usergroups:read (or for a deleted group) nobody gets that group's role; the
                // last known members are kept meanwhile, so a passing Slack error changes nothing.
                log.warn('slack: could not read a user group; its members get no role from it until it can be read', {
                    group,
                    error: err instanceof Error ? err.message : String(err),
                });
                return hit?.members ?? new Set();
            }
            finally {
                inflight.delete(group);
            }
        })();
        inflight.set(group, load);
        return load;
    };
    return {
        async actorFor(userId, display) {
            const groups = [];
            for (const g of configuredGroups(config)) {
                if ((await membersOf(g)).has(userId))
                    groups.push(`${GROUP_PREFIX}${g}`);
            }
            return { id: `slack:${userId}`, source: 'slack', ...(display ? { display } : {}), ...(groups.length ? { groups } : {}) };
        },
    };
}
/** The identities that hold `role` or above, written for Slack (mentions for users and groups). */
export function whoCanDecide(config, except) {
    const ids = config.access.admins.filter((i) => i !== except);
    if (ids.length === 0)
        return 'no one is configured as an admin yet (access.admins in the config)';
    return ids
        .map((i) => {
        if (i.startsWith('slack:'))
            return `<@${i.slice(6)}>`;
        if (i.startsWith(GROUP_PREFIX))
            return `<!subteam^${i.slice(GROUP_PREFIX.length)}>`;
        return `\`${i}\``;
    })
        .join(', ');
}
//# sourceMappingURL=slack-actors.js.map