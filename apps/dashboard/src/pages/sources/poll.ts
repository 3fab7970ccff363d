import type { APIRoute } from 'astro';

/** Starts a poll of one source now; progress is streamed by /api/events. */
export const POST: APIRoute = async ({ locals, request, redirect }) => {
  const form = await request.formData();
  const source = String(form.get('source') ?? '');
  if (!(await locals.hub.sourceStatuses()).some((s) => s.id === source))
    return new Response(`Unknown source.`, { status: 400 });
  // Not awaited: the page follows the progress live; errors are recorded on the source.
  locals.hub.pollNow(source).catch(() => {});
  return redirect(`/sources?polling=${encodeURIComponent(source)}`, 303);
};
