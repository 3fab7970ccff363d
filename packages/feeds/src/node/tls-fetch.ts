import { request as httpRequest } from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';

/** TLS material for {@link createTlsFetch}: PEM strings or buffers, as `node:tls` takes them. */
export interface TlsFetchOptions {
  /** Client certificate chain (PEM). */
  cert?: string | Buffer;
  /** Client private key (PEM). */
  key?: string | Buffer;
  /** Passphrase of the key or PFX. */
  passphrase?: string;
  /** A PKCS#12 bundle instead of `cert` + `key`. */
  pfx?: Buffer;
  /** Trusted CA certificates, replacing the defaults (PEM). */
  ca?: string | Buffer | (string | Buffer)[];
  /** Set `false` only for tests against self-signed servers (default `true`). */
  rejectUnauthorized?: boolean;
}

/**
 * A `fetch` for Node that presents a client certificate (mutual TLS), which Node's
 * built-in fetch cannot do without undici's dispatcher. Pass it as the `fetch` option of
 * `TaxiiClient`, `MispFeedClient` or `MispRestClient`.
 *
 * @param tls - Certificate, key and trust anchors.
 * @returns A `fetch`-compatible function.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { TaxiiClient } from '@intelshare/feeds';
 * import { createTlsFetch } from '@intelshare/feeds/node';
 *
 * const client = new TaxiiClient({
 *   url: 'https://taxii.example.org/',
 *   fetch: createTlsFetch({ cert: readFileSync('client.pem'), key: readFileSync('client.key') }),
 * });
 * console.log(typeof client.discover);
 * ```
 */
export function createTlsFetch(tls: TlsFetchOptions): typeof globalThis.fetch {
  const agent = new Agent({ ...tls, keepAlive: true });
  return async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    return new Promise<Response>((resolve, reject) => {
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(
        url,
        {
          method: request.method,
          headers,
          signal: request.signal,
          ...(url.protocol === 'https:' ? { agent } : {}),
        },
        (res) => {
          const responseHeaders = new Headers();
          for (let i = 0; i + 1 < res.rawHeaders.length; i += 2)
            responseHeaders.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
          const status = res.statusCode ?? 500;
          const nullBody = request.method === 'HEAD' || status === 204 || status === 304;
          if (nullBody) res.resume();
          resolve(
            new Response(nullBody ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), {
              status,
              statusText: res.statusMessage ?? '',
              headers: responseHeaders,
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  };
}
