import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStorage, serverConfigFileSchema } from '../src/index';
import { openAuditLog, openStorage, type RunningServer, serve } from '../src/node/index';
import { SqliteStorage } from '../src/sqlite/index';

let server: RunningServer;
const seen: { url: string; method: string; body: string }[] = [];

beforeAll(async () => {
  server = await serve(async (request) => {
    const body = request.body ? await request.text() : '';
    seen.push({ url: request.url, method: request.method, body });
    return new Response(JSON.stringify({ ok: true }), {
      status: 201,
      headers: { 'content-type': 'application/taxii+json;version=2.1', 'x-extra': 'yes' },
    });
  });
});
afterAll(async () => {
  await server?.close();
});

/** A raw HTTP request, so the request target is sent exactly as written. */
function raw(path: string, method = 'GET', body?: string) {
  const { hostname, port } = new URL(server.url);
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const req = httpRequest(
        { hostname, port, path, method, headers: { host: 'evil.example' } },
        (res) => {
          let text = '';
          res.on('data', (chunk) => {
            text += chunk;
          });
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    },
  );
}

describe('serve (node:http ⇄ Request/Response)', () => {
  it('bridges method, URL, body, status and headers', async () => {
    const response = await raw('/taxii2/?a=1', 'POST', '{"objects":[]}');
    expect(response).toMatchObject({ status: 201, body: '{"ok":true}' });
    expect(response.headers['x-extra']).toBe('yes');
    expect(seen.at(-1)).toEqual({
      url: `${server.url}/taxii2/?a=1`,
      method: 'POST',
      body: '{"objects":[]}',
    });
  });

  it('keeps the origin it listens on, whatever the Host header or request target says', async () => {
    await raw('//evil.example/api/');
    expect(new URL(seen.at(-1)!.url).origin).toBe(server.url);
    expect(new URL(seen.at(-1)!.url).pathname).toBe('//evil.example/api/');
  });

  it('listens on 127.0.0.1 by default and closes', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const other = await serve(async () => new Response('x'));
    await other.close();
    await expect(fetch(other.url)).rejects.toThrow();
  });
});

describe('openStorage / openAuditLog', () => {
  it('opens what a config file names, and refuses anything else', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'taxii-open-'));
    try {
      expect(await openStorage('memory')).toBeInstanceOf(MemoryStorage);
      const sqlite = await openStorage(`sqlite:${join(dir, 'taxii.db')}`);
      expect(sqlite).toBeInstanceOf(SqliteStorage);
      await sqlite.close();
      // `mirror` of a config file: the SQLite storage serves collections from memory
      const mirrored = (await openStorage(`sqlite:${join(dir, 'taxii.db')}`, {
        mirror: { maxBytes: 1 << 20 },
      })) as SqliteStorage;
      expect(await mirrored.loadMirror('c')).toBe(true);
      await mirrored.close();
      const plain = (await openStorage(`sqlite:${join(dir, 'taxii.db')}`)) as SqliteStorage;
      expect(await plain.loadMirror('c')).toBe(false);
      await plain.close();
      const file = serverConfigFileSchema.safeParse({
        title: 'T',
        cursorSecret: '0123456789abcdef',
        apiRoots: [{ path: 'api', title: 'API' }],
        mirror: { maxBytes: -1 },
      });
      expect(file.success).toBe(false);
      expect(file.error?.issues[0]?.path).toEqual(['mirror', 'maxBytes']);
      await expect(openStorage('ftp://x')).rejects.toThrow('storage: Unknown storage URL');
      const log = await openAuditLog(`sqlite:${join(dir, 'audit.db')}`);
      expect(log.entries()).toEqual([]);
      expect((await openAuditLog('memory')).entries()).toEqual([]);
      await expect(openAuditLog('s3://x')).rejects.toThrow('audit: Unknown audit URL');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
