import type { APIRoute } from 'astro';
import type { HubEvent } from '../../hub/hub';

const MAX_STREAMS = 100;

/** Server-sent events (HTML Living Standard §9.2) with every poll's progress. */
export const GET: APIRoute = ({ locals, request }) => {
  const hub = locals.hub;
  // Each open stream holds a listener: bounded, so many tabs cannot exhaust the server.
  if (hub.events.listenerCount('event') >= MAX_STREAMS)
    return new Response('Too many open event streams.', {
      status: 503,
      headers: { 'retry-after': '30' },
    });
  const encoder = new TextEncoder();
  let listener: ((event: HubEvent) => void) | undefined;
  let keepAlive: NodeJS.Timeout | undefined;
  const stop = () => {
    if (listener) hub.events.off('event', listener);
    clearInterval(keepAlive);
  };
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      listener = (event) => {
        try {
          controller.enqueue(encoder.encode(`data: ${JSON.stringify(event)}\n\n`));
        } catch {
          stop();
        }
      };
      hub.events.on('event', listener);
      controller.enqueue(encoder.encode(': connected\n\n'));
      keepAlive = setInterval(() => {
        try {
          controller.enqueue(encoder.encode(': keep-alive\n\n'));
        } catch {
          stop();
        }
      }, 15_000);
      request.signal.addEventListener('abort', () => {
        stop();
        try {
          controller.close();
        } catch {}
      });
    },
    cancel: stop,
  });
  return new Response(stream, {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    },
  });
};
