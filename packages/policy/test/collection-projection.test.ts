// A collection projection served part by part equals `project()` of the whole collection:
// random worlds (oracle style), random scan chunk sizes and part sizes (1 included), random
// collection orders. Also no leak by the oracle's checks on what the parts give together.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkCollectionWorld } from './oracle/collection-world';
import { worldArbitrary } from './oracle/world';

const RUNS = Number(process.env.POLICY_COLLECTION_RUNS ?? 1000);

describe('collection projection, part by part', () => {
  it('equals the whole projection object for object and leaks nothing', async () => {
    let parts = 0;
    await fc.assert(
      fc.asyncProperty(
        worldArbitrary(18),
        fc.nat(),
        fc.record({
          shuffle: fc.nat(),
          chunks: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 3 }),
          parts: fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 3 }),
          extra: fc.oneof(fc.constant(0), fc.nat()),
          olderVersion: fc.boolean(),
        }),
        async (spec, seed, plan) => {
          const result = await checkCollectionWorld(spec, seed, plan);
          parts += result.parts;
          expect(result.differences).toEqual([]);
          expect(result.violations).toEqual([]);
        },
      ),
      { numRuns: RUNS },
    );
    expect(parts).toBeGreaterThan(RUNS);
  });
});
