// Indexed matching of 1k / 100k / 1M indicators against a stream of observed data.
// The 1M case runs in a child process (this same file with `--child`) so its peak RSS
// is measured without the runner's heap.
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

/** 90% simple (= and IN on ipv4/domain/url/file hashes), 10% complex but anchorable, 0.01% fallback. */
export function makeIndicators(n: number): IndicatorLike[] {
  const out: IndicatorLike[] = [];
  const r = rng(42);
  for (let i = 0; i < n; i++) {
    const k = i * 4 + 1;
    let pattern: string;
    const x = r();
    if (i % 10_000 === 9_999)
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

if (process.env.PATTERNS_BENCH_IMPORT_ONLY === '1') {
  // Imported for its corpus generators only.
} else if (process.argv.includes('--child')) {
  // Child mode: build the 1M index, stream the observations, report figures as JSON.
  const n = Number(process.argv[process.argv.indexOf('--child') + 1]);
  const scos = new Map<string, Record<string, unknown>>();
  const observations = makeObservations(OBSERVATIONS, n, scos);
  // Heap in use after full collections: before and after building, so the index's own
  // share is told apart from this process's corpus (the indicator objects themselves).
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const indicators = makeIndicators(n);
  gc();
  const corpusHeapBytes = process.memoryUsage().heapUsed;
  const { index, buildMs } = build(n, indicators);
  gc();
  const retainedHeapBytes = process.memoryUsage().heapUsed;
  matchAll(index, observations, scos);
  const rounds = 3;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  let hits = 0;
  for (let round = 0; round < rounds; round++) hits += matchAll(index, observations, scos);
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  // Same-process baseline: one lookup per observation in a Map as large as the index's
  // biggest table, the floor of any hash-based design on this machine at this moment.
  const floor = new Map<string, number>();
  for (let i = 0; i < n; i++) floor.set(ip(i * 4 + 1), i);
  const floorStart = performance.now();
  let floorHits = 0;
  for (let round = 0; round < rounds; round++) {
    for (const o of observations) {
      const sco = scos.get(o.object_refs![0]!)!;
      if (floor.get(sco.value as string) !== undefined) floorHits++;
    }
  }
  const floorMs = performance.now() - floorStart;
  // Per core: observations per second of this process's CPU time, which stays meaningful
  // when other work shares the machine's cores.
  const cpuMs = (cpu.user + cpu.system) / 1000;
  process.stdout.write(
    `${JSON.stringify({
      indicators: n,
      buildMs: Math.round(buildMs),
      observationsPerSec: Math.round((rounds * OBSERVATIONS * 1000) / ms),
      observationsPerCpuSec: Math.round((rounds * OBSERVATIONS * 1000) / cpuMs),
      baselineMapGetPerSec: Math.round((rounds * OBSERVATIONS * 1000) / floorMs),
      ratioToBaseline: Number((floorMs / ms).toFixed(3)),
      baselineHits: floorHits / rounds,
      hitsPerRound: hits / rounds,
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
  const observations100k = makeObservations(OBSERVATIONS, 100_000, scos);
  const medium = build(100_000);
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
      {
        name: '100k indicators',
        items: OBSERVATIONS,
        run: () => matchAll(medium.index, observations100k, scos),
      },
    ],
    extra: { build1kMs: Math.round(small.buildMs), build100kMs: Math.round(medium.buildMs) },
  });
  const child = await measureInChild(fileURLToPath(import.meta.url), ['--child', '1000000'], {
    maxOldSpaceMb: 2048,
  });
  const figures = JSON.parse(child.stdout.trim().split('\n').pop()!) as Record<string, number>;
  const report = {
    ...figures,
    peakRssMb: Math.round(child.peakRssBytes / 1e6),
    target: '≥ 1,000,000 observations/s per core',
  };
  console.log('\nstix-patterns-index-1m', report);
  writeBenchResult('stix-patterns-index-1m', report);
}
