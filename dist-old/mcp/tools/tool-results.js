import { OpsError, toOpsError } from '../../core/errors.js';
import { redactText, redactValue } from '../../core/redact.js';
import { outputSchemaOf } from './tool-envelopes.js';
import { resourceLinksOf } from './resource-links.js';
export function successResult(op, text, structured, defaultHost) {
    const checked = outputSchemaOf(op).safeParse(structured);
    if (!checked.success) {
        // The kernel already checked the op's output; an envelope that fails is a bug here.
        return errorResult(new OpsError('internal', `${op.name}: the result does not match the tool's outputSchema (${checked.error.issues[0]?.path.join('.') ?? 'root'}: ${checked.error.issues[0]?.message ?? 'invalid'})`, { hint: 'This is a bug in storage-ops; please report it' }));
    }
    return {
        content: [{ type: 'text', text: redactText(text) }, ...resourceLinksOf(structured, defaultHost)],
        // Masked like the text (a volume's mount options may hold a password); strings stay strings,
        // so the result still matches the outputSchema.
        structuredContent: redactValue(structured),
    };
}
export function errorResult(err, prefix) {
    const e = toOpsError(err);
    const line = redactText(`${prefix ? `${prefix}: ` : ''}${e.toLine()}`);
    return { content: [{ type: 'text', text: `Error (${e.code}): ${line}` }], isError: true };
}
/** Every schema problem, each naming its field, so the model can fix the call in one go. */
export function inputErrorResult(op, error) {
    const problems = error.issues.map((issue) => {
        const field = issue.path.length ? issue.path.map(String).join('.') : null;
        let why;
        if (issue.code === 'unrecognized_keys')
            why = `unknown field(s) ${issue.keys.map((k) => `\`${k}\``).join(', ')}`;
        else if (issue.code === 'invalid_type' && issue.input === undefined)
            why = 'is required';
        else
            why = issue.message;
        return field ? `\`${field}\` ${why}` : why;
    });
    return errorResult(new OpsError('invalid_input', `invalid arguments for ${op.name}: ${problems.join('; ')}`, {
        hint: `Nothing was changed. Fix the argument${problems.length > 1 ? 's' : ''} as the tool's inputSchema describes and call it again`,
    }));
}
//# sourceMappingURL=tool-results.js.map