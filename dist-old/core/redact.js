/**
 * Keeps secrets out of logs, errors, audit entries, manifests, CLI output and chat. Three layers:
 * values of secret environment variables (and registered values, such as key material read from
 * a file) are masked wherever they appear; object keys that name secrets are blanked; and
 * credentials written into command lines or URLs (`PGPASSWORD=... pg_dump`, `--password=...`,
 * `mysql -psecret`, `postgres://user:pass@host`) are masked by their shape. This file is the one
 * place that knows what a secret looks like.
 */
const SECRET_ENV = /(TOKEN|SECRET|PASSWORD|PASSPHRASE|PRIVATE_KEY|API_KEY)/i;
const SECRET_KEY = /(token|secret|password|passphrase|privatekey|private_key|apikey|api_key|identity)$/i;
export const MASK = '[redacted]';
let extraSecrets = [];
/**
 * Registers a value (for example a decryption key read from a file, or a password found in a
 * hook command) that must never be printed. Values shorter than `minLength` are not registered:
 * masking every "pw" in every later line would garble output and protect little.
 */
export function registerSecret(value, minLength = 6) {
    if (value && value.length >= minLength && !extraSecrets.includes(value))
        extraSecrets.push(value);
}
/** For tests: forget registered secrets. */
export function clearRegisteredSecrets() {
    extraSecrets = [];
}
function secretValues() {
    const fromEnv = Object.entries(process.env)
        .filter(([k, v]) => SECRET_ENV.test(k) && typeof v === 'string' && v.length >= 6)
        .map(([, v]) => v);
    return [...fromEnv, ...extraSecrets].sort((a, b) => b.length - a.length);
}
/** Replaces every occurrence of the given values (longest first) with the mask. */
export function maskValues(text, values) {
    let out = text;
    for (const s of [...values].sort((a, b) => b.length - a.length))
        if (s)
            out = out.split(s).join(MASK);
    return out;
}
// ---------------------------------------------------------------------------------------------
// Credentials by shape, in commands and URLs.
/** A shell word: single-quoted, double-quoted, or bare up to whitespace or a shell operator. */
const WORD = String.raw `'[^']*'|"(?:[^"\\]|\\.)*"|[^\s;&|'"<>()]+`;
/** NAME=VALUE (environment assignments, `password=...` in mount options and config strings). */
const ASSIGNMENT = new RegExp(String.raw `(^|[\s;&|(,\x60])((?:export\s+)?)([A-Za-z_][A-Za-z0-9_.-]*)=(${WORD})`, 'g');
/** The same inside a comma-separated list, where a value ends at the next comma. */
const LIST_ASSIGNMENT = new RegExp(String.raw `(^|[\s;&|(,\x60])()([A-Za-z_][A-Za-z0-9_.-]*)=('[^']*'|"(?:[^"\\]|\\.)*"|[^\s,;&|'"<>()]+)`, 'g');
/** --name=VALUE or --name VALUE (the separate form only when VALUE does not look like an option). */
const OPTION = new RegExp(String.raw `(^|\s)(--?)([A-Za-z][A-Za-z0-9_-]*)(=|\s+(?!-))(${WORD})`, 'g');
/** scheme://user:password@host */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:@/'"]*):([^\s@/'"]+)@/gi;
/** HTTP authorization values. */
const AUTHORIZATION = /\b(Authorization:\s*(?:Bearer|Basic|Token|Digest)\s+|Bearer\s+)([A-Za-z0-9._~+/=-]{8,})/g;
/** Programs whose short options carry a password, and the option's form. */
const SHORT_PASSWORD_OPTIONS = [
    // mysql -psecret (attached; `-p secret` would name a database, and `-P` is the port).
    { program: /\b(mysql|mysqldump|mysqladmin|mysqlpump|mysqlimport|mysqlcheck|mysqlsh|mariadb|mariadb-dump|mariadb-admin)\b/, option: new RegExp(String.raw `(^|\s)(-p)(${WORD})`, 'g') },
    { program: /\bredis-cli\b/, option: new RegExp(String.raw `(^|\s)(-a\s+)(${WORD})`, 'g') },
    { program: /\b(mongo|mongosh|mongodump|mongorestore|mongoexport|mongoimport)\b/, option: new RegExp(String.raw `(^|\s)(-p\s+)(${WORD})`, 'g') },
    { program: /\bsshpass\b/, option: new RegExp(String.raw `(^|\s)(-p\s*)(${WORD})`, 'g') },
];
/** Whether an environment variable, option or key name says its value is a secret. */
export function isSecretName(name) {
    const n = name.toUpperCase().replace(/^-+/, '');
    // --no-password is a flag; PASSWORD_FILE=/run/secrets/db names where a secret is, not the secret.
    if (/^NO[-_]/.test(n) || /[-_.](FILE|PATH|DIR)$/.test(n))
        return false;
    if (/(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|CREDENTIAL|PRIVATE_?KEY|API_?KEY|ACCESS_?KEY)/.test(n))
        return true;
    // Whole words only: PASS but not PASSIVE or BYPASS; PWD but not the working directory itself.
    const parts = n.split(/[_.-]/);
    return n !== 'PWD' && parts.some((p) => p === 'PASS' || p === 'PWD' || p === 'PW' || p === 'KEY' || p === 'AUTH');
}
/** A value that only refers to a variable (`$DB_PASSWORD`, `"${TOKEN}"`) reveals nothing. */
function isReference(value) {
    return /^["']?\$(\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)["']?$/.test(value);
}
function unquote(value) {
    return value.length >= 2 && ((value.startsWith("'") && value.endsWith("'")) || (value.startsWith('"') && value.endsWith('"'))) ? value.slice(1, -1) : value;
}
/**
 * Masks credentials written into a command line or any text shaped like one, and returns the
 * masked text with the secret values it found (so output that echoes them can be masked too).
 */
export function redactCommand(text) {
    const secrets = [];
    const keep = (value) => {
        if (isReference(value) || unquote(value) === '')
            return true;
        secrets.push(unquote(value));
        return false;
    };
    // A value may hold more assignments (`o=addr=h,username=u,password=p`): look inside it too.
    const assignments = (s, inList) => s.replace(inList ? LIST_ASSIGNMENT : ASSIGNMENT, (all, lead, exp, name, value) => {
        if (isSecretName(name))
            return keep(value) ? all : `${lead}${exp}${name}=${MASK}`;
        return value.includes('=') ? `${lead}${exp}${name}=${assignments(value, true)}` : all;
    });
    let out = assignments(text, false);
    out = out.replace(OPTION, (all, lead, dashes, name, sep, value) => isSecretName(name) && !keep(value) ? `${lead}${dashes}${name}${sep}${MASK}` : all);
    for (const { program, option } of SHORT_PASSWORD_OPTIONS) {
        if (!program.test(out))
            continue;
        out = out.replace(option, (all, lead, flag, value) => (keep(value) ? all : `${lead}${flag}${MASK}`));
    }
    out = out.replace(URL_CREDENTIALS, (all, userPart, password) => (keep(password) ? all : `${userPart}:${MASK}@`));
    out = out.replace(AUTHORIZATION, (all, scheme, value) => (keep(value) ? all : `${scheme}${MASK}`));
    return { text: out, secrets: [...new Set(secrets)] };
}
// ---------------------------------------------------------------------------------------------
// Text and values.
export function redactText(text) {
    return redactCommand(maskValues(text, secretValues())).text;
}
export function redactValue(value) {
    return walk(value, secretValues());
}
function walk(value, secrets) {
    if (typeof value === 'string')
        return redactCommand(maskValues(value, secrets)).text;
    if (Array.isArray(value))
        return value.map((v) => walk(v, secrets));
    if (value && typeof value === 'object') {
        const out = {};
        for (const [k, v] of Object.entries(value)) {
            out[k] = SECRET_KEY.test(k) && v !== undefined && v !== null && v !== '' ? MASK : walk(v, secrets);
        }
        return out;
    }
    return value;
}
//# sourceMappingURL=redact.js.map