// Issue 19 (policy part): whatever a writer puts in a bundle, `project()` never throws an
// untyped error, and what it returns parses strictly. Random JSON values, keys that
// `Object.prototype` carries, and valid objects with random fields replaced.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { project, TLP2_MARKING_IDS } from '../src/index';
import { agreement, exampleAgreement, indicator, NOW, PARTNER } from './helpers';
import { expectValidBundle } from './strict';

const RUNS = Number(process.env.POLICY_HOSTILE_RUNS ?? 300);
const NASTY_KEYS = [
  '__proto__',
  'constructor',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'type',
  'id',
  'object_marking_refs',
  'granular_markings',
  'selectors',
  'marking_ref',
  'lang',
  'object_ref',
  'contents',
  'sectors',
  'where_sighted_refs',
  'created_by_ref',
  'modified',
];
const key = fc.oneof(fc.constantFrom(...NASTY_KEYS), fc.string({ maxLength: 8 }));
const value = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(
      TLP2_MARKING_IDS['TLP:GREEN'],
      TLP2_MARKING_IDS['TLP:RED'],
      'constructor',
      '__proto__',
      'description',
      PARTNER,
    ),
    fc.jsonValue({ maxDepth: 1 }),
    fc.array(tie('node'), { maxLength: 3 }),
    fc.dictionary(key, tie('node'), { maxKeys: 4 }),
  ),
})).node;

/** A valid object with one to three properties replaced by hostile values. */
const mutated = fc
  .tuple(fc.array(fc.tuple(key, value), { minLength: 1, maxLength: 3 }), fc.nat(3))
  .map(([edits, kind]) => {
    const base: Record<string, unknown> = indicator({
      object_marking_refs: [TLP2_MARKING_IDS['TLP:GREEN']],
      granular_markings: [{ marking_ref: TLP2_MARKING_IDS['TLP:RED'], selectors: ['description'] }],
      description: 'd',
    });
    if (kind === 1) base.type = 'identity';
    if (kind === 2) base.type = 'language-content';
    // JSON.parse makes every key, `__proto__` included, an own property.
    const object = JSON.parse(JSON.stringify(base)) as Record<string, unknown>;
    for (const [k, v] of edits)
      Object.defineProperty(object, k, {
        value: v,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    return object;
  });

describe('hostile input to project()', () => {
  const agreements = [
    agreement({ recipients: [{ match: { identities: [PARTNER] }, maxTlp: 'amber' }] }),
    exampleAgreement('cert-constituents.yaml'),
  ];
  it('never throws, and the output parses strictly', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(mutated, value), { maxLength: 6 }),
        fc.nat(1),
        (objects, which) => {
          const projection = project(
            objects,
            agreements[which]!,
            { identity: PARTNER, communities: ['cert-constituency'] },
            { now: NOW },
          );
          expect(projection.decisions.length).toBeLessThanOrEqual(objects.length);
          expectValidBundle(projection);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('deeply nested input', () => {
  it('withholds or shares, never throws, when an edited list holds a very deep value', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 20_000; i++) deep = [deep];
    const object = indicator({
      object_marking_refs: [TLP2_MARKING_IDS['TLP:GREEN']],
      external_references: [
        { source_name: 'a', url: 'https://example.com/secret' },
        { source_name: 'b', description: 'd', x_deep: deep },
      ],
      granular_markings: [
        { marking_ref: TLP2_MARKING_IDS['TLP:RED'], selectors: ['external_references.[0]'] },
      ],
    });
    const projection = project(
      [object],
      agreement({ recipients: [{ match: { identities: [PARTNER] }, maxTlp: 'amber' }] }),
      { identity: PARTNER },
      { now: NOW },
    );
    expect(projection.decisions).toHaveLength(1);
    expect(JSON.stringify(projection.bundle)).not.toContain('example.com/secret');
  });
});
