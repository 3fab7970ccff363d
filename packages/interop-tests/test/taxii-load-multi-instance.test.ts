// Scale-out evidence: concurrent clients paging while writers POST, and two stateless
// server instances sharing one real PostgreSQL, with pages alternating between them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TaxiiClient, type TaxiiCursor } from '@intelshare/feeds';
import { createTaxiiHandler, hashApiKey, type TaxiiStorage } from '@intelshare/taxii-server';
import { type RunningServer, serve } from '@intelshare/taxii-server/node';
import { PostgresStorage } from '@intelshare/taxii-server/postgres';
import { SqliteStorage } from '@intelshare/taxii-server/sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PostgresServer, startPostgres } from './support/postgres-server';
import { indicator } from './support/stix';

const SECRET = 'shared-by-every-instance-0123456789';
const KEY = 'load-test-key-0123456789abcdef';

async function instance(storage: TaxiiStorage): Promise<RunningServer> {
  return serve(
    createTaxiiHandler({
      title: 'Scale-out',
      cursorSecret: SECRET,
      storage,
      auth: { apiKeys: [{ principal: 'partner', hash: await hashApiKey(KEY) }] },
      apiRoots: [
        {
          path: 'api',
          title: 'API',
          collections: [
            { id: 'feed', title: 'Feed', canRead: ['partner'], canWrite: ['partner'] },
            { id: 'load', title: 'Load', canRead: ['partner'], canWrite: ['partner'] },
          ],
        },
      ],
    }),
  );
}

const client = (server: RunningServer) =>
  new TaxiiClient({ url: server.url, auth: { type: 'bearer', token: KEY }, retry: 2 });

/**
 * Runs `writers` writers POSTing batches and `readers` clients paging concurrently, the
 * work spread over `servers` round-robin. Returns, per reader, what it received.
 */
async function loadRun(
  servers: RunningServer[],
  options: { writers: number; batches: number; batchSize: number; readers: number; salt: number },
) {
  const written: string[] = [];
  let writing = true;
  const writerRuns = Array.from({ length: options.writers }, async (_, w) => {
    for (let b = 0; b < options.batches; b++) {
      const server = servers[(w + b) % servers.length]!;
      const objects = Array.from({ length: options.batchSize }, (_, i) =>
        indicator(b * options.batchSize + i, options.salt * 100 + w),
      );
      const status = await client(server).addObjects(`${server.url}/api/`, 'load', objects);
      expect(status.success_count).toBe(options.batchSize);
      written.push(...objects.map((o) => o.id));
    }
  });
  const readerRuns = Array.from({ length: options.readers }, async (_, r) => {
    const ids = new Map<string, number>();
    let received = 0;
    let cursor: TaxiiCursor | undefined;
    for (let round = 0; ; round++) {
      const finalRound = !writing;
      // each round may go to another instance: the cursor is all the state there is
      const server = servers[(r + round) % servers.length]!;
      const stream = client(server).objects(`${server.url}/api/`, 'load', {
        limit: 13 + r,
        ...(cursor ? { cursor } : {}),
        onCursor: (c) => {
          cursor = c;
        },
        onEvent: (event) => {
          if (event.type === 'page') received += event.received;
        },
      });
      for await (const object of stream) ids.set(object.id, (ids.get(object.id) ?? 0) + 1);
      if (finalRound) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return { ids, received };
  });
  await Promise.all(writerRuns);
  writing = false;
  const results = await Promise.all(readerRuns);
  return { written, results };
}

function expectExactlyOnce(run: Awaited<ReturnType<typeof loadRun>>) {
  const total = run.written.length;
  expect(new Set(run.written).size).toBe(total);
  for (const { ids, received } of run.results) {
    expect(ids.size).toBe(total);
    expect([...ids.values()].every((n) => n === 1)).toBe(true);
    // the client deduplicates; `received` counts what the server sent, so equality proves
    // the server itself never sent an object twice
    expect(received).toBe(total);
    for (const id of run.written) expect(ids.has(id)).toBe(true);
  }
}

describe('load on one SQLite-backed instance', () => {
  const dir = mkdtempSync(join(tmpdir(), 'interop-sqlite-'));
  let server: RunningServer;
  let storage: SqliteStorage;
  beforeAll(async () => {
    storage = new SqliteStorage(join(dir, 'taxii.db'));
    server = await instance(storage);
  });
  afterAll(async () => {
    await server?.close();
    await storage?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('8 clients paging while 3 writers POST each see every object exactly once', async () => {
    expectExactlyOnce(
      await loadRun([server], { writers: 3, batches: 12, batchSize: 40, readers: 8, salt: 1 }),
    );
  });
});

describe('two instances on one PostgreSQL', () => {
  let pg: PostgresServer;
  const servers: RunningServer[] = [];
  const storages: PostgresStorage[] = [];
  beforeAll(async () => {
    pg = await startPostgres();
    for (let i = 0; i < 2; i++) {
      const storage = new PostgresStorage(pg.url); // its own pool: nothing shared but the database
      storages.push(storage);
      servers.push(await instance(storage));
    }
  }, 120_000);
  afterAll(async () => {
    for (const server of servers) await server.close();
    for (const storage of storages) await storage.close();
    await pg?.stop();
  });

  it('serves a page chain alternating between instances, each page continuing the last', async () => {
    const [a, b] = servers as [RunningServer, RunningServer];
    const objects = Array.from({ length: 95 }, (_, i) => indicator(i, 9000));
    await client(a).addObjects(`${a.url}/api/`, 'feed', objects.slice(0, 50));
    await client(b).addObjects(`${b.url}/api/`, 'feed', objects.slice(50));
    const filters = { match: { id: objects.map((o) => o.id) }, limit: 10 };
    const seen: string[] = [];
    const servedBy: string[] = [];
    let next: string | undefined;
    let i = 0;
    do {
      const server = i++ % 2 === 0 ? a : b;
      const page = await client(server).getObjects(`${server.url}/api/`, 'feed', {
        ...filters,
        ...(next ? { next } : {}),
      });
      seen.push(...page.objects.map((o) => o.id));
      servedBy.push(server.url);
      next = page.more ? page.next : undefined;
    } while (next);
    expect(seen).toEqual(objects.map((o) => o.id));
    expect(servedBy).toHaveLength(10);
    expect(new Set(servedBy).size).toBe(2);
  });

  it('6 clients alternating instances while 4 writers POST to both see every object exactly once', async () => {
    expectExactlyOnce(
      await loadRun(servers, { writers: 4, batches: 10, batchSize: 30, readers: 6, salt: 2 }),
    );
  });
});
