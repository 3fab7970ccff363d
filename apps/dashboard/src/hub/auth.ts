import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { HubStore } from './store/hub-store';

/** The session cookie (HttpOnly, SameSite=Strict). */
export const SESSION_COOKIE = 'hub_session';

/** Sessions last a working day; signing in again is cheap. */
const SESSION_MS = 12 * 60 * 60 * 1000;
// scrypt's N=2^15, r=8 (RFC 7914 §2 parameters at the cost OWASP suggests for interactive logins).
const SCRYPT = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;

function scryptAsync(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((done, fail) =>
    scrypt(password, salt, 32, SCRYPT, (error, key) => (error ? fail(error) : done(key))),
  );
}

/** `scrypt$<salt hex>$<key hex>`: only this is ever stored. */
export async function hashPasswordScrypt(password: string): Promise<string> {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString('hex')}$${(await scryptAsync(password, salt)).toString('hex')}`;
}

export async function verifyPasswordScrypt(password: string, stored: string): Promise<boolean> {
  const [scheme, saltHex, keyHex] = stored.split('$');
  if (scheme !== 'scrypt' || !saltHex || !keyHex) return false;
  const expected = Buffer.from(keyHex, 'hex');
  const actual = await scryptAsync(password, Buffer.from(saltHex, 'hex'));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** SHA-256 of a random token: session ids are looked up by hash, so a leaked table is useless. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface Session {
  username: string;
  /** The CSRF token every form of this session carries. */
  csrf: string;
}

/** Users and sessions, in the hub store (SQLite or PostgreSQL). */
export class Accounts {
  readonly #store: HubStore;
  constructor(store: HubStore) {
    this.#store = store;
  }

  async hasUser(username: string): Promise<boolean> {
    return (await this.#store.passwordHash(username)) !== undefined;
  }

  /** Whether `password` is the user's current password (false for an unknown user). */
  async passwordIs(username: string, password: string): Promise<boolean> {
    const stored = await this.#store.passwordHash(username);
    return stored !== undefined && (await verifyPasswordScrypt(password.slice(0, 1024), stored));
  }

  async setPassword(username: string, password: string): Promise<void> {
    // A new password ends every session of the user (the store does both at once).
    await this.#store.setPasswordHash(username, await hashPasswordScrypt(password));
  }

  /** Failed sign-ins per user name in the current window (bounded: cleared when large). */
  readonly #failures = new Map<string, { count: number; since: number }>();

  /** Whether this user name has failed too often recently (10 per 5 minutes). */
  locked(username: string): boolean {
    const entry = this.#failures.get(username);
    return entry !== undefined && entry.count >= 10 && Date.now() - entry.since < 5 * 60_000;
  }

  #recordFailure(username: string): void {
    if (this.#failures.size > 10_000) this.#failures.clear();
    const entry = this.#failures.get(username);
    if (!entry || Date.now() - entry.since >= 5 * 60_000)
      this.#failures.set(username, { count: 1, since: Date.now() });
    else entry.count++;
  }

  /** Checks the password; on success returns a new session token (cookie value). */
  async signIn(username: string, password: string): Promise<string | undefined> {
    if (this.locked(username)) return undefined;
    const stored = await this.#store.passwordHash(username);
    // Hash even for unknown users so the response time does not tell which names exist.
    const ok = await verifyPasswordScrypt(
      password.slice(0, 1024),
      stored ?? 'scrypt$00000000000000000000000000000000$00',
    );
    if (stored === undefined || !ok) {
      this.#recordFailure(username);
      return undefined;
    }
    this.#failures.delete(username);
    const token = randomBytes(32).toString('base64url');
    await this.#store.createSession(
      tokenHash(token),
      username,
      randomBytes(24).toString('base64url'),
      Date.now() + SESSION_MS,
    );
    return token;
  }

  async session(token: string | undefined): Promise<Session | undefined> {
    if (!token || token.length > 200) return undefined;
    const row = await this.#store.session(tokenHash(token));
    if (!row || row.expires < Date.now()) return undefined;
    return { username: row.username, csrf: row.csrf };
  }

  async signOut(token: string | undefined): Promise<void> {
    if (token) await this.#store.deleteSession(tokenHash(token));
  }
}

/** Constant-time comparison of a submitted CSRF token with the session's. */
export function csrfMatches(session: Session, submitted: unknown): boolean {
  if (typeof submitted !== 'string') return false;
  const a = Buffer.from(session.csrf);
  const b = Buffer.from(submitted);
  return a.length === b.length && timingSafeEqual(a, b);
}
