import { defineMiddleware } from 'astro:middleware';
import { csrfMatches, SESSION_COOKIE } from './hub/auth';

/** Pages reachable without signing in. */
const PUBLIC_PATHS = new Set(['/login']);

const SECURITY_HEADERS: Record<string, string> = {
  // No third-party anything; scripts only from our own files (Astro bundles them under /_astro/).
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
};

function withHeaders(response: Response): Response {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
    if (!response.headers.has(name)) response.headers.set(name, value);
  }
  return response;
}

/**
 * Sign-in and CSRF for every page: without a session, pages redirect to /login (API
 * routes answer 401); a POST whose Origin is not this server is refused, and every POST
 * from a session must carry the session's CSRF token in its `csrf` form field.
 */
export const onRequest = defineMiddleware(async (context, next) => {
  const hub = context.locals.hub;
  if (!hub)
    return new Response('The hub is not running (start it with pnpm --filter dashboard start).', {
      status: 503,
    });
  const host = context.request.headers.get('host') ?? '';
  // A host name or address with an optional port; anything else is not a browser's Host.
  if (!/^[A-Za-z0-9.-]{1,253}(:\d{1,5})?$|^\[[0-9A-Fa-f:.]{2,45}\](:\d{1,5})?$/.test(host))
    return withHeaders(new Response('Bad Host header.', { status: 400 }));
  // Behind a TLS proxy the browser's origin is https://…: configured as listen.publicOrigin.
  const origin = hub.config.listen.publicOrigin ?? `${context.url.protocol}//${host}`;
  context.locals.origin = origin;
  if (context.request.method !== 'GET' && context.request.method !== 'HEAD') {
    // Browsers send Origin on every POST (Fetch §3.1); Sec-Fetch-Site when Origin is absent.
    const sent = context.request.headers.get('origin');
    const site = context.request.headers.get('sec-fetch-site');
    if (
      (sent !== null && sent !== origin) ||
      (sent === null && site !== null && site !== 'same-origin')
    )
      return withHeaders(new Response('Cross-site form submissions are refused.', { status: 403 }));
  }
  const token = context.cookies.get(SESSION_COOKIE)?.value;
  const session = await hub.accounts.session(token);
  if (session) {
    context.locals.session = session;
    if (token) context.locals.sessionToken = token;
  }
  const path = context.url.pathname;
  if (!session && !PUBLIC_PATHS.has(path)) {
    if (path.startsWith('/api/') || path.endsWith('.json') || context.request.method !== 'GET')
      return withHeaders(new Response('Sign in first.', { status: 401 }));
    const nextPath = `${path}${context.url.search}`;
    return withHeaders(context.redirect(`/login?next=${encodeURIComponent(nextPath)}`, 303));
  }
  if (session && context.request.method === 'POST') {
    let submitted: unknown;
    try {
      submitted = (await context.request.clone().formData()).get('csrf');
    } catch {
      submitted = undefined;
    }
    if (!csrfMatches(session, submitted))
      return withHeaders(
        new Response('The form is missing a valid CSRF token; reload the page and try again.', {
          status: 403,
        }),
      );
  }
  return withHeaders(await next());
});
