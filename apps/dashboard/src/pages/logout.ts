import type { APIRoute } from 'astro';
import { SESSION_COOKIE } from '../hub/auth';

/** Ends the session (POST only, with the CSRF token checked by the middleware). */
export const POST: APIRoute = async ({ locals, cookies, redirect }) => {
  await locals.hub.accounts.signOut(locals.sessionToken);
  cookies.delete(SESSION_COOKIE, { path: '/' });
  return redirect('/login', 303);
};
