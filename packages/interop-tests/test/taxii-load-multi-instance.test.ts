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
import {
  type PostgresServer,
  startPostgres,
} from '../../taxii-server/test/support/postgres-server';
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

/** Microseconds since the epoch of a TAXII timestamp, exactly (Date keeps only ms). */
function micros(timestamp: string): bigint {
  const m = /^(.{19})(?:\.(\d+))?Z$/.exec(timestamp);
  if (!m) throw new Error(`not a timestamp: ${timestamp}`);
  return BigInt(Date.parse(`${m[1]}Z`)) * 1000n + BigInt((m[2] ?? '').slice(0, 6).padEnd(6, '0'));
}

/**
 * What the server sent, seen through a pass-through `fetch` (real HTTP; nothing faked):
 * for each objects page, the `date_added` range and what the request continued from.
 * The client itself may overlap pages on purpose (it re-asks from one microsecond before
 * `X-TAXII-Date-Added-Last` to survive inclusive servers) and deduplicates, so the
 * server's own guarantees are checked on the wire.
 */
const wire = {
  violations: [] as string[],
  pages: 0,
  nextIssuedAfter: new Map<string, bigint>(),
};

const recordingFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (response.status !== 200 || !url.pathname.endsWith('/objects/')) return response;
  const body = (await response.clone().json()) as { next?: string; objects?: unknown[] };
  const first = response.headers.get('x-taxii-date-added-first');
  const last = response.headers.get('x-taxii-date-added-last');
  wire.pages++;
  const next = url.searchParams.get('next');
  const addedAfter = url.searchParams.get('added_after');
  if (first !== null) {
    if (next !== null) {
      const previousLast = wire.nextIssuedAfter.get(next);
      if (previousLast === undefined) wire.violations.push(`unknown next ${next}`);
      else if (micros(first) <= previousLast)
        wire.violations.push(`page after next starts at ${first}, not after the previous page`);
    }
    if (addedAfter !== null && micros(first) <= micros(addedAfter))
      wire.violations.push(`added_after=${addedAfter} returned ${first}`);
  }
  if (body.next !== undefined && last !== null) wire.nextIssuedAfter.set(body.next, micros(last));
  return response;
};

const client = (server: RunningServer) =>
  new TaxiiClient({
    url: server.url,
    auth: { type: 'bearer', token: KEY },
    retry: 2,
    fetch: recordingFetch,
  });

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
  wire.violations.length = 0;
  wire.pages = 0;
  const readerRuns = Array.from({ length: options.readers }, async (_, r) => {
    const ids = new Map<string, number>();
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
      });
      for await (const object of stream) ids.set(object.id, (ids.get(object.id) ?? 0) + 1);
      if (finalRound) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return { ids };
  });
  await Promise.all(writerRuns);
  writing = false;
  const results = await Promise.all(readerRuns);
  return { written, results };
}

function expectExactlyOnce(run: Awaited<ReturnType<typeof loadRun>>) {
  const total = run.written.length;
  expect(new Set(run.written).size).toBe(total);
  for (const { ids } of run.results) {
    expect(ids.size).toBe(total);
    expect([...ids.values()].every((n) => n === 1)).toBe(true);
    for (const id of run.written) expect(ids.has(id)).toBe(true);
  }
  // On the wire: every `next` page starts after the page that issued it, and every
  // `added_after` answer starts after that instant, so the server sent nothing twice.
  expect(wire.pages).toBeGreaterThan(run.results.length);
  expect(wire.violations).toEqual([]);
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

// Also with each instance serving pages from its in-process mirror, kept current by
// PostgreSQL notices: the same guarantees must hold.
describe.each([
  ['', false],
  [', each with a mirror', true],
])('two instances on one PostgreSQL%s', (_name, mirror) => {
  let pg: PostgresServer;
  const servers: RunningServer[] = [];
  const storages: PostgresStorage[] = [];
  beforeAll(async () => {
    pg = await startPostgres();
    for (let i = 0; i < 2; i++) {
      // its own pool: nothing shared but the database
      const storage = new PostgresStorage(pg.url, { mirror });
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
