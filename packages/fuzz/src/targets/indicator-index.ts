import { IndicatorIndex, type ObservedDataLike } from '@intelshare/stix/patterns';
import fc from 'fast-check';
import { mutatedText } from '../mutate';
import { observationsWith } from '../pattern-inputs';
import { defineTarget, literal, utf8Length } from '../target';

interface Input {
  patterns: string[];
  /** Observed-data objects (JSON text), each matched in turn with one correlation state. */
  observations: string;
  recipe?: string;
}

function stream(count: number, value = 'abc'): string {
  const one = (JSON.parse(observationsWith(value)) as Record<string, unknown>[])[0]!;
  return JSON.stringify(
    Array.from({ length: count }, (_, i) => ({
      ...one,
      id: `observed-data--${String(i).padStart(8, '0')}-02ac-498a-92f9-32f845f448cf`,
      first_observed: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
      last_observed: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
    })),
  );
}

/**
 * `IndicatorIndex.add` reports bad patterns as skipped (never throws); `match` answers for
 * every indicator it accepted, and one hostile indicator must not make matching slow.
 */
export const indicatorIndexTarget = defineTarget<Input>({
  name: 'IndicatorIndex',
  owner: '@intelshare/stix (patterns)',
  families: (seeds) => ({
    'mutated-patterns': fc
      .array(mutatedText(seeds.patterns, 3), { minLength: 1, maxLength: 20 })
      .map((patterns) => ({ patterns: [...seeds.patterns, ...patterns], observations: stream(5) })),
    'correlated-chain': fc
      .tuple(
        fc.integer({ min: 2, max: 12 }),
        fc.constantFrom(' AND ', ' FOLLOWEDBY '),
        fc.integer({ min: 20, max: 200 }),
      )
      .map(([n, op, count]) => ({
        patterns: [Array(n).fill('[a:b = 1]').join(op), "[ipv4-addr:value = '198.51.100.7']"],
        observations: stream(count),
        recipe: `index.add(Array(${n}).fill('[a:b = 1]').join(${JSON.stringify(op)})); then ${count} × index.match(observed, { correlation })`,
      })),
    'or-chain': fc
      .tuple(fc.integer({ min: 100, max: 3_000 }), fc.constantFrom(' OR ', ' AND '))
      .map(([n, op]) => ({
        patterns: [Array(n).fill('[a:b = 1]').join(op)],
        observations: stream(3),
        recipe: `index.add(Array(${n}).fill('[a:b = 1]').join(${JSON.stringify(op)})); index.match(observed)`,
      })),
    'deep-parens': fc.integer({ min: 10, max: 3_000 }).map((n) => ({
      patterns: [`${'('.repeat(n)}[a:b = 1]${')'.repeat(n)}`],
      observations: stream(2),
      recipe: `index.add('('.repeat(${n}) + '[a:b = 1]' + ')'.repeat(${n})); index.match(observed)`,
    })),
  }),
  run(input, probe) {
    const index = new IndicatorIndex();
    probe.step('IndicatorIndex.add', 'never');
    index.add(
      input.patterns.map((pattern, i) => ({
        id: `indicator--${String(i).padStart(8, '0')}-17d4-4cbf-938f-98ee46b3cd3f`,
        pattern,
        pattern_type: 'stix',
        valid_from: '2025-01-01T00:00:00Z',
      })),
    );
    const correlation = index.createCorrelation();
    probe.step('IndicatorIndex.match', 'typed');
    for (const observed of JSON.parse(input.observations) as ObservedDataLike[]) {
      index.match(observed, { correlation });
    }
  },
  size: (input) =>
    input.patterns.reduce((sum, p) => sum + utf8Length(p), 0) + utf8Length(input.observations),
  reproduce: (input) =>
    input.recipe ??
    `index.add(${literal(JSON.stringify(input.patterns.slice(-3)))} …); index.match(observed, { correlation })`,
});
