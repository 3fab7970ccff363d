import type { z } from 'zod';
import type { authSchema } from '../config/server-config';
import { TaxiiHttpError } from '../errors/taxii-http-error';
import { RateLimiter } from '../limits/rate-limiter';
import { sha256Hex, verifyPassword } from './credentials';

const CHALLENGE = {
  'www-authenticate': 'Basic realm="taxii", charset="UTF-8", Bearer realm="taxii"',
};
const unauthorized = (description: string) =>
  new TaxiiHttpError(401, 'Authentication required.', description, CHALLENGE);

/**
 * Resolves a request's credentials to a principal name. API keys and passwords are
 * compared by hash only; the plain secrets are never stored or logged. Verified basic-auth
 * credentials are remembered for a minute (by SHA-256) so PBKDF2 does not run per request.
 */
export class Authenticator {
  readonly #keys = new Map<string, string>();
  readonly #users = new Map<string, { passwordHash: string; principal: string }>();
  readonly #anonymous: string | undefined;
  readonly #verified = new Map<string, { principal: string; until: number }>();
  readonly #now: () => number;
  // PBKDF2 is slow on purpose; without a bound, wrong passwords would be a cheap way to
  // burn the server's CPU and to guess. Each (client address, username) pair gets 10
  // uncached checks, then 1/s; each address 30 checks over all usernames, then 3/s.
  // Never by username alone: whoever knows a username could then lock its owner out.
  readonly #attempts: RateLimiter;
  readonly #attemptsPerAddress: RateLimiter;

  constructor(auth: z.output<typeof authSchema>, now: () => number) {
    this.#attempts = new RateLimiter(1, 10, now);
    this.#attemptsPerAddress = new RateLimiter(3, 30, now);
    for (const key of auth.apiKeys) this.#keys.set(key.hash.slice('sha256:'.length), key.principal);
    for (const user of auth.users) {
      this.#users.set(user.username, {
        passwordHash: user.passwordHash,
        principal: user.principal ?? user.username,
      });
    }
    this.#anonymous = auth.anonymous;
    this.#now = now;
  }

  /**
   * The principal of the request, or a 401 TAXII error.
   *
   * @param clientAddress - the caller's network address, which sign-in throttling is keyed
   *   by; `''` when unknown (then every caller shares one throttle per username).
   */
  async authenticate(request: Request, clientAddress = ''): Promise<string> {
    const authorization = request.headers.get('authorization');
    const apiKey = request.headers.get('x-api-key');
    if ((authorization?.length ?? 0) > 4096 || (apiKey?.length ?? 0) > 4096) {
      throw unauthorized('The credentials are too long.');
    }
    if (apiKey !== null) return this.#byKey(apiKey.trim());
    if (authorization === null) {
      if (this.#anonymous !== undefined) return this.#anonymous;
      throw unauthorized('Send an API key (`Authorization: Bearer`) or basic-auth credentials.');
    }
    const space = authorization.indexOf(' ');
    const scheme = authorization.slice(0, space).toLowerCase();
    const value = authorization.slice(space + 1).trim();
    if (space > 0 && scheme === 'bearer') return this.#byKey(value);
    if (space > 0 && scheme === 'basic') return this.#byPassword(value, clientAddress);
    throw unauthorized('Unsupported authorization scheme; use Basic or Bearer.');
  }

  async #byKey(key: string): Promise<string> {
    // A map lookup by SHA-256 of the key leaks nothing useful about other keys.
    const principal = key === '' ? undefined : this.#keys.get(await sha256Hex(key));
    if (principal === undefined) throw unauthorized('The API key is not valid.');
    return principal;
  }

  async #byPassword(encoded: string, clientAddress: string): Promise<string> {
    let decoded: string;
    try {
      decoded = new TextDecoder('utf-8', { fatal: true }).decode(
        Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0)),
      );
    } catch {
      throw unauthorized('Malformed basic-auth credentials.');
    }
    const colon = decoded.indexOf(':');
    if (colon < 0) throw unauthorized('Malformed basic-auth credentials.');
    const username = decoded.slice(0, colon);
    const user = this.#users.get(username);
    const now = this.#now();
    const cacheKey = await sha256Hex(`${decoded}\u0000${user?.passwordHash ?? ''}`);
    const cached = this.#verified.get(cacheKey);
    if (cached && cached.until > now) return cached.principal;
    const address = clientAddress.slice(0, 100);
    const wait = Math.max(
      this.#attemptsPerAddress.take(address),
      this.#attempts.take(`${address}\u0000${username.slice(0, 200)}`),
    );
    if (wait > 0) {
      throw new TaxiiHttpError(429, 'Too many sign-in attempts.', `Retry in ${wait} s.`, {
        'retry-after': String(wait),
      });
    }
    if (!user || !(await verifyPassword(decoded.slice(colon + 1), user.passwordHash))) {
      throw unauthorized('The username or password is not valid.');
    }
    if (this.#verified.size > 10_000) this.#verified.clear();
    this.#verified.set(cacheKey, { principal: user.principal, until: now + 60_000 });
    return user.principal;
  }
}
