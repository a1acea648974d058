/**
 * The age identity used to read encrypted backups (verify, restore): the file named by
 * backup.identityFile or STORAGE_OPS_AGE_IDENTITY_FILE. Backing up needs no identity, only the
 * public recipients. The file is read here only to check it is readable and to register its key
 * material as a secret the moment it is seen, so it is masked in every log line, error and audit
 * entry; the age program reads it itself (`age -d -i FILE`), so the key is never in an argument.
 */
import { readFile } from 'node:fs/promises';
import { OpsError } from '../core/errors.js';
import { registerSecret } from '../core/redact.js';
import { identitiesOf } from './age.js';
/** The configured identities, or null when none is configured. */
export async function loadIdentities(deps) {
    const path = deps.config.backup.identityFile;
    if (!path)
        return null;
    let text;
    try {
        text = await readFile(path, 'utf8');
    }
    catch (err) {
        throw new OpsError('config', `cannot read the age identity file ${path}: ${err.code ?? 'unreadable'}`, {
            hint: 'Check backup.identityFile / STORAGE_OPS_AGE_IDENTITY_FILE and that this user can read the file',
        });
    }
    for (const line of text.split(/\r?\n/)) {
        const l = line.trim();
        if (l && !l.startsWith('#')) {
            registerSecret(l);
            registerSecret(l.toLowerCase());
        }
    }
    return identitiesOf(path);
}
export function identityMissing(id, what) {
    return new OpsError('config', `backup ${id} is encrypted and no age identity is configured, so it cannot be ${what}`, {
        hint: 'Set backup.identityFile (or STORAGE_OPS_AGE_IDENTITY_FILE) to the key file made by age-keygen',
    });
}
//# sourceMappingURL=identity.js.map