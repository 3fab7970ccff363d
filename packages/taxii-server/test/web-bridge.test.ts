import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { sendWebResponse, toWebRequest } from '../src/node/index';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function listen(handler: (request: Request) => Response | Promise<Response>) {
  server = createServer((req, res) => {
    const base = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
    void Promise.resolve(handler(toWebRequest(req, base))).then((r) => sendWebResponse(r, res));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** A raw request, so the request target is sent exactly as written. */
function raw(port: number, path: string, method = 'GET', body?: string) {
  return new Promise<{
    status: number;
    headers: Record<string, string | string[] | undefined>;
    body: string;
  }>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        text += chunk;
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('the node:http ↔ web Request/Response bridge', () => {
  it('keeps the origin it listens on whatever the request target says', async () => {
    const port = await listen((request) => new Response(request.url));
    const answer = await raw(port, '//other.example/x?y=1');
    expect(new URL(answer.body).origin).toBe(`http://127.0.0.1:${port}`);
    expect(new URL(answer.body).pathname).toBe('//other.example/x');
  });

  it('streams a request body and keeps every Set-Cookie header', async () => {
    const port = await listen(async (request) => {
      const headers = new Headers({ 'content-type': 'text/plain' });
      headers.append('set-cookie', 'session=a; HttpOnly');
      headers.append('set-cookie', 'csrf=b; SameSite=Strict');
      return new Response(await request.text(), { headers });
    });
    const answer = await raw(port, '/echo', 'POST', 'hello');
    expect(answer.body).toBe('hello');
    expect(answer.headers['set-cookie']).toEqual([
      'session=a; HttpOnly',
      'csrf=b; SameSite=Strict',
    ]);
  });
});
