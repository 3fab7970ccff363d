// One hostile indicator next to ordinary ones (issue 19): `[T] AND [T] AND …` with ten
// observation expressions that every observation satisfies, correlated over a stream.
// Before the per-indicator bounds it made every correlated `match()` cost 200–380 ms
// (about 4 observations/s). The baseline is the same stream against the same index
// without the hostile indicator, so the ratio is the slowdown one such indicator causes.
import { runBenchSuite } from '@intelshare/bench';
import { IndicatorIndex, type IndicatorLike, type ObservedDataLike } from '../src/patterns/index';

const T = "[ipv4-addr:value = '198.51.100.1']";
const OBSERVATIONS = 2000;

function ordinary(): IndicatorLike[] {
  const out: IndicatorLike[] = [];
  for (let i = 0; i < 1000; i++) {
    const ip = `10.${(i >> 8) & 255}.${i & 255}.1`;
    // Mostly single-observation patterns, some correlated ones, as a feed would hold.
    const pattern =
      i % 10 === 0
        ? `[ipv4-addr:value = '${ip}'] FOLLOWEDBY [domain-name:value = 'host${i}.example']`
        : `[ipv4-addr:value = '${ip}']`;
    out.push({ id: `indicator--ordinary-${i}`, pattern, pattern_type: 'stix' });
  }
  // One ordinary correlated indicator that the stream does touch.
  out.push({
    id: 'indicator--touched',
    pattern: `${T} REPEATS 3 TIMES WITHIN 60 SECONDS`,
    pattern_type: 'stix',
  });
  return out;
}

const stream: ObservedDataLike[] = Array.from({ length: OBSERVATIONS }, (_, i) => {
  const when = new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString();
  return {
    id: `observed-data--${i}`,
    first_observed: when,
    last_observed: when,
    number_observed: 1,
    objects: {
      '0': { type: 'ipv4-addr', value: i % 2 === 0 ? '198.51.100.1' : `10.0.${i & 255}.1` },
    },
  };
});

function index(hostile: boolean): IndicatorIndex {
  const built = new IndicatorIndex();
  built.add(ordinary());
  if (hostile) {
    built.add({
      id: 'indicator--hostile',
      pattern: Array(10).fill(T).join(' AND '),
      pattern_type: 'stix',
    });
  }
  return built;
}

const plain = index(false);
const withHostile = index(true);

function run(target: IndicatorIndex): number {
  const correlation = target.createCorrelation();
  let fired = 0;
  for (const observation of stream) fired += target.match(observation, { correlation }).length;
  return fired;
}

await runBenchSuite({
  name: 'stix-patterns-hostile',
  description: `IndicatorIndex.match with correlation over ${OBSERVATIONS} observed-data, half of them satisfying a 10-term hostile AND (items = observations)`,
  baseline: {
    name: 'baseline: 1,001 ordinary indicators',
    items: OBSERVATIONS,
    run: () => run(plain),
  },
  cases: [
    {
      name: 'the same plus one hostile `[T] AND … AND [T]` (10 terms)',
      items: OBSERVATIONS,
      run: () => run(withHostile),
    },
  ],
});
