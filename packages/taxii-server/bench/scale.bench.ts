// Large collections: TAXII_SCALE_OBJECTS generated objects (default 1 000 000; the issue's
// figure is 10 000 000) bulk-loaded into SQLite and into PostgreSQL through the storage's
// own write path (`addObjects`, batches of 20 000), then pages of 1000 and 100 served by
// the handler at depths 0, 10, 50 and 99 % of the collection (`added_after` positions,
// keyset paging): p50/p99 per depth, load objects/s, disk bytes per object, query plans.
// TAXII_SCALE_STORAGES=sqlite or =postgres runs one of them. Databases are deleted after.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBenchResult } from '@intelshare/bench';
import Database from 'better-sqlite3';
import pg from 'pg';
import { createTaxiiHandler, type TaxiiStorage } from '../src/index';
import { PostgresStorage } from '../src/postgres/index';
import { SqliteStorage } from '../src/sqlite/index';
import { microsToTimestamp } from '../src/time/timestamps';
import { startPostgres } from '../test/support/postgres-server';
import { generatedObject, percentiles, seededRandom } from './support/generate';

const OBJECTS = Number(process.env.TAXII_SCALE_OBJECTS ?? 1_000_000);
const STORAGES = (process.env.TAXII_SCALE_STORAGES ?? 'sqlite,postgres').split(',');
const BATCH = 20_000;
const SAMPLE_EVERY = 1000;
const DEPTHS = [0, 0.1, 0.5, 0.99];
const RUNS = { 1000: 200, 100: 400 } as const;

interface Loaded {
  /** `added` of every SAMPLE_EVERY-th object, in order. */
  positions: number[];
  seconds: number;
}

async function load(storage: TaxiiStorage): Promise<Loaded> {
  const positions: number[] = [];
  const started = performance.now();
  for (let i = 0; i < OBJECTS; i += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, OBJECTS - i) }, (_, k) =>
      generatedObject(i + k),
    );
    const results = await storage.addObjects('bench', batch);
    for (let k = 0; k < results.length; k += SAMPLE_EVERY) positions.push(results[k]!.added);
    if ((i / BATCH) % 50 === 49)
      console.log(
        `  ${i + batch.length} objects, ${((performance.now() - started) / 1000).toFixed(0)} s`,
      );
  }
  return { positions, seconds: (performance.now() - started) / 1000 };
}

function handlerFor(storage: TaxiiStorage) {
  return createTaxiiHandler({
    title: 'Bench',
    cursorSecret: 'bench-secret-0123456789abcdef',
    storage,
    auth: { anonymous: 'bench' },
    limits: { maxPageSize: 1000, requestTimeoutMs: 600_000 },
    apiRoots: [
      {
        path: 'api',
        title: 'Bench',
        collections: [{ id: 'bench', title: 'Bench', canRead: ['*'] }],
      },
    ],
  });
}

async function depths(storage: TaxiiStorage, loaded: Loaded) {
  const handler = handlerFor(storage);
  const random = seededRandom(7);
  const out: Record<string, Record<string, { p50Ms: number; p99Ms: number }>> = {};
  // positions within 0.5 % of the collection after the depth, so pages differ but stay at
  // that depth (and are full: the last sampled position is ≥ 1000 from the end)
  const span = Math.max(1, Math.floor(loaded.positions.length * 0.005));
  const page = async (limit: number, depth: number) => {
    const base = Math.floor(depth * (loaded.positions.length - span - 1));
    const at = loaded.positions[base + Math.floor(random() * span)]!;
    const url = `http://bench/api/collections/bench/objects/?limit=${limit}&added_after=${microsToTimestamp(at)}`;
    const t = performance.now();
    const response = await handler(new Request(url));
    const bytes = await response.arrayBuffer();
    const ms = performance.now() - t;
    if (response.status !== 200 || bytes.byteLength < limit * 200)
      throw new Error(`page at depth ${depth}: HTTP ${response.status}, ${bytes.byteLength} bytes`);
    return ms;
  };
  for (const limit of [1000, 100] as const) {
    const times = DEPTHS.map(() => [] as number[]);
    // warm-up: a few pages per depth, not counted
    for (const depth of DEPTHS) for (let w = 0; w < 5; w++) await page(limit, depth);
    // Depths take turns, so a busy moment on the machine lands on all of them alike.
    for (let r = 0; r < RUNS[limit]; r++) {
      for (const [d, depth] of DEPTHS.entries()) times[d]!.push(await page(limit, depth));
    }
    out[`limit${limit}`] = Object.fromEntries(
      DEPTHS.map((depth, d) => [`${depth * 100}%`, percentiles(times[d]!)]),
    );
  }
  return out;
}

function directoryBytes(dir: string): number {
  return readdirSync(dir).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
}

const results: Record<string, unknown> = {};

if (STORAGES.includes('sqlite')) {
  const dir = mkdtempSync(join(tmpdir(), 'taxii-scale-'));
  const file = join(dir, 'scale.db');
  try {
    console.log(`sqlite: loading ${OBJECTS} objects`);
    const sqlite = new SqliteStorage(file);
    const loaded = await load(sqlite);
    await sqlite.analyze();
    const latency = await depths(sqlite, loaded);
    await sqlite.close(); // checkpoints the WAL into the file
    const bytes = directoryBytes(dir);
    const db = new Database(file, { readonly: true });
    const plan = db
      .prepare(
        'EXPLAIN QUERY PLAN SELECT o.added, o.body FROM taxii_objects o WHERE o.collection = ? AND o.added > ? AND o.is_last ORDER BY o.added LIMIT ?',
      )
      .all('bench', loaded.positions[Math.floor(loaded.positions.length / 2)], 1001)
      .map((row) => (row as { detail: string }).detail);
    db.close();
    results.sqlite = {
      loadSeconds: Number(loaded.seconds.toFixed(1)),
      loadObjectsPerSec: Math.round(OBJECTS / loaded.seconds),
      diskBytes: bytes,
      diskBytesPerObject: Math.round(bytes / OBJECTS),
      pages: latency,
      plan,
    };
    console.log('sqlite', results.sqlite);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (STORAGES.includes('postgres')) {
  const server = await startPostgres();
  try {
    console.log(`postgres: loading ${OBJECTS} objects`);
    const postgres = new PostgresStorage(server.url);
    const loaded = await load(postgres);
    await postgres.analyze();
    const latency = await depths(postgres, loaded);
    await postgres.close();
    const pool = new pg.Pool({ connectionString: server.url });
    const size = await pool.query<{ bytes: string }>(
      "SELECT pg_total_relation_size('taxii_objects') AS bytes",
    );
    const middle = loaded.positions[Math.floor(loaded.positions.length / 2)]!;
    const explain = await pool.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) SELECT o.added, o.body FROM taxii_objects o WHERE o.collection = 'bench' AND o.added > ${middle} AND o.is_last ORDER BY o.added LIMIT 1001`,
    );
    await pool.end();
    const bytes = Number(size.rows[0]!.bytes);
    results.postgres = {
      loadSeconds: Number(loaded.seconds.toFixed(1)),
      loadObjectsPerSec: Math.round(OBJECTS / loaded.seconds),
      diskBytes: bytes,
      diskBytesPerObject: Math.round(bytes / OBJECTS),
      pages: latency,
      plan: explain.rows.map((r) => r['QUERY PLAN']),
    };
    console.log('postgres', results.postgres);
  } finally {
    await server.stop();
  }
}

writeBenchResult(
  `taxii-server-scale-${OBJECTS >= 1_000_000 ? `${OBJECTS / 1_000_000}m` : OBJECTS}`,
  {
    name: 'taxii-server-scale',
    description: `${OBJECTS} generated objects bulk-loaded (addObjects, batches of ${BATCH}); pages of 1000 and 100 through the handler at depths ${DEPTHS.map((d) => `${d * 100}%`).join('/')}`,
    date: new Date().toISOString(),
    node: process.version,
    objects: OBJECTS,
    ...results,
  },
);
