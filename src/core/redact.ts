/**
 * Keeps secrets out of logs, errors, audit entries and chat: values of secret environment
 * variables are masked wherever they appear, and object keys that name secrets are blanked.
 */
const SECRET_ENV = /(TOKEN|SECRET|PASSWORD|PASSPHRASE|PRIVATE_KEY|API_KEY)/i;
const SECRET_KEY = /(token|secret|password|passphrase|privatekey|private_key|apikey|api_key|identity)$/i;
const MASK = '[redacted]';

let extraSecrets: string[] = [];

/** Registers values (for example a decryption key read from a file) that must never be printed. */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 6 && !extraSecrets.includes(value)) extraSecrets.push(value);
}

/** For tests: forget registered secrets. */
export function clearRegisteredSecrets(): void {
  extraSecrets = [];
}

function secretValues(): string[] {
  const fromEnv = Object.entries(process.env)
    .filter(([k, v]) => SECRET_ENV.test(k) && typeof v === 'string' && v.length >= 6)
    .map(([, v]) => v as string);
  return [...fromEnv, ...extraSecrets].sort((a, b) => b.length - a.length);
}

export function redactText(text: string): string {
  let out = text;
  for (const s of secretValues()) out = out.split(s).join(MASK);
  return out;
}

export function redactValue<T>(value: T): T {
  return walk(value, secretValues()) as T;
}

function walk(value: unknown, secrets: string[]): unknown {
  if (typeof value === 'string') {
    let out = value;
    for (const s of secrets) out = out.split(s).join(MASK);
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => walk(v, secrets));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = SECRET_KEY.test(k) && v !== undefined && v !== null && v !== '' ? MASK : walk(v, secrets);
    }
    return out;
  }
  return value;
}
