import type { APIRoute } from 'astro';

/**
 * The share preview as JSON (admin session only): the objects the partner would receive
 * now and every decision. Not audited: a preview is not a share.
 */
export const GET: APIRoute = async ({ locals, params }) => {
  const id = params.id ?? '';
  if (!locals.hub.partners.has(id)) return new Response('No such partner.', { status: 404 });
  const preview = await locals.hub.preview(id);
  return new Response(JSON.stringify(preview), {
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });
};
