import { expect } from 'vitest';
import { ADMIN_PASSWORD } from './start-dashboard';

/** A signed-in admin talking to the hub over HTTP, like a browser with cookies would. */
export class AdminSession {
  readonly origin: string;
  #cookie = '';

  constructor(origin: string) {
    this.origin = origin;
  }

  static async signIn(origin: string, password = ADMIN_PASSWORD): Promise<AdminSession> {
    const session = new AdminSession(origin);
    const response = await fetch(`${origin}/login?next=/`, {
      method: 'POST',
      redirect: 'manual',
      headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: 'admin', password }),
    });
    expect(response.status).toBe(303);
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    session.#cookie = cookie.split(';')[0]!;
    return session;
  }

  get cookie(): string {
    return this.#cookie;
  }

  get(path: string): Promise<Response> {
    return fetch(`${this.origin}${path}`, {
      redirect: 'manual',
      headers: { cookie: this.#cookie },
    });
  }

  async text(path: string): Promise<string> {
    const response = await this.get(path);
    expect(response.status, path).toBe(200);
    return response.text();
  }

  /** The CSRF token the server put in this session's forms. */
  async csrf(): Promise<string> {
    const html = await this.text('/check');
    const token = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
    expect(token).toBeTruthy();
    return token!;
  }

  /** Posts a form as a same-origin browser would (Origin header), with the CSRF token unless told otherwise. */
  async post(
    path: string,
    fields: Record<string, string>,
    options: { csrf?: string | false; origin?: string } = {},
  ): Promise<Response> {
    const body = new URLSearchParams(fields);
    if (options.csrf !== false) body.set('csrf', options.csrf ?? (await this.csrf()));
    return fetch(`${this.origin}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        cookie: this.#cookie,
        origin: options.origin ?? this.origin,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body,
    });
  }
}

/** Waits until `check` returns a value (polling every 200 ms, up to `ms`). */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  ms = 60_000,
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((ok) => setTimeout(ok, 200));
  }
}
