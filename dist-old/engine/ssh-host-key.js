/**
 * ssh:// engines are authenticated by their host key, as OpenSSH's StrictHostKeyChecking=yes
 * does: the key the host presents must be in known_hosts (plain or hashed host names, [host]:port
 * for other ports, wildcards and negations, @revoked) or equal the pinned SHA256 fingerprint.
 * An unknown or changed key is refused; the refusal is kept so the error can show the
 * fingerprint and how to pin it (ssh2 itself only says "Host denied").
 */
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { OpsError } from '../core/errors.js';
export function defaultKnownHostsFile() {
    return join(homedir(), '.ssh', 'known_hosts');
}
export function sshFingerprint(key) {
    return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}
/** The key type named inside an ssh public key blob (its first string). */
export function keyTypeOf(key) {
    if (key.length < 4)
        return 'unknown';
    const len = key.readUInt32BE(0);
    return len > 0 && len < 64 && key.length >= 4 + len ? key.subarray(4, 4 + len).toString('latin1') : 'unknown';
}
/** How known_hosts names a host: "host" on port 22, "[host]:port" otherwise. */
export function knownHostsName(host, port) {
    return port === 22 ? host : `[${host}]:${port}`;
}
export function parseKnownHosts(text) {
    const out = [];
    text.split('\n').forEach((raw, i) => {
        const line = raw.trim();
        if (!line || line.startsWith('#'))
            return;
        const fields = line.split(/\s+/);
        let marker = '';
        if (fields[0] === '@revoked' || fields[0] === '@cert-authority')
            marker = fields.shift();
        const [patterns, keyType, b64] = fields;
        if (!patterns || !keyType || !b64)
            return;
        const key = Buffer.from(b64, 'base64');
        if (key.length === 0)
            return;
        out.push({ lineNo: i + 1, marker, patterns, keyType, key });
    });
    return out;
}
function wildcard(pattern, name) {
    const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    return new RegExp(`^${re}$`, 'i').test(name);
}
/** Whether one comma-separated host pattern list names `name` (OpenSSH's match_hostname rules). */
export function patternsMatch(patterns, name) {
    let matched = false;
    for (const p of patterns.split(',')) {
        if (p.startsWith('|1|')) {
            const [, , salt, hash] = p.split('|');
            if (salt && hash && createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash)
                matched = true;
            continue;
        }
        const negated = p.startsWith('!');
        if (wildcard(negated ? p.slice(1) : p, name)) {
            if (negated)
                return false;
            matched = true;
        }
    }
    return matched;
}
function readKnownHosts(file) {
    try {
        return { lines: parseKnownHosts(readFileSync(file, 'utf8')), missing: false };
    }
    catch (err) {
        if (err.code === 'ENOENT')
            return { lines: [], missing: true };
        throw err;
    }
}
/** The key types known_hosts holds for this host, so the handshake asks the server for those first. */
export function knownKeyTypes(policy) {
    if (policy.fingerprint)
        return [];
    let lines;
    try {
        lines = readKnownHosts(policy.knownHostsFile).lines;
    }
    catch {
        return [];
    }
    const name = knownHostsName(policy.host, policy.port);
    const types = lines.filter((l) => l.marker === '' && patternsMatch(l.patterns, name)).map((l) => l.keyType);
    // An ssh-rsa key is offered under the rsa-sha2 signature names too.
    return [...new Set(types.flatMap((t) => (t === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [t])))];
}
/** Checks a presented host key against the policy: null when accepted, else why not. */
export function checkHostKey(policy, key) {
    const fingerprint = sshFingerprint(key);
    const keyType = keyTypeOf(key);
    if (policy.fingerprint) {
        return fingerprint === policy.fingerprint ? null : { reason: 'pin-mismatch', keyType, fingerprint, expected: [policy.fingerprint], source: 'hostKeyFingerprint' };
    }
    const { lines, missing } = readKnownHosts(policy.knownHostsFile);
    const name = knownHostsName(policy.host, policy.port);
    const forHost = lines.filter((l) => patternsMatch(l.patterns, name));
    const revoked = lines.find((l) => l.marker === '@revoked' && l.key.equals(key));
    if (revoked)
        return { reason: 'revoked', keyType, fingerprint, expected: [], source: `${policy.knownHostsFile} line ${revoked.lineNo}` };
    const plain = forHost.filter((l) => l.marker === '');
    if (plain.some((l) => l.key.equals(key)))
        return null;
    if (plain.length === 0)
        return { reason: 'unknown', keyType, fingerprint, expected: [], source: missing ? `${policy.knownHostsFile} (which does not exist)` : policy.knownHostsFile };
    return {
        reason: 'changed',
        keyType,
        fingerprint,
        expected: plain.map((l) => sshFingerprint(l.key)),
        source: `${policy.knownHostsFile} line${plain.length > 1 ? 's' : ''} ${plain.map((l) => l.lineNo).join(', ')}`,
    };
}
/** The error an engine's caller sees for a refused host key: what, why, and how to pin it. */
export function hostKeyError(hostName, url, policy, r) {
    const who = `engine "${hostName}" (${url})`;
    const pin = `"hostKeyFingerprint": "${r.fingerprint}" on hosts[] "${hostName}"`;
    const scan = `ssh-keyscan -p ${policy.port} ${policy.host} >> ${policy.knownHostsFile}`;
    switch (r.reason) {
        case 'unknown':
            return new OpsError('unavailable', `${who} was refused: its ssh host key ${r.keyType} ${r.fingerprint} is unknown (not in ${r.source})`, {
                hint: `If that is the host's key (on the host: ssh-keygen -lf /etc/ssh/ssh_host_${r.keyType.replace(/^ssh-|-sha2-.*$/g, '')}_key.pub), pin it with ${pin}, or add it to known_hosts (${scan}, then compare the fingerprint)`,
            });
        case 'changed':
            return new OpsError('unavailable', `${who} was refused: its ssh host key CHANGED: it presented ${r.keyType} ${r.fingerprint}, but ${r.source} hold${r.expected.length > 1 ? '' : 's'} ${r.expected.join(', ')} for ${knownHostsName(policy.host, policy.port)}. Someone may be intercepting the connection, or the host was reinstalled`, {
                hint: `Check the key on the host itself. Only if it really changed: remove the old entry (ssh-keygen -R '${knownHostsName(policy.host, policy.port)}' -f ${policy.knownHostsFile}) and add the new one, or pin ${pin}`,
            });
        case 'revoked':
            return new OpsError('unavailable', `${who} was refused: its ssh host key ${r.keyType} ${r.fingerprint} is marked @revoked in ${r.source}`, {
                hint: 'The host must get a new key; do not remove the @revoked line',
            });
        case 'pin-mismatch':
            return new OpsError('unavailable', `${who} was refused: it presented the ssh host key ${r.keyType} ${r.fingerprint}, but the config pins hostKeyFingerprint ${r.expected[0] ?? ''}`, {
                hint: `Check the key on the host itself. Only if it really changed, set ${pin}`,
            });
    }
}
//# sourceMappingURL=ssh-host-key.js.map