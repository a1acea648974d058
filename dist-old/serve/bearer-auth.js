/**
 * Bearer-token checks for the HTTP listener (/metrics now; other routes may use it too). Tokens
 * are held only as sha256 digests, from the configuration (`metrics.tokenSha256`) or hashed at
 * start from the environment variable the configuration names (`metrics.tokenEnv`), and a
 * presented token is hashed and compared with every digest in constant time, so neither the
 * token nor how much of it matched leaks through timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { OpsError } from '../core/errors.js';
const sha256 = (text) => createHash('sha256').update(text, 'utf8').digest();
/**
 * The check for a route, or null when no token is configured (the route is open). Fails at start,
 * naming the key, when the configured environment variable is missing or empty.
 */
export function bearerCheck(source, env, key) {
    const digests = (source.tokenSha256 ?? []).map((h) => Buffer.from(h, 'hex'));
    if (source.tokenEnv !== undefined) {
        const token = env[source.tokenEnv];
        if (!token) {
            throw new OpsError('config', `${key}.tokenEnv names the environment variable ${source.tokenEnv}, which is not set`, {
                hint: `Set ${source.tokenEnv} to the token scrapers must send (Authorization: Bearer ...), or remove ${key}.tokenEnv`,
            });
        }
        digests.push(sha256(token));
    }
    if (digests.length === 0)
        return null;
    return (req) => {
        const presented = bearerToken(req);
        if (presented === null)
            return false;
        const got = sha256(presented);
        // Compare with every digest, without stopping at the first match.
        let ok = false;
        for (const d of digests)
            ok = timingSafeEqual(got, d) || ok;
        return ok;
    };
}
/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(req) {
    const h = req.headers.authorization;
    if (typeof h !== 'string')
        return null;
    const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(h);
    return m ? m[1] : null;
}
//# sourceMappingURL=bearer-auth.js.map