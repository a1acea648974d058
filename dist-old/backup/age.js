/**
 * age encryption (age-encryption.org/v1) of backup archives through the `age` program, run as a
 * child process like zstd: no cryptography is implemented here. Encryption needs only the public
 * recipients ("age1..."), so whoever backs up holds no secret; decryption names the identity file
 * (`age -d -i FILE`), so key material is never in a command line that `ps` shows, never passes
 * through this process on its way to age, and never appears in a message (age's own error text is
 * passed through redaction, with the file's keys registered as secrets when it is read).
 *
 * Why the program and not a library: age's Go implementation encrypts at about 1 GB/s on the
 * development machines, beside this process on another core; typage (`age-encryption` on npm)
 * runs ChaCha20-Poly1305 in JavaScript at about 150 MB/s on this process's own core, slower than
 * zstd writes compressed data (measured on Node 20; README, "Benchmarks").
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { OpsError } from '../core/errors.js';
import { redactText } from '../core/redact.js';
import { hasProgram } from './compression.js';
import { ProcessStream } from './process-stream.js';
export { isRecipient, parseRecipient } from '../config/age-recipient.js';
const run = promisify(execFile);
const VERSION_LINE = 'age-encryption.org/v1';
/** age needs nothing from this process's environment, which holds tokens: give it only PATH. */
function childEnv() {
    return { PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin' };
}
export function requireAge(what) {
    if (!hasProgram('age')) {
        throw new OpsError('unavailable', `${what} needs the age program, which is not installed on this machine`, {
            hint: 'Install it (apt-get install age; the storage-ops image has it)',
        });
    }
}
/** age's message without its "age: error:" prefix and its "report unexpected errors" line. */
function ageMessage(stderr) {
    return redactText(stderr
        .split(/;\s*|\n/)
        .filter((l) => l.trim() && !/report unexpected or unhelpful errors/.test(l))
        .map((l) => l.replace(/^age(-keygen)?: (error: )?/, '').trim())
        .join('; '));
}
/** Encrypts a byte stream to the given recipients, as `age -r ... -r ...` does. */
export class AgeEncryptStream extends ProcessStream {
    constructor(recipients) {
        if (recipients.length === 0)
            throw new OpsError('config', 'encryption needs at least one recipient', { hint: 'Set backup.recipients to age1... public keys' });
        super('age', ['-e', ...recipients.flatMap((r) => ['-r', r])], 'age encryption', 'internal', {
            env: childEnv(),
            failure: (stderr, how) => new OpsError('internal', `age encryption failed: age ${how}${stderr ? `: ${ageMessage(stderr)}` : ''}`),
        });
    }
}
/** Decrypts an age stream with the identities' files; fails on a wrong key, any damage or truncation. */
export class AgeDecryptStream extends ProcessStream {
    constructor(identities) {
        const files = [...new Set(identities.map((i) => i.file))];
        if (files.length === 0)
            throw new OpsError('config', 'decryption needs an age identity', { hint: 'Set backup.identityFile (or STORAGE_OPS_AGE_IDENTITY_FILE)' });
        super('age', ['-d', ...files.flatMap((f) => ['-i', f])], 'age decryption', 'corrupt', {
            env: childEnv(),
            failure: (stderr, how) => decryptFailure(ageMessage(stderr), how, identities),
        });
    }
}
function decryptFailure(message, how, identities) {
    if (/no identity matched/.test(message)) {
        return new OpsError('forbidden', 'none of the configured age identities can decrypt this archive', {
            hint: `It was encrypted to other recipients; the identity file's recipients are ${identities.map((i) => i.recipient).join(', ')}`,
        });
    }
    if (/^reading "/.test(message) || /identity/.test(message)) {
        return new OpsError('config', `cannot use the age identity file: ${message}`, { hint: 'Check backup.identityFile / STORAGE_OPS_AGE_IDENTITY_FILE' });
    }
    return new OpsError('corrupt', `encrypted archive is damaged: ${message || `age ${how}`}`, {
        hint: 'The file was changed or truncated after it was written; use another backup',
    });
}
/**
 * The identities in an age identity file (age-keygen's format), each with its recipient, as
 * `age-keygen -y FILE` derives them. The caller has read the file already (to register its keys
 * as secrets); errors name the file and the line, never the key.
 */
export async function identitiesOf(file) {
    requireAge(`reading the age identity file ${file}`);
    let stdout;
    try {
        ({ stdout } = await run('age-keygen', ['-y', file], { env: childEnv(), encoding: 'utf8' }));
    }
    catch (err) {
        const e = err;
        if (e.code === 'ENOENT') {
            throw new OpsError('unavailable', 'reading an age identity file needs the age-keygen program (it comes with age), which is not installed', { hint: 'Install age (apt-get install age)' });
        }
        throw new OpsError('config', `identity file ${file} is not an age X25519 identity file: ${ageMessage(e.stderr ?? String(err))}`, {
            hint: 'Generate one with `age-keygen -o key.txt`; plugin, SSH and passphrase-protected identities are not supported',
        });
    }
    const recipients = stdout.split('\n').map((l) => l.trim()).filter(Boolean);
    if (recipients.length === 0 || !recipients.every((r) => r.startsWith('age1'))) {
        throw new OpsError('config', `identity file ${file} holds no age X25519 identity`, { hint: 'Generate one with `age-keygen -o key.txt`' });
    }
    return recipients.map((recipient) => ({ file, recipient }));
}
/** A new X25519 identity in age-keygen's text form, with its recipient (tests, benchmarks, docs). */
export function generateIdentity() {
    const text = execFileSync('age-keygen', { env: childEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const identity = /^AGE-SECRET-KEY-1\S+$/m.exec(text)?.[0];
    const recipient = /^# public key: (age1\S+)$/m.exec(text)?.[1];
    if (!identity || !recipient)
        throw new OpsError('internal', 'age-keygen printed no key');
    return { identity, recipient };
}
/** True when the bytes start like an age file (used to sniff archives found in the store). */
export function looksLikeAge(head) {
    return head.subarray(0, VERSION_LINE.length).toString('latin1') === VERSION_LINE;
}
//# sourceMappingURL=age.js.map