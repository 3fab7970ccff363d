/**
 * The hub at scale (issue 18), on each store (SQLite file, PostgreSQL database): 1,000,000
 * indicators seeded, then the p50/p95 of the indicator list, search and filter requests
 * over HTTP against the built server (target p95 < 100 ms each) and its peak RSS; and the
 * ingest rate through the real Poller into the store as a ratio to `parseStix` of the same
 * TAXII pages.
 *
 * Run: `pnpm --filter dashboard build && pnpm --filter dashboard bench`
 * (INDICATORS=200000 for a quicker run; BENCH_STORAGES=sqlite or postgres for one store;
 * BENCH_PARTS=http or ingest for one part). Writes bench/results/dashboard-*.json.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { peakRssBytes, printTable, writeBenchResult } from '@intelshare/bench';
import { TLP2_MARKING_IDS } from '@intelshare/policy';
import { parseStix } from '@intelshare/stix';
import { createTaxiiHandler, hashApiKey, MemoryStorage } from '@intelshare/taxii-server';
import { serve } from '@intelshare/taxii-server/node';
import { parseHubConfig } from '../src/hub/config';
import { Hub } from '../src/hub/hub';
import type { HubStore } from '../src/hub/store/hub-store';
import { PostgresHubStore } from '../src/hub/store/postgres-hub-store';
import { SqliteHubStore } from '../src/hub/store/sqlite-hub-store';
import { freshDatabase, type PostgresServer, startPostgres } from '../test/helpers/postgres';

const appDir = fileURLToPath(new URL('../', import.meta.url));
const hubMain = join(appDir, 'dist/hub/main.js');
const TOTAL = Number(process.env.INDICATORS ?? 1_000_000);
const REQUESTS = Number(process.env.REQUESTS ?? 200);
const INGEST_OBJECTS = Number(process.env.INGEST_OBJECTS ?? 20_000);
const STORAGES = (process.env.BENCH_STORAGES ?? 'sqlite,postgres').split(',') as (
  | 'sqlite'
  | 'postgres'
)[];
const PARTS = (process.env.BENCH_PARTS ?? 'http,ingest').split(',');
const TLPS = ['TLP:CLEAR', 'TLP:GREEN', 'TLP:AMBER', 'TLP:AMBER+STRICT', 'TLP:RED'] as const;

if (!existsSync(hubMain))
  throw new Error(`${hubMain} is missing: run \`pnpm --filter dashboard build\` first.`);

/** A deterministic indicator number `n` (values from documentation ranges and .example names). */
function indicator(n: number, now: string): Record<string, unknown> {
  const kind = n % 4;
  const value =
    kind === 0
      ? `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`
      : kind === 1
        ? `c2-${n}.bench.example`
        : kind === 2
          ? `http://dl-${n}.bench.example/p/${n % 997}`
          : (n * 2654435761).toString(16).padStart(8, '0').repeat(8).slice(0, 64);
  const path =
    kind === 0
      ? 'ipv4-addr:value'
      : kind === 1
        ? 'domain-name:value'
        : kind === 2
          ? 'url:value'
          : "file:hashes.'SHA-256'";
  const hex = n.toString(16).padStart(12, '0');
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--00000000-0000-4000-8000-${hex}`,
    created: now,
    modified: now,
    name: `Bench indicator ${n}`,
    indicator_types: ['malicious-activity'],
    pattern: `[${path} = '${value}']`,
    pattern_type: 'stix',
    valid_from: '2026-01-01T00:00:00.000Z',
    ...(n % 10 === 0 ? { valid_until: '2026-06-01T00:00:00.000Z' } : {}),
    confidence: (n * 7) % 101,
    ...(n % 100 === 0 ? { revoked: true } : {}),
    object_marking_refs: [TLP2_MARKING_IDS[TLPS[n % TLPS.length]!]],
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Peak resident set of another process (Linux VmHWM), in bytes. */
function peakRssOf(pid: number): number | null {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) * 1024 : null;
  } catch {
    return null;
  }
}

function n2source(n: number): string {
  return `bench-feed-${(n / 20_000) % 5}`;
}

let postgres: PostgresServer | undefined;
/** A fresh store of the kind, and the `storage:` block of a config file naming it. */
async function freshStore(
  kind: 'sqlite' | 'postgres',
  dir: string,
): Promise<{ store: HubStore; storageYaml: string }> {
  if (kind === 'sqlite') {
    const file = join(dir, 'store.sqlite');
    return { store: new SqliteHubStore(file), storageYaml: `  sqlite: ${JSON.stringify(file)}` };
  }
  postgres ??= await startPostgres();
  const url = await freshDatabase(postgres.url, 'hub_bench');
  return {
    store: await PostgresHubStore.open(url),
    storageYaml: `  postgres:\n    url: ${JSON.stringify(url)}`,
  };
}

async function httpBench(kind: 'sqlite' | 'postgres'): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'intelshare-hub-bench-'));

  // 1. Seed the store through the catalogue the ingest path uses.
  const seedStart = performance.now();
  const { store, storageYaml } = await freshStore(kind, dir);
  {
    const now = new Date().toISOString();
    for (let start = 0; start < TOTAL; start += 20_000) {
      const batch: Record<string, unknown>[] = [];
      for (let n = start; n < Math.min(TOTAL, start + 20_000); n++) batch.push(indicator(n, now));
      await store.recordObjects(n2source(start), batch);
    }
    await store.optimize();
    await store.close();
  }
  const seedSeconds = (performance.now() - seedStart) / 1000;
  console.log(`${kind}: seeded ${TOTAL} indicators in ${seedSeconds.toFixed(1)} s`);

  // 2. The built server on that store, signed in like a browser.
  const password = randomBytes(12).toString('base64url');
  const configFile = join(dir, 'hub.yaml');
  writeFileSync(
    configFile,
    `listen:\n  port: 0\nstorage:\n${storageYaml}\ndemo:\n  enabled: false\n`,
  );
  const child: ChildProcess = spawn(process.execPath, [hubMain], {
    cwd: appDir,
    env: { ...process.env, INTELSHARE_CONFIG: configFile, INTELSHARE_ADMIN_PASSWORD: password },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const origin = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const match = /listening on (http:\/\/[^/\s]+)\//.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`the hub exited with ${code}`)));
  });
  const login = await fetch(`${origin}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: 'admin', password }),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;

  async function timed(path: string): Promise<number> {
    const t0 = performance.now();
    const response = await fetch(`${origin}${path}`, { headers: { cookie } });
    const body = await response.text();
    const ms = performance.now() - t0;
    if (response.status !== 200 || !body.includes('<table'))
      throw new Error(`${path}: HTTP ${response.status}`);
    return ms;
  }

  const pick = (i: number) => Math.floor(((i + 1) * 2654435761) % TOTAL);
  const scenarios: { name: string; path: (i: number) => string }[] = [
    { name: 'list (newest, 50 rows)', path: () => '/indicators' },
    { name: 'list sorted by value', path: () => '/indicators?sort=value' },
    {
      name: 'search: value substring',
      path: (i) => `/indicators?q=${encodeURIComponent(`c2-${pick(i) - (pick(i) % 4) + 1}.bench`)}`,
    },
    {
      name: 'search: name words',
      path: (i) => `/indicators?q=${encodeURIComponent(`indicator ${pick(i)}`)}`,
    },
    {
      name: 'filter: TLP + type + confidence',
      path: (i) =>
        `/indicators?tlp=${['amber', 'red', 'green'][i % 3]}&type=domain-name&minConfidence=70`,
    },
    {
      name: 'filter: source + valid now, by confidence',
      path: (i) => `/indicators?source=bench-feed-${i % 5}&validity=current&sort=confidence`,
    },
  ];
  const rows: Record<string, unknown>[] = [];
  for (const scenario of scenarios) {
    for (let i = 0; i < 10; i++) await timed(scenario.path(i)); // warm-up
    const samples: number[] = [];
    for (let i = 0; i < REQUESTS; i++) samples.push(await timed(scenario.path(i)));
    samples.sort((a, b) => a - b);
    rows.push({
      request: scenario.name,
      requests: REQUESTS,
      'p50 ms': Number(percentile(samples, 50).toFixed(1)),
      'p95 ms': Number(percentile(samples, 95).toFixed(1)),
      'max ms': Number(samples.at(-1)!.toFixed(1)),
      'p95 < 100 ms': percentile(samples, 95) < 100,
    });
  }
  const serverPeakRss = peakRssOf(child.pid!);
  child.kill('SIGTERM');
  await new Promise((ok) => child.once('exit', ok));
  console.log(
    `\ndashboard-indicators (${kind}) — ${TOTAL.toLocaleString('en-US')} indicators, HTTP over 127.0.0.1`,
  );
  console.table(rows);
  console.log(
    `server peak RSS: ${serverPeakRss ? `${Math.round(serverPeakRss / 1e6)} MB` : 'n/a'}`,
  );
  writeBenchResult(kind === 'sqlite' ? 'dashboard-indicators' : `dashboard-indicators-${kind}`, {
    name: kind === 'sqlite' ? 'dashboard-indicators' : `dashboard-indicators-${kind}`,
    description: `Indicator list, search and filter over HTTP on a ${kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'} store of seeded indicators`,
    storage: kind,
    date: new Date().toISOString(),
    node: process.version,
    indicators: TOTAL,
    seedSeconds: Number(seedSeconds.toFixed(1)),
    requestsPerCase: REQUESTS,
    serverPeakRssBytes: serverPeakRss,
    target: 'p95 < 100 ms for each request',
    cases: rows,
  });
  rmSync(dir, { recursive: true, force: true });
}

async function ingestBench(): Promise<void> {
  // 3. Ingest through the real Poller (taxiiSource over HTTP) into SQLite, against
  //    parseStix of the same pages (the baseline: parsing alone).
  const taxiiKey = randomBytes(16).toString('base64url');
  const upstream = createTaxiiHandler({
    title: 'bench upstream',
    cursorSecret: randomBytes(32),
    storage: new MemoryStorage(),
    auth: {
      anonymous: 'public',
      apiKeys: [{ principal: 'writer', hash: await hashApiKey(taxiiKey) }],
    },
    limits: { maxBodyBytes: 256 * 1024 * 1024 },
    apiRoots: [
      {
        path: 'feed',
        title: 'Feed',
        collections: [
          { id: 'indicators', title: 'Indicators', canRead: ['public'], canWrite: ['writer'] },
        ],
      },
    ],
  });
  const upstreamServer = await serve(upstream);
  const ingestNow = new Date().toISOString();
  for (let start = 0; start < INGEST_OBJECTS; start += 5000) {
    const objects = [];
    for (let n = start; n < Math.min(INGEST_OBJECTS, start + 5000); n++)
      objects.push(indicator(n, ingestNow));
    const response = await upstream(
      new Request(`${upstreamServer.url}/feed/collections/indicators/objects/`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${taxiiKey}`,
          'content-type': 'application/taxii+json;version=2.1',
          accept: 'application/taxii+json;version=2.1',
        },
        body: JSON.stringify({ objects }),
      }),
    );
    if (response.status !== 202) throw new Error(`seeding the upstream: HTTP ${response.status}`);
  }
  // The same pages the poller will read, as text, for the parseStix baseline.
  const pages: string[] = [];
  for (let next: string | undefined, i = 0; i < 10_000; i++) {
    const response = await fetch(
      `${upstreamServer.url}/feed/collections/indicators/objects/?limit=1000${next ? `&next=${encodeURIComponent(next)}` : ''}`,
      {
        headers: { accept: 'application/taxii+json;version=2.1' },
      },
    );
    const text = await response.text();
    pages.push(text);
    const envelope = JSON.parse(text) as { more?: boolean; next?: string };
    if (!envelope.more || !envelope.next) break;
    next = envelope.next;
  }
  // Each page's objects as a bundle text (prepared outside the timing): what parseStix takes.
  const bundles = pages.map(
    (page) =>
      `{"type":"bundle","id":"bundle--00000000-0000-4000-8000-000000000000","objects":${JSON.stringify((JSON.parse(page) as { objects: unknown[] }).objects)}}`,
  );
  const median = (values: number[]) =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const parseRuns: number[] = [];
  for (let run = 0; run < 3; run++) {
    const t0 = performance.now();
    let objects = 0;
    for (const bundle of bundles) objects += parseStix(bundle).objects.length;
    if (objects !== INGEST_OBJECTS) throw new Error(`parseStix saw ${objects} objects`);
    parseRuns.push(performance.now() - t0);
  }
  const parseMs = median(parseRuns);
  const cases = [];
  for (const kind of STORAGES) {
    const ingestRuns: number[] = [];
    for (let run = 0; run < 3; run++) {
      const runDir = mkdtempSync(join(tmpdir(), 'intelshare-hub-ingest-'));
      const fresh = await freshStore(kind, runDir);
      await fresh.store.close();
      const config = parseHubConfig(
        [
          'storage:',
          fresh.storageYaml,
          'demo:',
          '  enabled: false',
          'sources:',
          '  - id: bench-taxii',
          '    title: Bench',
          '    kind: taxii',
          `    url: ${upstreamServer.url}/taxii2/`,
          `    apiRoot: ${upstreamServer.url}/feed/`,
          '    collection: indicators',
          '    intervalSeconds: 3600',
        ].join('\n'),
        'bench.yaml',
        runDir,
      );
      const hub = await Hub.start({
        config,
        configDir: runDir,
        demoDataDir: join(appDir, 'data/demo'),
        autoPoll: false,
      });
      const t0 = performance.now();
      await hub.pollNow('bench-taxii');
      const ms = performance.now() - t0;
      const stored = await hub.store.totalObjects();
      await hub.stop();
      rmSync(runDir, { recursive: true, force: true });
      if (stored !== INGEST_OBJECTS)
        throw new Error(`the hub stored ${stored} of ${INGEST_OBJECTS} objects`);
      ingestRuns.push(ms);
    }
    const ingestMs = median(ingestRuns);
    cases.push({
      name: `Poller → TAXII POST path → ${kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'} + catalogue`,
      runs: 3,
      meanMs: Math.round(ingestMs),
      opsPerSec: 0,
      itemsPerSec: Math.round(INGEST_OBJECTS / (ingestMs / 1000)),
      mbPerSec: null,
      ratioToBaseline: Number((parseMs / ingestMs).toFixed(3)),
    });
  }
  await upstreamServer.close();
  const report = {
    name: 'dashboard-ingest',
    description: `${INGEST_OBJECTS.toLocaleString('en-US')} indicators pulled by the Poller (taxiiSource, 1000 a page, 127.0.0.1) into the hub's store (${STORAGES.join(', ')})`,
    date: new Date().toISOString(),
    node: process.version,
    cpu: '',
    baseline: {
      name: 'parseStix of the same pages',
      runs: 3,
      meanMs: Math.round(parseMs),
      opsPerSec: 0,
      itemsPerSec: Math.round(INGEST_OBJECTS / (parseMs / 1000)),
      mbPerSec: null,
      ratioToBaseline: 1,
    },
    cases,
    extra: { benchProcessPeakRssMB: Math.round(peakRssBytes() / 1e6), medianOf: 3 },
  };
  printTable(report);
  writeBenchResult('dashboard-ingest', report);
}

for (const kind of STORAGES) if (PARTS.includes('http')) await httpBench(kind);
if (PARTS.includes('ingest')) await ingestBench();
await postgres?.stop();
