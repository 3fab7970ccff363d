import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendWebResponse, toWebRequest } from './web-bridge';

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
      request = toWebRequest(req, base);
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('Bad request');
      return;
    }
    const clientAddress = req.socket.remoteAddress;
    handler(request, clientAddress === undefined ? {} : { clientAddress })
      .then((response) => sendWebResponse(response, res))
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
