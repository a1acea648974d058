function globToRegExp(glob) {
    const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    return new RegExp(`^${body}$`);
}
/** Why the volume is protected, or null when it is not. */
export function protectionReason(config, volume) {
    const p = config.protected;
    if (p.names.includes(volume.name))
        return `protected by name (config protected.names)`;
    const pattern = p.patterns.find((g) => globToRegExp(g).test(volume.name));
    if (pattern)
        return `protected by pattern "${pattern}"`;
    for (const l of p.labels) {
        const eq = l.indexOf('=');
        const key = eq < 0 ? l : l.slice(0, eq);
        const value = eq < 0 ? undefined : l.slice(eq + 1);
        if (key in volume.labels && (value === undefined || volume.labels[key] === value))
            return `protected by label ${l}`;
    }
    return null;
}
//# sourceMappingURL=protection.js.map