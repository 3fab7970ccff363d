import type { APIRoute } from 'astro';

/** Records a sighting of a matched indicator (one click from a Check hit). */
export const POST: APIRoute = async ({ locals, request, redirect }) => {
  const form = await request.formData();
  const indicator = String(form.get('indicator') ?? '');
  const value = String(form.get('value') ?? '');
  try {
    const id = await locals.hub.recordSighting(indicator, value, locals.session!.username);
    return redirect(`/check?recorded=${encodeURIComponent(id)}`, 303);
  } catch (error) {
    return new Response(error instanceof Error ? error.message : 'Cannot record the sighting.', {
      status: 400,
    });
  }
};
