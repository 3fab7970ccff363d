// Objects/s served by the TAXII handler (Request → Response body, no socket) for page sizes
// 100 and 1000 on memory, SQLite and PostgreSQL storages holding OBJECTS objects, pages at
// random depths (added_after); p50/p99 page latency; ratio to JSON.stringify of the same page.
// TAXII_BENCH_OBJECTS sets the collection size for memory and SQLite (default 1 000 000);
// TAXII_BENCH_PG_OBJECTS for PostgreSQL (default 250 000: bulk loading 1M rows through the
// storage API takes minutes, too long for a routine bench run; set it to 1000000 for the
// full figure).
//
// Each storage is measured in its own child process (with its own JSON.stringify baseline):
// a million objects held by the memory storage slow the garbage collector for everything
// else in a process, so measuring the three side by side understated SQLite and Postgres.
// The parent writes `taxii-server-serve-<limit>.json` from the children's results; each child
// also writes `taxii-server-serve-<limit>-<storage>.json`.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  type BenchCase,
  type BenchSuiteResult,
  measureInChild,
  runBenchSuite,
  writeBenchResult,
} from '@intelshare/bench';
import { createTaxiiHandler, MemoryStorage, type TaxiiStorage } from '../src/index';
import { PostgresStorage } from '../src/postgres/index';
import { SqliteStorage } from '../src/sqlite/index';
import { microsToTimestamp } from '../src/time/timestamps';
import { startPostgres } from '../test/support/postgres-server';
import { generatedObject, percentiles, seededRandom } from './support/generate';

const OBJECTS = Number(process.env.TAXII_BENCH_OBJECTS ?? 1_000_000);
const BATCH = 20_000;
const PG_OBJECTS = Number(process.env.TAXII_BENCH_PG_OBJECTS ?? Math.min(OBJECTS, 250_000));

async function load(
  storage: TaxiiStorage,
  count = OBJECTS,
): Promise<{ first: number; last: number; seconds: number }> {
  const started = performance.now();
  let first = 0;
  let last = 0;
  for (let i = 0; i < count; i += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, count - i) }, (_, k) =>
      generatedObject(i + k),
    );
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

const random = seededRandom(42);

/** Room for the whole collection: the bench measures pages served from the copy. */
const MIRROR_BYTES = 8 * 2 ** 30;

/** A full garbage collection, for heap figures (the child runs without --expose-gc). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** Loads the mirror of the bench collection, and records how long and how much heap. */
async function loadMirror(
  storage: SqliteStorage | PostgresStorage,
  settings: Record<string, number>,
): Promise<void> {
  collectGarbage();
  const heapBefore = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const started = performance.now();
  if (!(await storage.loadMirror('bench')))
    throw new Error('the mirror did not take the collection');
  settings.mirrorLoadSeconds = Number(((performance.now() - started) / 1000).toFixed(1));
  collectGarbage();
  const heapAfter = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  settings.mirrorHeapBytes = heapAfter - heapBefore;
}

function pageUrl(target: Target, limit: number): string {
  // stay clear of the end so every page is full
  const span = (target.range.last - target.range.first) * 0.95;
  const after = microsToTimestamp(Math.floor(target.range.first + random() * span));
  return `http://bench/api/collections/bench/objects/?limit=${limit}&added_after=${after}`;
}

// The server's work ends with the response bytes: a page is timed until its body stream has
// been read chunk by chunk, as `serve()` (`sendWebResponse`) reads it to write the socket.
// `response.arrayBuffer()` would add the client's copy of the chunks into one buffer.
async function servePage(target: Target, limit: number): Promise<Uint8Array[]> {
  const response = await target.handler(new Request(pageUrl(target, limit)));
  const chunks: Uint8Array[] = [];
  const reader = response.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
  }
  if (response.status !== 200)
    throw new Error(`${target.name}: HTTP ${response.status} ${Buffer.concat(chunks).toString()}`);
  return chunks;
}

async function latencies(target: Target, limit: number, runs: number) {
  // Warmed up first, as the mean below is (tinybench warms up): the first pages of a fresh
  // process are compiled code's first runs, not the steady state p50/p99 describe.
  for (let i = 0; i < runs / 2; i++) await servePage(target, limit);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await servePage(target, limit);
    times.push(performance.now() - t);
  }
  return percentiles(times);
}

// `sqlite-mirror`/`postgres-mirror`: the same storages with their in-process mirror
// (`mirror` option), loaded before measuring; `settings.mirrorLoadSeconds` says how long the
// load took and `settings.mirrorHeapBytes` how much heap the loaded copy added.
const ALL_STORAGES = ['memory', 'sqlite', 'postgres', 'sqlite-mirror', 'postgres-mirror'];
// TAXII_BENCH_STORAGES=memory,sqlite measures only those; the combined result keeps the
// other storages' cases from the previous result file (each case carries its own date).
const STORAGES = (process.env.TAXII_BENCH_STORAGES ?? ALL_STORAGES.join(','))
  .split(',')
  .filter((name) => ALL_STORAGES.includes(name));
const RESULT_MARK = 'TAXII_SERVE_RESULT ';
const childArg = process.argv.find((arg) => arg.startsWith('--storage='));

/** The cases of an earlier combined result, to keep those of storages not measured now. */
function previousCases(name: string): { storage: string }[] {
  const file = join(
    fileURLToPath(new URL('../../..', import.meta.url)),
    'bench',
    'results',
    `${name}.json`,
  );
  if (!existsSync(file)) return [];
  const previous = JSON.parse(readFileSync(file, 'utf8')) as { cases?: { storage: string }[] };
  return previous.cases ?? [];
}

if (childArg === undefined) {
  // The parent: one child per storage, then one combined result per page size.
  const reports: Record<number, { storage: string; report: BenchSuiteResult }[]> = {
    100: [],
    1000: [],
  };
  const peakRss: Record<string, number> = {};
  for (const storage of STORAGES) {
    const child = await measureInChild(fileURLToPath(import.meta.url), [`--storage=${storage}`], {
      timeoutMs: 1_800_000,
    });
    const lines = child.stdout.split('\n');
    process.stdout.write(`${lines.filter((line) => !line.startsWith(RESULT_MARK)).join('\n')}\n`);
    peakRss[storage] = child.peakRssBytes;
    for (const line of lines) {
      if (!line.startsWith(RESULT_MARK)) continue;
      const report = JSON.parse(line.slice(RESULT_MARK.length)) as BenchSuiteResult & {
        extra: { pageSize: number };
      };
      reports[report.extra.pageSize]!.push({ storage, report });
    }
  }
  for (const limit of [100, 1000]) {
    const runs = reports[limit]!;
    const date = new Date().toISOString();
    const measured = runs.map(({ storage, report }) => ({
      storage,
      date,
      objects: storage.startsWith('postgres') ? PG_OBJECTS : OBJECTS,
      ...report.cases[0],
      baseline: report.baseline,
      latency: (report.extra as { latency: unknown }).latency,
      loadSeconds: (report.extra as { loadSeconds: unknown }).loadSeconds,
      settings: (report.extra as { settings: unknown }).settings,
      peakRssBytes: peakRss[storage],
    }));
    const kept = previousCases(`taxii-server-serve-${limit}`).filter(
      (c) => !STORAGES.includes(c.storage),
    );
    writeBenchResult(`taxii-server-serve-${limit}`, {
      name: `taxii-server-serve-${limit}`,
      description: `TAXII objects pages of ${limit}, random depth; each storage in its own process, ratio to JSON.stringify of the same envelope in that process; a page is timed until its body stream is read`,
      date,
      node: process.version,
      cases: [...measured, ...kept].sort(
        (a, b) => ALL_STORAGES.indexOf(a.storage) - ALL_STORAGES.indexOf(b.storage),
      ),
    });
    console.table(
      runs.map(({ storage, report }) => ({
        storage,
        'page ms': report.cases[0]!.meanMs,
        'baseline ms': report.baseline.meanMs,
        '× baseline': report.cases[0]!.ratioToBaseline,
      })),
    );
  }
} else {
  await measureOne(childArg.slice('--storage='.length));
}

async function measureOne(storageName: string): Promise<void> {
  const targets: Target[] = [];
  const loadSeconds: Record<string, number> = {};
  const settings: Record<string, number> = {};
  const cleanups: (() => Promise<void>)[] = [];

  if (storageName === 'memory') {
    const memory = new MemoryStorage();
    const memoryLoad = await load(memory);
    loadSeconds.memory = Number(memoryLoad.seconds.toFixed(1));
    targets.push({ name: 'memory', handler: handlerFor(memory), range: memoryLoad });
  } else if (storageName === 'sqlite' || storageName === 'sqlite-mirror') {
    const dir = mkdtempSync(join(tmpdir(), 'taxii-bench-'));
    // TAXII_BENCH_SQLITE_MMAP=0 measures SQLite without memory-mapped reads (its default)
    const mmapBytes = Number(process.env.TAXII_BENCH_SQLITE_MMAP ?? 2 ** 30);
    settings.sqliteMmapBytes = mmapBytes;
    const mirror = storageName === 'sqlite-mirror' ? { maxBytes: MIRROR_BYTES } : undefined;
    const sqlite = new SqliteStorage(join(dir, 'bench.db'), { mmapBytes, mirror });
    const sqliteLoad = await load(sqlite);
    await sqlite.analyze();
    loadSeconds.sqlite = Number(sqliteLoad.seconds.toFixed(1));
    if (mirror) await loadMirror(sqlite, settings);
    targets.push({ name: storageName, handler: handlerFor(sqlite), range: sqliteLoad });
    cleanups.push(async () => {
      await sqlite.close();
      rmSync(dir, { recursive: true, force: true });
    });
  } else {
    const pg = await startPostgres();
    const mirror = storageName === 'postgres-mirror' ? { maxBytes: MIRROR_BYTES } : undefined;
    const postgres = new PostgresStorage(pg.url, { mirror });
    const postgresLoad = await load(postgres, PG_OBJECTS);
    // what autovacuum does shortly after a bulk import
    await postgres.analyze();
    loadSeconds.postgres = Number(postgresLoad.seconds.toFixed(1));
    if (mirror) await loadMirror(postgres, settings);
    targets.push({ name: storageName, handler: handlerFor(postgres), range: postgresLoad });
    cleanups.push(async () => {
      await postgres.close();
      await pg.stop();
    });
  }

  // The load's garbage is collected before anything is timed: otherwise the first pages
  // are timed while the collector still works through it.
  collectGarbage();
  try {
    for (const limit of [100, 1000]) {
      // the baseline: JSON.stringify of a page of the same objects, already parsed
      const sample = Buffer.concat(await servePage(targets[0]!, limit));
      const samplePage = JSON.parse(sample.toString('utf8')) as { objects: unknown[] };
      const bytes = sample.byteLength;
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
      const report = await runBenchSuite({
        name: `taxii-server-serve-${limit}-${storageName}`,
        description: `TAXII objects pages of ${limit} from a ${OBJECTS}-object collection (Postgres ${PG_OBJECTS}), random depth`,
        baseline,
        cases,
        time: 1500,
        extra: {
          objects: OBJECTS,
          postgresObjects: PG_OBJECTS,
          pageSize: limit,
          loadSeconds,
          settings,
          latency,
        },
      });
      console.log(`${RESULT_MARK}${JSON.stringify(report)}`);
    }
  } finally {
    for (const cleanup of cleanups) await cleanup();
  }
}
