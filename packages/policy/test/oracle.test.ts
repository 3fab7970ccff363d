// The oracle property suite (issue 13): random bundles × random agreements × random
// recipients, a unique marker in every field, judged by an oracle written independently
// of the engine. The benchmark job runs the same check at ≥ 10⁶ object decisions
// (`bench/oracle.bench.ts`).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkWorld } from './oracle/check-world';
import { worldArb } from './oracle/world';

const RUNS = Number(process.env.POLICY_ORACLE_RUNS ?? 400);

describe('projection against an independent oracle', () => {
  it('leaks no forbidden marker, parses strictly, resolves every reference, never lowers a marking', () => {
    let decisions = 0;
    fc.assert(
      fc.property(worldArb, fc.nat(), (spec, seed) => {
        const result = checkWorld(spec, seed);
        decisions += result.decisions;
        expect(result.violations).toEqual([]);
      }),
      { numRuns: RUNS },
    );
    expect(decisions).toBeGreaterThan(RUNS);
  });
});
