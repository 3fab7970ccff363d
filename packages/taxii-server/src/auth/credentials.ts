const encoder = new TextEncoder();

function hex(bytes: ArrayBuffer | Uint8Array): string {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Compares two strings in time that depends only on their length. */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** SHA-256 of a string as lower-case hex. */
export async function sha256Hex(value: string): Promise<string> {
  return hex(await crypto.subtle.digest('SHA-256', encoder.encode(value)));
}

/**
 * Hashes an API key for the server config, so the config never holds the key itself.
 * API keys are long random strings, so one SHA-256 suffices (no brute force to slow down).
 *
 * @param key - the API key given to the partner.
 * @returns `sha256:<hex>`, the form `auth.apiKeys[].hash` expects.
 * @example
 * ```ts
 * import { hashApiKey } from '@intelshare/taxii-server';
 *
 * const hash = await hashApiKey('k3y-from-a-password-manager-0123456789');
 * ```
 */
export async function hashApiKey(key: string): Promise<string> {
  return `sha256:${await sha256Hex(key)}`;
}

const PBKDF2_ITERATIONS = 210_000;

async function pbkdf2(password: string, salt: Uint8Array, iterations: number): Promise<string> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(password), 'PBKDF2', false, [
    'deriveBits',
  ]);
  const bits = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt: salt as Uint8Array<ArrayBuffer>, iterations },
    key,
    256,
  );
  return hex(bits);
}

/**
 * Hashes a basic-auth password with PBKDF2-SHA-256 (Web Crypto, so it runs everywhere)
 * and a random salt, for `auth.users[].passwordHash`.
 *
 * @param password - the user's password.
 * @param iterations - PBKDF2 rounds (default 210 000, OWASP's figure for SHA-256).
 * @returns `pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>`.
 * @example
 * ```ts
 * import { hashPassword } from '@intelshare/taxii-server';
 *
 * const passwordHash = await hashPassword('correct horse battery staple');
 * ```
 */
export async function hashPassword(
  password: string,
  iterations = PBKDF2_ITERATIONS,
): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  return `pbkdf2-sha256$${iterations}$${hex(salt)}$${await pbkdf2(password, salt, iterations)}`;
}

/**
 * Checks a password against a {@link hashPassword} hash in constant time.
 *
 * @param password - the password given.
 * @param stored - the `pbkdf2-sha256$…` hash.
 * @returns whether they match; `false` for malformed hashes.
 * @example
 * ```ts
 * import { hashPassword, verifyPassword } from '@intelshare/taxii-server';
 *
 * const stored = await hashPassword('correct horse battery staple');
 * await verifyPassword('correct horse battery staple', stored); // true
 * ```
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, rounds, saltHex, expected] = stored.split('$');
  if (scheme !== 'pbkdf2-sha256' || !rounds || !saltHex || !expected) return false;
  const iterations = Number(rounds);
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > 10_000_000) return false;
  if (!/^(?:[0-9a-f]{2})+$/.test(saltHex)) return false;
  const salt = Uint8Array.from(saltHex.match(/../g)!, (h) => Number.parseInt(h, 16));
  return constantTimeEqual(await pbkdf2(password, salt, iterations), expected);
}
