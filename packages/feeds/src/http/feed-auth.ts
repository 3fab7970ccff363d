/**
 * How a client authenticates: HTTP Basic, a bearer token, or an API key in a named header
 * (MISP's `Authorization`, many vendors' `X-API-Key`). Secrets are only ever written to
 * request headers, never to errors, events or logs.
 */
export type FeedAuth =
  | { type: 'basic'; username: string; password: string }
  | { type: 'bearer'; token: string }
  | { type: 'header'; name: string; value: string };

const encoder = new TextEncoder();

/** The header a {@link FeedAuth} produces, as `[name, value]`. */
export function authHeader(auth: FeedAuth): [string, string] {
  switch (auth.type) {
    case 'basic': {
      // RFC 7617 §2.1: user-id ":" password, UTF-8, base64.
      const bytes = encoder.encode(`${auth.username}:${auth.password}`);
      let binary = '';
      for (const byte of bytes) binary += String.fromCharCode(byte);
      return ['authorization', `Basic ${btoa(binary)}`];
    }
    case 'bearer':
      return ['authorization', `Bearer ${auth.token}`];
    case 'header':
      return [auth.name, auth.value];
    default:
      throw new TypeError('`auth.type` must be `basic`, `bearer` or `header`.');
  }
}

/** A URL safe to show in errors and events: credentials removed. */
export function redactUrl(url: string | URL): string {
  // A URL without credentials needs no copy (`href` is what the copy would print).
  if (url instanceof URL && url.username === '' && url.password === '') return url.href;
  // Credentials need `@` in the authority; a string without one is shown as it is.
  if (typeof url === 'string' && !url.includes('@')) return url;
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return String(url);
  }
}
