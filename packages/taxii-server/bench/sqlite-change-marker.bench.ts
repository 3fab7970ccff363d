// SqliteStorage.changeMarker on a large collection (SQLITE_MARKER_OBJECTS indicators, default
// 1,000,000), against the marker it replaced, run in this process on the same file as the
// baseline: a count(*) of the collection's rows plus its counter (the read a policy view made
// up to twice per page). p50/p99 of each in microseconds; '× baseline' is how many times
// faster the p50 is. The database is deleted after.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBenchResult } from '@intelshare/bench';
import Database from 'better-sqlite3';
import { SqliteStorage } from '../src/sqlite/index';
import { versionKey } from '../src/time/timestamps';
import { percentiles } from './support/generate';

const OBJECTS = Number(process.env.SQLITE_MARKER_OBJECTS ?? 1_000_000);
const BATCH = 20_000;
const BASELINE_RUNS = 100;
const MARKER_RUNS = 10_000;

function indicatorRow(n: number) {
  const id = `indicator--00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
  const modified = '2024-01-01T00:00:00.000Z';
  const body = JSON.stringify({
    type: 'indicator',
    spec_version: '2.1',
    id,
    created: modified,
    modified,
    name: `Indicator ${n}`,
    pattern: `[ipv4-addr:value = '10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}']`,
    pattern_type: 'stix',
    valid_from: '2024-01-01T00:00:00Z',
  });
  return {
    id,
    type: 'indicator',
    specVersion: '2.1',
    version: modified,
    versionKey: versionKey(modified)!,
    body,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'intelshare-sqlite-marker-bench-'));
try {
  const file = join(dir, 'bench.sqlite');
  const storage = new SqliteStorage(file);
  const started = performance.now();
  for (let i = 0; i < OBJECTS; i += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, OBJECTS - i) }, (_, k) =>
      indicatorRow(i + k),
    );
    await storage.addObjects('bench', batch);
  }
  const loadSeconds = (performance.now() - started) / 1000;
  console.log(`  loaded ${OBJECTS} objects in ${loadSeconds.toFixed(0)} s`);

  // The replaced marker, on its own connection to the same file (as another reader would).
  const raw = new Database(file, { readonly: true });
  const counted = raw
    .prepare(
      'SELECT (SELECT count(*) FROM taxii_objects WHERE collection = ?), (SELECT last_added FROM taxii_counters WHERE collection = ?)',
    )
    .raw();
  const baselineMs: number[] = [];
  const markerMs: number[] = [];
  // Interleaved, so a burst of load on the shared machine falls on both.
  for (let round = 0; round < BASELINE_RUNS; round++) {
    let t = performance.now();
    counted.get('bench', 'bench');
    baselineMs.push(performance.now() - t);
    for (let i = 0; i < MARKER_RUNS / BASELINE_RUNS; i++) {
      t = performance.now();
      await storage.changeMarker('bench');
      markerMs.push(performance.now() - t);
    }
  }
  raw.close();
  await storage.close();

  // In microseconds: a counter-row read is a few of them, below `percentiles`' rounding.
  const micros = (times: number[]) => {
    const { p50Ms, p99Ms } = percentiles(times.map((ms) => ms * 1000));
    return { p50Us: p50Ms, p99Us: p99Ms };
  };
  const baseline = micros(baselineMs);
  const marker = micros(markerMs);
  const result = {
    objects: OBJECTS,
    loadSeconds: Number(loadSeconds.toFixed(1)),
    countedMarker: { runs: BASELINE_RUNS, ...baseline },
    counterRowMarker: { runs: MARKER_RUNS, ...marker },
    ratioP50: Number((baseline.p50Us / marker.p50Us).toFixed(0)),
  };
  console.table([
    {
      case: 'count(*) + counter (before, baseline)',
      'p50 µs': baseline.p50Us,
      'p99 µs': baseline.p99Us,
      '× baseline': 1,
    },
    {
      case: 'counter row (changeMarker now)',
      'p50 µs': marker.p50Us,
      'p99 µs': marker.p99Us,
      '× baseline': result.ratioP50,
    },
  ]);
  writeBenchResult('taxii-server-sqlite-change-marker', result);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
