import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';

/** What `serve` tells the handler about a request besides the `Request` itself. */
interface RequestInfo {
  clientAddress?: string;
}

/** Options of {@link serve}. */
export interface ServeOptions {
  /** Port to listen on; `0` picks a free one. Default 0. */
  port?: number;
  /** Interface to bind. Default `127.0.0.1`. */
  host?: string;
}

/** A running server. */
export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:43121`. */
  url: string;
  /** Stops accepting connections, closes idle ones and resolves when done. */
  close(): Promise<void>;
}

function toRequest(req: IncomingMessage, base: string): Request {
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
  // Never resolve the request target against the base: `//other.host/x` would change the
  // origin. The target is appended as a path; the origin is always the one we listen on.
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

async function send(response: Response, res: ServerResponse): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, key) => {
    headers[key] = value;
  });
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

/**
 * Serves a web-standard handler (such as `createTaxiiHandler(...)`) with `node:http`.
 *
 * @param handler - `(request: Request, info) => Promise<Response>`; `info.clientAddress` is
 *   the socket's remote address (what sign-in throttling is keyed by).
 * @param options - port and host (default a free port on 127.0.0.1).
 * @returns the server's URL and a `close()` function.
 * @example
 * ```ts
 * import { createTaxiiHandler, MemoryStorage } from '@intelshare/taxii-server';
 * import { serve } from '@intelshare/taxii-server/node';
 *
 * const handler = createTaxiiHandler({
 *   title: 'Demo',
 *   cursorSecret: 'a-long-random-secret-shared-by-all-instances',
 *   storage: new MemoryStorage(),
 *   auth: { anonymous: 'public' },
 *   apiRoots: [{ path: 'api', title: 'Demo', collections: [{ id: 'demo', title: 'Demo', canRead: ['*'] }] }],
 * });
 * const server = await serve(handler, { port: 0 });
 * console.log(`${server.url}/taxii2/`);
 * await server.close();
 * ```
 */
export async function serve(
  handler: (request: Request, info: RequestInfo) => Promise<Response>,
  options: ServeOptions = {},
): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  let base = '';
  const server = createServer((req, res) => {
    let request: Request;
    try {
      request = toRequest(req, base);
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('Bad request');
      return;
    }
    const clientAddress = req.socket.remoteAddress;
    handler(request, clientAddress === undefined ? {} : { clientAddress })
      .then((response) => send(response, res))
      .catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  base = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url: base,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}
