import { OpsError } from './errors.js';
const RANK = { viewer: 0, operator: 1, admin: 2 };
export function roleOf(config, actor) {
    const a = config.access;
    const ids = [actor.id, ...(actor.groups ?? [])];
    if (ids.some((i) => a.admins.includes(i)))
        return 'admin';
    if (ids.some((i) => a.operators.includes(i)))
        return 'operator';
    if (ids.some((i) => a.viewers.includes(i)))
        return 'viewer';
    switch (actor.source) {
        case 'cli':
            return a.cliRole;
        case 'schedule':
            // Schedules are configured by people who could have run the op themselves.
            return 'operator';
        default:
            return a.defaultRole;
    }
}
export function atLeast(role, needed) {
    return RANK[role] >= RANK[needed];
}
export function requiredRoleFor(op) {
    return op.requiredRole ?? (op.effect === 'read' ? 'viewer' : 'operator');
}
export function requireRole(config, actor, needed, what) {
    const role = roleOf(config, actor);
    if (!atLeast(role, needed)) {
        throw new OpsError('forbidden', `${actor.display ?? actor.id} (${role}) may not ${what}: it needs the ${needed} role`, {
            hint: `An admin can grant it in the config (access.${needed}s)`,
        });
    }
    return role;
}
/** Whether this source needs a second person to approve what its users request. */
export function twoPersonRuleFor(config, actor) {
    const rule = config.access.twoPersonRule;
    if (actor.source === 'slack')
        return rule.slack;
    if (actor.source === 'mcp')
        return rule.mcp;
    if (actor.source === 'cli')
        return rule.cli;
    return false;
}
/** Every identity of the person behind `id` (config access.people), including `id` itself. */
export function identitiesOf(config, id) {
    const person = config.access.people.find((p) => p.ids.includes(id));
    return person ? person.ids : [id];
}
/** Whether two identities belong to one person (the two-person rule holds across them). */
export function samePerson(config, a, b) {
    return a === b || identitiesOf(config, a).includes(b);
}
//# sourceMappingURL=roles.js.map