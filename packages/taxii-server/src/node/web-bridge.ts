import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

/**
 * A web `Request` for a `node:http` request: headers as sent, the body streamed (not
 * buffered), and a signal that aborts when the client goes away before the request is
 * complete. The request target is appended to `base` as a path and never resolved against
 * it, so a target such as `//other.host/x` cannot change the request's origin.
 *
 * @param req - The Node request.
 * @param base - The origin the server listens on, without a trailing slash.
 * @returns The web `Request` a handler such as `createTaxiiHandler(...)` takes.
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { sendWebResponse, toWebRequest } from '@intelshare/taxii-server/node';
 *
 * const server = createServer((req, res) => {
 *   const request = toWebRequest(req, 'http://127.0.0.1:8080');
 *   void sendWebResponse(new Response(`you asked for ${new URL(request.url).pathname}`), res);
 * });
 * server.close();
 * ```
 * @see /taxii-server/run-a-server/
 */
export function toWebRequest(req: IncomingMessage, base: string): Request {
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  }
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  const controller = new AbortController();
  req.once('close', () => {
    if (!req.complete) controller.abort();
  });
  const target = req.url ?? '/';
  return new Request(`${base}${target.startsWith('/') ? target : `/${target}`}`, {
    method,
    headers,
    signal: controller.signal,
    ...(hasBody
      ? { body: Readable.toWeb(req) as unknown as ReadableStream<Uint8Array>, duplex: 'half' }
      : {}),
  } as RequestInit);
}

/**
 * Writes a web `Response` to a `node:http` response, streaming its body with back-pressure.
 * Every `Set-Cookie` header is kept (a plain header record would keep only the last).
 *
 * @param response - What the handler answered.
 * @param res - The Node response to write to.
 * @returns A promise that resolves once the body is written.
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { sendWebResponse } from '@intelshare/taxii-server/node';
 *
 * const server = createServer((_req, res) => {
 *   void sendWebResponse(Response.json({ ok: true }), res);
 * });
 * server.close();
 * ```
 * @see /taxii-server/run-a-server/
 */
export async function sendWebResponse(response: Response, res: ServerResponse): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, key) => {
    if (key !== 'set-cookie') headers[key] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  res.writeHead(response.status, headers);
  if (!response.body) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!res.write(value)) await new Promise((resolve) => res.once('drain', resolve));
  }
  res.end();
}
