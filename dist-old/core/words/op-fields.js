/**
 * Reads an op's input schema as JSON Schema, the one description every adapter shares: the CLI
 * parser and help, the Slack grammar and the README reference all come from here.
 */
import { z } from 'zod';
export function kebab(name) {
    return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}
function kindOf(node) {
    const t = Array.isArray(node.type) ? node.type.find((x) => x !== 'null') : node.type;
    if (!t && node.anyOf)
        return kindOf(node.anyOf.find((n) => n.type !== 'null') ?? {});
    switch (t) {
        case 'number':
            return 'number';
        case 'integer':
            return 'integer';
        case 'boolean':
            return 'boolean';
        case 'array':
            return 'list';
        case 'object':
            return 'map';
        default:
            return 'string';
    }
}
const cache = new WeakMap();
export function inputJsonSchema(op) {
    return z.toJSONSchema(op.input, { io: 'input' });
}
export function fieldsOf(op) {
    const hit = cache.get(op);
    if (hit)
        return hit;
    const schema = inputJsonSchema(op);
    const required = new Set(schema.required ?? []);
    const positional = op.cli?.positional ?? [];
    const fields = Object.entries(schema.properties ?? {}).map(([name, node]) => {
        const kind = kindOf(node);
        const info = {
            name,
            kind,
            required: required.has(name),
            description: node.description ?? '',
            flag: op.cli?.flags?.[name] ?? kebab(name),
            positional: positional.includes(name) ? positional.indexOf(name) : null,
        };
        if (kind === 'list' && node.items)
            info.itemKind = kindOf(node.items);
        if (node.default !== undefined)
            info.default = node.default;
        if (node.enum)
            info.enum = node.enum.map(String);
        return info;
    });
    cache.set(op, fields);
    return fields;
}
/** "storage-ops create <name> [--driver VALUE] [--opt KEY=VALUE]..." style usage. */
export function usageLine(op, prog = 'storage-ops') {
    const fields = fieldsOf(op);
    const parts = [prog, op.verb];
    for (const f of fields.filter((x) => x.positional !== null).sort((a, b) => (a.positional ?? 0) - (b.positional ?? 0))) {
        const label = f.kind === 'list' ? `<${f.name}>...` : `<${f.name}>`;
        parts.push(f.required ? label : `[${label}]`);
    }
    for (const f of fields.filter((x) => x.positional === null))
        parts.push(`[${flagSyntax(f)}]${f.kind === 'list' || f.kind === 'map' ? '...' : ''}`);
    if (op.effect === 'destructive')
        parts.push('[--yes]');
    return parts.join(' ');
}
export function flagSyntax(f) {
    if (f.kind === 'boolean')
        return f.default === true ? `--no-${f.flag}` : `--${f.flag}`;
    if (f.kind === 'map')
        return `--${f.flag} KEY=VALUE`;
    if (f.enum)
        return `--${f.flag} ${f.enum.join('|')}`;
    if (f.kind === 'number' || f.kind === 'integer' || (f.kind === 'list' && (f.itemKind === 'number' || f.itemKind === 'integer')))
        return `--${f.flag} N`;
    return `--${f.flag} ${f.name === 'host' ? 'HOST' : 'VALUE'}`;
}
//# sourceMappingURL=op-fields.js.map