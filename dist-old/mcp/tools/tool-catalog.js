/**
 * The MCP tool list, generated from the op catalog: one tool per op, named by the op's canonical
 * name, described for a model (when to use it, what it returns, what it never does), with JSON
 * Schemas taken from the op's zod input and output, and annotations derived from its effect.
 * Nothing here names an op: a new op in the catalog is a new tool.
 */
import { z } from 'zod';
import { requiredRoleFor } from '../../core/roles.js';
import { fieldsOf } from '../../core/words/op-fields.js';
import { outputSchemaOf } from './tool-envelopes.js';
/**
 * zod writes a nullable string as `type: ["string", "null"]`; clients that map tool schemas onto
 * a single-type dialect (OpenAPI-style function declarations) reject that, while `anyOf` with one
 * type per branch means the same and passes everywhere (the MCP Inspector's --strict asks for it).
 */
export function portableSchema(node) {
    if (Array.isArray(node))
        return node.map(portableSchema);
    if (typeof node !== 'object' || node === null)
        return node;
    const out = {};
    for (const [k, v] of Object.entries(node))
        out[k] = k === 'properties' || k === '$defs' || k === 'definitions' ? mapValues(v) : portableSchema(v);
    if (Array.isArray(out.type) && out.type.length > 1) {
        const { type, description, default: dflt, title, ...constraints } = out;
        return {
            ...(title !== undefined ? { title } : {}),
            ...(description !== undefined ? { description } : {}),
            ...(dflt !== undefined ? { default: dflt } : {}),
            anyOf: type.map((t) => (t === 'null' ? { type: 'null' } : { type: t, ...constraints })),
        };
    }
    return out;
}
function mapValues(v) {
    if (typeof v !== 'object' || v === null)
        return v;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, portableSchema(x)]));
}
/** MCP requires object schemas at the root; the `$schema` key is left out (2020-12 is the default dialect). */
export function jsonSchemaOf(schema, io) {
    const { $schema: _dialect, ...rest } = portableSchema(z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any' }));
    if (rest.type !== 'object')
        throw new Error(`tool schemas must be objects; got ${String(rest.type)}`);
    return rest;
}
/** A short title: the summary's first clause ("Remove volumes (preview first...)" → "Remove volumes"). */
export function toolTitle(op) {
    const first = op.summary.split(/\s[(—–-]\s?|[;:]\s|,\s(?=[a-z]+ing\b)/)[0] ?? op.summary;
    return first.trim().replace(/[.,]$/, '');
}
/**
 * The op's own words use CLI flags ("--force", "--no-prune"); a model passes fields, so flags of
 * the op's own input are rewritten as field names (`force`, `prune: false`).
 */
export function forModel(op, text) {
    const byFlag = new Map(fieldsOf(op).map((f) => [f.flag, f.name]));
    return text.replace(/--(no-)?([a-z][a-z0-9-]*)/g, (whole, no, flag) => {
        const field = byFlag.get(flag);
        if (!field)
            return whole;
        return no ? `\`${field}: false\`` : `\`${field}\``;
    });
}
const EFFECT_TEXT = {
    read: 'Read-only: changes nothing.',
    write: 'Writes: it creates or changes things, and is not destructive.',
    destructive: 'Destructive, so this call never acts on your word alone: it returns a preview of exactly what would be removed or overwritten and a pending approval id. ' +
        'If the client supports it the user is asked to confirm right here; otherwise (and under the two-person rule) a human admin approves in Slack or with `storage-ops approve <id>`. ' +
        'You cannot approve requests. Read the outcome later with the approval and job tools.',
};
const LONG_TEXT = 'Runs as a job. Without a progress token the call returns at once with the job id (status queued or running); follow it with the job tools or the resource storage://jobs/{id}. ' +
    'With a progress token the call streams progress notifications and returns the result; cancelling the request cancels the job.';
export function toolDescription(op) {
    const parts = [forModel(op, op.summary.endsWith('.') ? op.summary : `${op.summary}.`)];
    if (op.description)
        parts.push(forModel(op, op.description));
    parts.push(EFFECT_TEXT[op.effect]);
    if (op.long)
        parts.push(LONG_TEXT);
    const role = op.effect === 'destructive' ? 'operator' : requiredRoleFor(op);
    parts.push(`Needs the ${role} role${op.effect === 'destructive' ? ' to request it' : ''}.`);
    return parts.join('\n\n');
}
export function toolFor(op, opts) {
    const refused = opts.readOnly && op.effect !== 'read';
    const description = toolDescription(op);
    return {
        name: op.name,
        title: toolTitle(op),
        description: refused ? `Refused on this server: it is read-only (mcp.readOnly), so only read tools run.\n\n${description}` : description,
        inputSchema: jsonSchemaOf(op.input, 'input'),
        outputSchema: jsonSchemaOf(outputSchemaOf(op), 'output'),
        annotations: {
            title: toolTitle(op),
            readOnlyHint: op.effect === 'read',
            destructiveHint: op.effect === 'destructive',
            // Only reads are promised to have no further effect when repeated; writes (a second backup,
            // a second restore) do, so they claim nothing.
            idempotentHint: op.effect === 'read',
            // Every tool acts on the engines and the backup store configured for this server: a closed world.
            openWorldHint: false,
        },
    };
}
const cache = new WeakMap();
/** Tools in catalog order; cached per op, since an op's schemas never change while the process runs. */
export function toolList(ops, opts) {
    return ops.map((op) => {
        const byMode = cache.get(op) ?? new Map();
        cache.set(op, byMode);
        const hit = byMode.get(opts.readOnly);
        if (hit)
            return hit;
        const tool = toolFor(op, opts);
        byMode.set(opts.readOnly, tool);
        return tool;
    });
}
//# sourceMappingURL=tool-catalog.js.map