// Indexed matching of 1k / 100k / 1M indicators against a stream of observed data.
// Each index size runs in a child process (this same file with `--child N`) so its peak
// RSS is measured without the runner's heap. Two figures per size:
// - streamed: observations arrive as JSON batches (observed-data + the SCOs they
//   reference, 1,000 per batch), are parsed, then matched; only the matching is timed,
//   and JSON.parse of the same batches is the same-process baseline. This is how a
//   sensor or feed pipeline feeds the index: each observation is matched once, just
//   after it was parsed.
// - cold corpus: 100,000 observations built up front and matched three times over,
//   with SCOs in one 100,000-entry Map. Every observation is then a cache miss before
//   the index is even consulted, so this is the index under the worst memory layout;
//   its baseline is one Map.get per observation into a Map as large as the index.
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { measureInChild, peakRssBytes, runBenchSuite, writeBenchResult } from '@intelshare/bench';
import { IndicatorIndex, type IndicatorLike, type ObservedDataLike } from '../src/patterns/index';

/** Deterministic pseudo-random numbers, so every run indexes the same corpus. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex = (n: number, len: number) => n.toString(16).padStart(len, '0').slice(-len);
const ip = (i: number) =>
  `${(i >>> 24) & 255 || 1}.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`;
const domain = (i: number) => `host${i}.example${i % 97}.com`;
const url = (i: number) => `http://${domain(i)}/path/${i}`;
const md5 = (i: number) => `${hex(i, 8)}${hex(i * 7, 8)}${hex(i * 13, 8)}${hex(i * 31, 8)}`;
const sha256 = (i: number) => md5(i) + md5(i + 1);

/**
 * 90% simple (= and IN on ipv4/domain/url/file hashes), 10% complex but anchorable, 0.01%
 * fallback; with `simpleOnly`, the simple kinds alone (the target corpus).
 */
export function makeIndicators(n: number, simpleOnly = false): IndicatorLike[] {
  const out: IndicatorLike[] = [];
  const r = rng(42);
  for (let i = 0; i < n; i++) {
    const k = i * 4 + 1;
    let pattern: string;
    const x = simpleOnly ? r() * 0.9 : r();
    if (i % 10_000 === 9_999 && !simpleOnly)
      pattern = `[process:command_line MATCHES '-enc [A-Za-z0-9+/]{${20 + (i % 30)},}']`;
    else if (x < 0.2) pattern = `[ipv4-addr:value = '${ip(k)}']`;
    else if (x < 0.4) pattern = `[domain-name:value = '${domain(k)}']`;
    else if (x < 0.55) pattern = `[url:value = '${url(k)}']`;
    else if (x < 0.7) pattern = `[file:hashes.'SHA-256' = '${sha256(k)}']`;
    else if (x < 0.8)
      pattern = `[file:hashes.MD5 = '${md5(k)}' OR file:hashes.'SHA-256' = '${sha256(k)}']`;
    else if (x < 0.9) pattern = `[ipv4-addr:value IN ('${ip(k)}', '${ip(k + 1)}', '${ip(k + 2)}')]`;
    else if (x < 0.925) pattern = `[domain-name:value LIKE '%.sub${k}.example.net']`;
    else if (x < 0.95) pattern = `[ipv4-addr:value ISSUBSET '${ip(k & ~255)}/24']`;
    else if (x < 0.975)
      pattern = `[file:hashes.MD5 = '${md5(k)}' AND file:size > 1000 AND file:name MATCHES '\\\\.(exe|dll)$']`;
    else
      pattern = `[domain-name:value = '${domain(k)}'] FOLLOWEDBY [ipv4-addr:value = '${ip(k)}'] WITHIN 600 SECONDS`;
    out.push({
      type: 'indicator',
      id: `indicator--${hex(i, 8)}-0000-4000-8000-${hex(i, 12)}`,
      pattern,
      pattern_type: 'stix',
      valid_from: '2026-01-01T00:00:00Z',
    });
  }
  return out;
}

/** Observations: ~2% hit an indicator, the rest are misses of the same shapes. */
export function makeObservations(
  count: number,
  indicatorCount: number,
  scos: Map<string, Record<string, unknown>>,
  embedded = false,
): ObservedDataLike[] {
  const r = rng(7);
  const out: ObservedDataLike[] = [];
  for (let i = 0; i < count; i++) {
    const hit = r() < 0.02;
    const k = hit ? Math.floor(r() * indicatorCount) * 4 + 1 : 1_000_000_000 + i * 4 + 3;
    const kind = r();
    let sco: Record<string, unknown>;
    if (kind < 0.35) sco = { type: 'ipv4-addr', value: ip(k) };
    else if (kind < 0.6) sco = { type: 'domain-name', value: domain(k) };
    else if (kind < 0.8) sco = { type: 'url', value: url(k) };
    else if (kind < 0.99)
      sco = {
        type: 'file',
        hashes: { 'SHA-256': sha256(k), MD5: md5(k) },
        size: 5000,
        name: 'a.exe',
      };
    else sco = { type: 'process', command_line: `cmd.exe /c echo ${i}` };
    const t = new Date(Date.UTC(2026, 1, 1) + i * 10).toISOString();
    const scoId = `${sco.type}--${hex(i, 8)}-0000-5000-8000-000000000000`;
    sco.id = scoId;
    const base = {
      type: 'observed-data',
      id: `observed-data--${hex(i, 8)}-0000-4000-8000-000000000000`,
      first_observed: t,
      last_observed: t,
      number_observed: 1,
    };
    // STIX 2.1 form (object_refs + SCOs) unless `embedded` asks for the deprecated `objects`.
    out.push(embedded ? { ...base, objects: { '0': sco } } : { ...base, object_refs: [scoId] });
    scos.set(scoId, sco);
  }
  return out;
}

function build(
  n: number,
  indicators = makeIndicators(n),
): { index: IndicatorIndex; buildMs: number } {
  const start = performance.now();
  const index = new IndicatorIndex();
  const result = index.add(indicators);
  if (result.skipped.length > 0)
    throw new Error(`skipped ${result.skipped.length}: ${result.skipped[0]?.reason}`);
  return { index, buildMs: performance.now() - start };
}

function matchAll(
  index: IndicatorIndex,
  observations: readonly ObservedDataLike[],
  scos: ReadonlyMap<string, Record<string, unknown>>,
): number {
  const options = { scos };
  let hits = 0;
  for (let i = 0; i < observations.length; i++)
    hits += index.match(observations[i]!, options).length;
  return hits;
}

const OBSERVATIONS = 100_000;
const BATCH = 1000;
const ROUNDS = 3;

/** The observations as a stream's bytes: JSON batches of observed-data and their SCOs. */
function streamBatches(indicatorCount: number): string[] {
  const scos = new Map<string, Record<string, unknown>>();
  const observations = makeObservations(OBSERVATIONS, indicatorCount, scos);
  const batches: string[] = [];
  for (let start = 0; start < observations.length; start += BATCH) {
    const objects: unknown[] = [];
    for (const o of observations.slice(start, start + BATCH)) {
      objects.push(o);
      for (const ref of o.object_refs ?? []) objects.push(scos.get(ref));
    }
    batches.push(JSON.stringify(objects));
  }
  return batches;
}

interface StreamedFigures {
  observationsPerSec: number;
  observationsPerCpuSec: number;
  jsonParseObservationsPerSec: number;
  ratioToJsonParse: number;
  hitsPerRound: number;
}

/** Parses each batch (timed as the baseline), then matches it (timed as the case). */
function matchStreamed(index: IndicatorIndex, batches: readonly string[]): StreamedFigures {
  let matchMs = 0;
  let matchCpuUs = 0;
  let parseMs = 0;
  let hits = 0;
  for (let round = 0; round <= ROUNDS; round++) {
    const counting = round > 0; // round 0 warms up
    for (const text of batches) {
      const parseStart = performance.now();
      const objects = JSON.parse(text) as Record<string, unknown>[];
      if (counting) parseMs += performance.now() - parseStart;
      const scos = new Map<string, Record<string, unknown>>();
      const observations: ObservedDataLike[] = [];
      for (const o of objects) {
        if (o.type === 'observed-data') observations.push(o as ObservedDataLike);
        else scos.set(o.id as string, o);
      }
      const options = { scos };
      const cpuStart = process.cpuUsage();
      const start = performance.now();
      let batchHits = 0;
      for (let i = 0; i < observations.length; i++)
        batchHits += index.match(observations[i]!, options).length;
      if (!counting) continue;
      matchMs += performance.now() - start;
      const cpu = process.cpuUsage(cpuStart);
      matchCpuUs += cpu.user + cpu.system;
      hits += batchHits;
    }
  }
  const total = ROUNDS * OBSERVATIONS;
  return {
    observationsPerSec: Math.round((total * 1000) / matchMs),
    observationsPerCpuSec: Math.round((total * 1e6) / matchCpuUs),
    jsonParseObservationsPerSec: Math.round((total * 1000) / parseMs),
    // Above 1: matching the observations takes less time than parsing them.
    ratioToJsonParse: Number((parseMs / matchMs).toFixed(3)),
    hitsPerRound: hits / ROUNDS,
  };
}

/** Matches a prebuilt 100k corpus three times over, against one Map.get per observation. */
function matchCold(index: IndicatorIndex, indicatorCount: number) {
  const scos = new Map<string, Record<string, unknown>>();
  const observations = makeObservations(OBSERVATIONS, indicatorCount, scos);
  matchAll(index, observations, scos);
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  let hits = 0;
  for (let round = 0; round < ROUNDS; round++) hits += matchAll(index, observations, scos);
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  // The floor of any hash-based design under this layout: one lookup per observation in
  // a Map as large as the index's biggest table.
  const floor = new Map<string, number>();
  for (let i = 0; i < indicatorCount; i++) floor.set(ip(i * 4 + 1), i);
  const floorStart = performance.now();
  let floorHits = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (const o of observations) {
      const sco = scos.get(o.object_refs![0]!)!;
      if (floor.get(sco.value as string) !== undefined) floorHits++;
    }
  }
  const floorMs = performance.now() - floorStart;
  return {
    observationsPerSec: Math.round((ROUNDS * OBSERVATIONS * 1000) / ms),
    observationsPerCpuSec: Math.round((ROUNDS * OBSERVATIONS * 1e6) / (cpu.user + cpu.system)),
    baselineMapGetPerSec: Math.round((ROUNDS * OBSERVATIONS * 1000) / floorMs),
    ratioToBaseline: Number((floorMs / ms).toFixed(3)),
    baselineHitsPerRound: floorHits / ROUNDS,
    hitsPerRound: hits / ROUNDS,
  };
}

if (process.env.PATTERNS_BENCH_IMPORT_ONLY === '1') {
  // Imported for its corpus generators only.
} else if (process.argv.includes('--child')) {
  // Child mode: build an index of N indicators, match both ways, report figures as JSON.
  const n = Number(process.argv[process.argv.indexOf('--child') + 1]);
  const simpleOnly = process.argv.includes('--simple');
  const batches = streamBatches(n);
  // Heap in use after full collections: before and after building, so the index's own
  // share is told apart from this process's corpus (the indicator objects themselves).
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const indicators = makeIndicators(n, simpleOnly);
  gc();
  const corpusHeapBytes = process.memoryUsage().heapUsed;
  const { index, buildMs } = build(n, indicators);
  gc();
  const retainedHeapBytes = process.memoryUsage().heapUsed;
  const streamed = matchStreamed(index, batches);
  const cold = matchCold(index, n);
  // Both ways see the same observations, so they must agree on what fired.
  if (streamed.hitsPerRound !== cold.hitsPerRound)
    throw new Error(`streamed ${streamed.hitsPerRound} hits, cold ${cold.hitsPerRound}`);
  process.stdout.write(
    `${JSON.stringify({
      indicators: n,
      corpus: simpleOnly ? 'simple only (= and IN)' : '90% simple, 10% complex',
      buildMs: Math.round(buildMs),
      streamed,
      cold,
      peakRssBytesInProcess: peakRssBytes(),
      heapMbBeforeBuild: Math.round(corpusHeapBytes / 1e6),
      heapMbAfterBuild: Math.round(retainedHeapBytes / 1e6),
      indexBytesPerIndicator: Math.round((retainedHeapBytes - corpusHeapBytes) / n),
    })}\n`,
  );
} else {
  const scos = new Map<string, Record<string, unknown>>();
  const observations = makeObservations(OBSERVATIONS, 1000, scos);
  const embedded = makeObservations(OBSERVATIONS, 1000, new Map(), true);
  const small = build(1000);
  const baselineMap = new Map<string, number>();
  for (let i = 0; i < 1000; i++) baselineMap.set(ip(i * 4 + 1), i);
  await runBenchSuite({
    name: 'stix-patterns-index',
    description: `IndicatorIndex.match over ${OBSERVATIONS} observed-data (items = observations)`,
    baseline: {
      name: 'baseline: one Map.get per observation (SCO lookup + value)',
      items: OBSERVATIONS,
      run: () => {
        let hits = 0;
        for (const o of observations) {
          const sco = scos.get(o.object_refs![0]!)!;
          if (baselineMap.get((sco.value as string) ?? '') !== undefined) hits++;
        }
        return hits;
      },
    },
    cases: [
      {
        name: '1k indicators',
        items: OBSERVATIONS,
        run: () => matchAll(small.index, observations, scos),
      },
      {
        name: '1k indicators, embedded `objects` (2.0 form)',
        items: OBSERVATIONS,
        run: () => matchAll(small.index, embedded, scos),
      },
    ],
    extra: { build1kMs: Math.round(small.buildMs) },
  });
  const rows: Record<string, unknown>[] = [];
  // The three sizes with the mixed corpus, then the target's own case: 1M simple indicators.
  const runs: string[][] = [
    ['--child', '1000'],
    ['--child', '100000'],
    ['--child', '1000000'],
    ['--child', '1000000', '--simple'],
  ];
  for (const args of runs) {
    const child = await measureInChild(fileURLToPath(import.meta.url), args, {
      maxOldSpaceMb: 2048,
    });
    const figures = JSON.parse(child.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
    rows.push({ ...figures, peakRssMb: Math.round(child.peakRssBytes / 1e6) });
  }
  console.log('\nstix-patterns-index-scale — observations/s per core (CPU time of the matching)');
  console.table(
    rows.map((r) => {
      const streamed = r.streamed as StreamedFigures;
      const cold = r.cold as { observationsPerCpuSec: number; ratioToBaseline: number };
      return {
        indicators: r.indicators,
        corpus: r.corpus,
        'streamed obs/s/core': streamed.observationsPerCpuSec,
        '× JSON.parse': streamed.ratioToJsonParse,
        'cold obs/s/core': cold.observationsPerCpuSec,
        'cold × Map.get floor': cold.ratioToBaseline,
        'build ms': r.buildMs,
        'B/indicator': r.indexBytesPerIndicator,
        'peak RSS MB': r.peakRssMb,
      };
    }),
  );
  writeBenchResult('stix-patterns-index-scale', {
    name: 'stix-patterns-index-scale',
    date: new Date().toISOString(),
    node: process.version,
    target: '≥ 1,000,000 observations/s per core against 1M simple indicators',
    rows,
  });
}
