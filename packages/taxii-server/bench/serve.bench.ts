// Objects/s served by the TAXII handler (Request → Response body, no socket) for page sizes
// 100 and 1000 on memory, SQLite and PostgreSQL storages holding OBJECTS objects, pages at
// random depths (added_after); p50/p99 page latency; ratio to JSON.stringify of the same page.
// TAXII_BENCH_OBJECTS sets the collection size for memory and SQLite (default 1 000 000);
// TAXII_BENCH_PG_OBJECTS for PostgreSQL (default 250 000: bulk loading 1M rows through the
// storage API takes minutes, too long for a routine bench run; set it to 1000000 for the
// full figure).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BenchCase, runBenchSuite } from '@intelshare/bench';
import { createTaxiiHandler, MemoryStorage, type NewObject, type TaxiiStorage } from '../src/index';
import { PostgresStorage } from '../src/postgres/index';
import { SqliteStorage } from '../src/sqlite/index';
import { microsToTimestamp } from '../src/time/timestamps';
import { startPostgres } from '../test/support/postgres-server';

const OBJECTS = Number(process.env.TAXII_BENCH_OBJECTS ?? 1_000_000);
const BATCH = 20_000;
const PG_OBJECTS = Number(process.env.TAXII_BENCH_PG_OBJECTS ?? Math.min(OBJECTS, 250_000));

function object(n: number): NewObject {
  const malware = n % 10 === 9;
  const id = `${malware ? 'malware' : 'indicator'}--${(n >>> 16).toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
  const body = malware
    ? {
        type: 'malware',
        spec_version: '2.1',
        id,
        created: '2024-02-01T00:00:00.000Z',
        modified: '2024-02-01T00:00:00.000Z',
        name: `Malware family ${n}`,
        is_family: true,
        malware_types: ['ransomware'],
      }
    : {
        type: 'indicator',
        spec_version: '2.1',
        id,
        created: '2024-01-01T00:00:00.000Z',
        modified: '2024-01-01T00:00:00.000Z',
        name: `C2 address ${n}`,
        indicator_types: ['malicious-activity'],
        pattern: `[ipv4-addr:value = '10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}']`,
        pattern_type: 'stix',
        valid_from: '2024-01-01T00:00:00Z',
        object_marking_refs: ['marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb'],
      };
  return {
    id,
    type: body.type,
    specVersion: '2.1',
    version: body.modified,
    versionKey: '2024-01-01T00:00:00.000000000',
    body: JSON.stringify(body),
  };
}

async function load(
  storage: TaxiiStorage,
  count = OBJECTS,
): Promise<{ first: number; last: number; seconds: number }> {
  const started = performance.now();
  let first = 0;
  let last = 0;
  for (let i = 0; i < count; i += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, count - i) }, (_, k) => object(i + k));
    const results = await storage.addObjects('bench', batch);
    if (i === 0) first = results[0]!.added;
    last = results.at(-1)!.added;
  }
  return { first, last, seconds: (performance.now() - started) / 1000 };
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

interface Target {
  name: string;
  handler: (request: Request) => Promise<Response>;
  range: { first: number; last: number };
}

let seed = 42;
function random(): number {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
}

function pageUrl(target: Target, limit: number): string {
  // stay clear of the end so every page is full
  const span = (target.range.last - target.range.first) * 0.95;
  const after = microsToTimestamp(Math.floor(target.range.first + random() * span));
  return `http://bench/api/collections/bench/objects/?limit=${limit}&added_after=${after}`;
}

async function servePage(target: Target, limit: number): Promise<string> {
  const response = await target.handler(new Request(pageUrl(target, limit)));
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${target.name}: HTTP ${response.status} ${text}`);
  return text;
}

async function latencies(target: Target, limit: number, runs: number) {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await servePage(target, limit);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const pct = (p: number) =>
    Number(times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(3));
  return { p50Ms: pct(0.5), p99Ms: pct(0.99) };
}

const targets: Target[] = [];
const loadSeconds: Record<string, number> = {};
const cleanups: (() => Promise<void>)[] = [];

const memory = new MemoryStorage();
const memoryLoad = await load(memory);
loadSeconds.memory = Number(memoryLoad.seconds.toFixed(1));
targets.push({ name: 'memory', handler: handlerFor(memory), range: memoryLoad });

const dir = mkdtempSync(join(tmpdir(), 'taxii-bench-'));
const sqlite = new SqliteStorage(join(dir, 'bench.db'));
const sqliteLoad = await load(sqlite);
await sqlite.analyze();
loadSeconds.sqlite = Number(sqliteLoad.seconds.toFixed(1));
targets.push({ name: 'sqlite', handler: handlerFor(sqlite), range: sqliteLoad });
cleanups.push(async () => {
  await sqlite.close();
  rmSync(dir, { recursive: true, force: true });
});

const pg = await startPostgres();
const postgres = new PostgresStorage(pg.url);
const postgresLoad = await load(postgres, PG_OBJECTS);
// what autovacuum does shortly after a bulk import
await postgres.analyze();
loadSeconds.postgres = Number(postgresLoad.seconds.toFixed(1));
targets.push({ name: 'postgres', handler: handlerFor(postgres), range: postgresLoad });
cleanups.push(async () => {
  await postgres.close();
  await pg.stop();
});

try {
  for (const limit of [100, 1000]) {
    // the baseline: JSON.stringify of a page of the same objects, already parsed
    const samplePage = JSON.parse(await servePage(targets[0]!, limit)) as { objects: unknown[] };
    const bytes = (await servePage(targets[0]!, limit)).length;
    const baseline: BenchCase = {
      name: `JSON.stringify of a ${limit}-object envelope`,
      run: () => JSON.stringify({ more: true, next: 'x', objects: samplePage.objects }),
      items: limit,
      bytes,
    };
    const cases: BenchCase[] = targets.map((target) => ({
      name: `${target.name}: GET objects limit=${limit}`,
      run: () => servePage(target, limit),
      items: limit,
      bytes,
    }));
    const latency: Record<string, { p50Ms: number; p99Ms: number }> = {};
    for (const target of targets)
      latency[target.name] = await latencies(target, limit, limit === 100 ? 400 : 150);
    await runBenchSuite({
      name: `taxii-server-serve-${limit}`,
      description: `TAXII objects pages of ${limit} from a ${OBJECTS}-object collection (Postgres ${PG_OBJECTS}), random depth`,
      baseline,
      cases,
      time: 1500,
      extra: {
        objects: OBJECTS,
        postgresObjects: PG_OBJECTS,
        pageSize: limit,
        loadSeconds,
        latency,
      },
    });
  }
} finally {
  for (const cleanup of cleanups) await cleanup();
}
