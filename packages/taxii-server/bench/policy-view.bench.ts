// A policy view over a large SQLite collection (POLICY_VIEW_OBJECTS generated objects,
// default 1,000,000: indicators, relationships, sightings, malware, victims; see
// support/policy-world.ts). In a fresh child process: the first page (the collection's
// facts scanned, the projection prepared) with its time and the process's peak RSS, then
// p50/p99 of later pages of 1000 and 100 at random depths, as ratios to `JSON.stringify` of
// the same envelope. In this process: a collection projection served in parts of 1000
// against `project()` of the same 100,000 objects at once (ratio of times). The database is
// deleted after.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { measureInChild, writeBenchResult } from '@intelshare/bench';
import {
  type CollectionItem,
  parseAgreement,
  prepareCollectionProjection,
  project,
} from '@intelshare/policy';
import { SqliteStorage } from '../src/sqlite/index';
import {
  BENCH_AGREEMENT,
  BENCH_PARTNER,
  policyObject,
  policyObjectBody,
} from './support/policy-world';

const OBJECTS = Number(process.env.POLICY_VIEW_OBJECTS ?? 1_000_000);
const THROUGHPUT_OBJECTS = 100_000;
const PART = 1000;
const BATCH = 20_000;

const dir = mkdtempSync(join(tmpdir(), 'intelshare-policy-view-bench-'));
try {
  const dbPath = join(dir, 'bench.sqlite');
  const storage = new SqliteStorage(dbPath);
  const positions: number[] = [];
  const started = performance.now();
  for (let i = 0; i < OBJECTS; i += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, OBJECTS - i) }, (_, k) =>
      policyObject(i + k),
    );
    const results = await storage.addObjects('bench', batch);
    for (let k = 0; k < results.length; k += 1000) positions.push(results[k]!.added);
  }
  const loadSeconds = (performance.now() - started) / 1000;
  await storage.close();
  console.log(`  loaded ${OBJECTS} objects in ${loadSeconds.toFixed(0)} s`);
  const positionsPath = join(dir, 'positions.json');
  writeFileSync(positionsPath, JSON.stringify(positions));
  const child = await measureInChild(
    join(import.meta.dirname, 'support', 'policy-view-child.ts'),
    [dbPath, positionsPath],
    { timeoutMs: 3_600_000 },
  );
  const view = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;

  // Throughput: one project() of 100k objects against the same objects projected in parts.
  const agreement = parseAgreement(BENCH_AGREEMENT);
  const recipient = { identity: BENCH_PARTNER };
  const now = '2026-03-01T00:00:00.000Z';
  const objects = Array.from({ length: THROUGHPUT_OBJECTS }, (_, n) => policyObjectBody(n));
  const items: CollectionItem[] = objects.map((object, order) => ({ object, order }));
  const byId = new Map(items.map((item) => [String(item.object.id), item]));
  const reader = {
    async *scan() {
      for (let i = 0; i < items.length; i += PART) yield items.slice(i, i + PART);
    },
    async get(ids: readonly string[]) {
      return ids.flatMap((id) => byId.get(id) ?? []);
    },
  };
  const wholeMs: number[] = [];
  const partsMs: number[] = [];
  for (let round = 0; round < 3; round++) {
    let t = performance.now();
    project(objects, agreement, recipient, { now });
    wholeMs.push(performance.now() - t);
    t = performance.now();
    const collection = await prepareCollectionProjection(reader, agreement, recipient, { now });
    for (let i = 0; i < objects.length; i += PART)
      await collection.project(objects.slice(i, i + PART));
    partsMs.push(performance.now() - t);
  }
  const whole = Math.min(...wholeMs);
  const parts = Math.min(...partsMs);
  const result = {
    objects: OBJECTS,
    loadSeconds: Number(loadSeconds.toFixed(1)),
    view: { ...view, processPeakRssMb: Math.round(child.peakRssBytes / 2 ** 20) },
    throughput: {
      objects: THROUGHPUT_OBJECTS,
      partSize: PART,
      projectMs: Math.round(whole),
      partsMs: Math.round(parts),
      ratioToProject: Number((whole / parts).toFixed(3)),
    },
  };
  const page = (key: string) => view[key] as Record<string, number>;
  console.table([
    {
      case: 'first page (facts scanned)',
      'p50 ms': view.firstPageMs,
      'p99 ms': '',
      '× baseline': '',
      'peak RSS MB': view.firstPagePeakRssMb,
    },
    {
      case: 'page of 1000',
      'p50 ms': page('page1000').p50Ms,
      'p99 ms': page('page1000').p99Ms,
      '× baseline': page('page1000').ratioP50,
      'peak RSS MB': '',
    },
    {
      case: 'page of 100',
      'p50 ms': page('page100').p50Ms,
      'p99 ms': page('page100').p99Ms,
      '× baseline': page('page100').ratioP50,
      'peak RSS MB': '',
    },
    {
      case: `project() of ${THROUGHPUT_OBJECTS}`,
      'p50 ms': Math.round(whole),
      'p99 ms': '',
      '× baseline': 1,
      'peak RSS MB': '',
    },
    {
      case: `the same in parts of ${PART}`,
      'p50 ms': Math.round(parts),
      'p99 ms': '',
      '× baseline': result.throughput.ratioToProject,
      'peak RSS MB': '',
    },
  ]);
  writeBenchResult('taxii-server-policy-view', result);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
