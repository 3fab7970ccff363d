import type { APIRoute } from 'astro';

/**
 * The share preview as JSON (admin session only): one page of the objects the partner would
 * receive now and every decision (`?after=` a previous page's `next`, `?limit=` 1–1,000,
 * default 1,000). Not audited: a preview is not a share.
 */
export const GET: APIRoute = async ({ locals, params, url }) => {
  const id = params.id ?? '';
  if (!locals.hub.partners.has(id)) return new Response('No such partner.', { status: 404 });
  const preview = await locals.hub.preview(id, {
    after: Number(url.searchParams.get('after') ?? 0) || 0,
    limit: Number(url.searchParams.get('limit') ?? 1000) || 1000,
  });
  return new Response(JSON.stringify(preview), {
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });
};
