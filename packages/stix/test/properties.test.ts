import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareTimestamps,
  parseStix,
  STIX_TYPE_NAMES_FOR_TESTS,
  serializeStix,
  validateStixObject,
} from './support/exports';

// Timestamps between 1970 and 2100 with 0-9 sub-second digits, as STIX allows.
const timestampArb = fc
  .tuple(
    fc.date({
      min: new Date('1970-01-01T00:00:00Z'),
      max: new Date('2100-01-01T00:00:00Z'),
      noInvalidDate: true,
    }),
    fc.nat({ max: 9 }),
    fc.nat({ max: 999_999_999 }),
  )
  .map(([date, digits, fraction]) => {
    const base = date.toISOString().slice(0, 19);
    return digits === 0
      ? `${base}Z`
      : `${base}.${String(fraction).padStart(9, '0').slice(0, digits)}Z`;
  });

const orderedPair = fc
  .tuple(timestampArb, timestampArb)
  .map(([a, b]) => (compareTimestamps(a, b) <= 0 ? [a, b] : [b, a]) as [string, string]);
const strictlyOrderedPair = orderedPair.filter(([a, b]) => compareTimestamps(a, b) < 0);
const idOf = (type: string) => fc.uuid({ version: 4 }).map((uuid) => `${type}--${uuid}`);
const text = fc.string({ minLength: 1, maxLength: 40 });

const indicatorArb = fc
  .record({
    type: fc.constant('indicator'),
    spec_version: fc.constant('2.1'),
    id: idOf('indicator'),
    created_modified: orderedPair,
    name: text,
    // STIX 2.1 Part 5: inside a string literal only `\\` and `\'` are escapes.
    pattern: text.map(
      (s) => `[url:value = '${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}']`,
    ),
    pattern_type: fc.constantFrom('stix', 'sigma', 'yara'),
    valid: strictlyOrderedPair,
    confidence: fc.integer({ min: 0, max: 100 }),
    labels: fc.array(text, { minLength: 1, maxLength: 3 }),
  })
  .map(({ created_modified: [created, modified], valid: [from, until], ...rest }) => ({
    ...rest,
    created,
    modified,
    valid_from: from,
    valid_until: until,
  }));

const malwareArb = fc
  .record({
    type: fc.constant('malware'),
    spec_version: fc.constant('2.1'),
    id: idOf('malware'),
    times: orderedPair,
    name: text,
    is_family: fc.boolean(),
    malware_types: fc.array(fc.constantFrom('backdoor', 'trojan', 'worm'), {
      minLength: 1,
      maxLength: 2,
    }),
  })
  .map(({ times: [created, modified], ...rest }) => ({ ...rest, created, modified }));

const relationshipArb = fc
  .record({
    type: fc.constant('relationship'),
    spec_version: fc.constant('2.1'),
    id: idOf('relationship'),
    times: orderedPair,
    relationship_type: fc.constantFrom('indicates', 'derived-from', 'related-to'),
    source_ref: idOf('indicator'),
    target_ref: idOf('malware'),
  })
  .map(({ times: [created, modified], ...rest }) => ({ ...rest, created, modified }));

const ipArb = fc.ipV4().map((value) => ({
  type: 'ipv4-addr',
  spec_version: '2.1',
  id: 'ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd',
  value,
}));

const objectArb = fc.oneof(indicatorArb, malwareArb, relationshipArb, ipArb) as fc.Arbitrary<
  Record<string, unknown>
>;

describe('property: generated valid objects', () => {
  it('parse with no issues and round-trip byte-for-byte', () => {
    fc.assert(
      // Unique ids: a repeated id is a duplicate, which parseStix reports (STIX 2.1 §3.6).
      fc.property(fc.uniqueArray(objectArb, { maxLength: 8, selector: (o) => o.id }), (objects) => {
        const input = JSON.stringify({
          type: 'bundle',
          id: 'bundle--6f1e8c2a-4d3b-4a51-9c2e-1f0a9b8c7d6e',
          objects,
        });
        const result = parseStix(input);
        expect(result.issues).toEqual([]);
        expect(
          serializeStix(result.objects, {
            bundleId: 'bundle--6f1e8c2a-4d3b-4a51-9c2e-1f0a9b8c7d6e',
          }),
        ).toBe(input);
      }),
      { numRuns: 300 },
    );
  });

  it('the zod schema accepts exactly what the fast validator accepts', () => {
    fc.assert(
      fc.property(objectArb, (object) => {
        const zod = STIX_TYPE_NAMES_FOR_TESTS.get(object.type as string)!.schema.safeParse(object);
        expect(zod.success).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

type Mutation = {
  name: string;
  apply: (o: Record<string, unknown>) => boolean;
  code: string;
  path: (o: Record<string, unknown>) => string;
};

/** Sets `key` (to a value computed from the object) when `when` holds; reports whether it applied. */
function set(
  key: string,
  value: (o: Record<string, unknown>) => unknown,
  when: (o: Record<string, unknown>) => boolean = () => true,
) {
  return (o: Record<string, unknown>): boolean => {
    if (!when(o)) return false;
    o[key] = value(o);
    return true;
  };
}

const REQUIRED: Record<string, string> = {
  indicator: 'pattern',
  malware: 'is_family',
  relationship: 'source_ref',
  'ipv4-addr': 'value',
};

// Each mutation breaks one rule; `apply` returns false when it does not apply to the object.
const mutations: Mutation[] = [
  { name: 'drop id', apply: (o) => delete o.id, code: 'MISSING_PROPERTY', path: () => 'id' },
  {
    name: 'wrong id prefix',
    apply: set('id', (o) => `x-other--${(o.id as string).split('--')[1]}`),
    code: 'ID_TYPE_MISMATCH',
    path: () => 'id',
  },
  {
    name: 'id without UUID',
    apply: set('id', (o) => `${o.type}--1234`),
    code: 'INVALID_ID',
    path: () => 'id',
  },
  {
    name: 'non-UTC timestamp',
    apply: set(
      'created',
      (o) => (o.created as string).replace('Z', '+01:00'),
      (o) => o.created !== undefined,
    ),
    code: 'INVALID_TIMESTAMP',
    path: () => 'created',
  },
  {
    name: 'modified before created',
    apply: set(
      'modified',
      () => '1969-12-31T23:59:59Z',
      (o) => o.created !== undefined,
    ),
    code: 'TIMESTAMP_ORDER',
    path: () => 'modified',
  },
  {
    name: 'valid_until not after valid_from',
    apply: set(
      'valid_until',
      (o) => o.valid_from,
      (o) => o.valid_from !== undefined,
    ),
    code: 'TIMESTAMP_ORDER',
    path: () => 'valid_until',
  },
  {
    name: 'spec_version 2.0',
    apply: set('spec_version', () => '2.0'),
    code: 'INVALID_SPEC_VERSION',
    path: () => 'spec_version',
  },
  {
    name: 'custom property',
    apply: set('x_added', () => 1),
    code: 'CUSTOM_PROPERTY',
    path: () => 'x_added',
  },
  {
    name: 'ref to a marking',
    apply: set(
      'target_ref',
      () => 'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da',
      (o) => o.target_ref !== undefined,
    ),
    code: 'REF_TYPE_NOT_ALLOWED',
    path: () => 'target_ref',
  },
  {
    name: 'empty list',
    apply: set(
      'labels',
      () => [],
      (o) => o.labels !== undefined,
    ),
    code: 'EMPTY_LIST',
    path: () => 'labels',
  },
  {
    name: 'confidence out of range',
    apply: set(
      'confidence',
      () => 150,
      (o) => o.confidence !== undefined,
    ),
    code: 'OUT_OF_RANGE',
    path: () => 'confidence',
  },
  {
    name: 'required property removed',
    apply: (o) => delete o[REQUIRED[o.type as string]!],
    code: 'MISSING_PROPERTY',
    path: (o) => REQUIRED[o.type as string]!,
  },
];

describe('property: mutations that break a rule are caught', () => {
  it('with the mutation’s code and path', () => {
    fc.assert(
      fc.property(objectArb, fc.constantFrom(...mutations), (object, mutation) => {
        const mutated = structuredClone(object);
        fc.pre(mutation.apply(mutated));
        const issues = validateStixObject(mutated);
        expect(issues).toContainEqual(
          expect.objectContaining({
            severity: 'error',
            code: mutation.code,
            path: mutation.path(mutated),
          }),
        );
        // The zod schema rejects it too, except for what zod's loose objects allow by design.
        if (mutation.code !== 'CUSTOM_PROPERTY') {
          expect(
            STIX_TYPE_NAMES_FOR_TESTS.get(mutated.type as string)!.schema.safeParse(mutated)
              .success,
          ).toBe(false);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('random JSON never throws and never yields objects without type and id', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        const result = parseStix(value, { mode: 'lenient', allowCustom: true });
        for (const object of result.objects) {
          expect(typeof object.type).toBe('string');
          expect(typeof object.id).toBe('string');
        }
      }),
      { numRuns: 500 },
    );
  });

  it('hostile keys at any depth are reported, removed and pollute nothing', () => {
    const hostileKey = fc.constantFrom('__proto__', 'constructor', 'prototype');
    const hostileValue = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        fc.jsonValue({ maxDepth: 1 }),
        fc.array(tie('node'), { maxLength: 3 }),
        fc
          .tuple(hostileKey, tie('node'))
          .map(
            ([key, value]) =>
              `{${JSON.stringify(key)}:${JSON.stringify(value) ?? 'null'},"polluted":true}`,
          )
          .map((text) => JSON.parse(text) as unknown),
      ),
    })).node;
    fc.assert(
      fc.property(hostileKey, hostileValue, fc.boolean(), (key, value, spec20) => {
        const base = JSON.stringify({
          type: 'malware',
          ...(spec20 ? {} : { spec_version: '2.1' }),
          id: 'malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b',
          created: '2016-04-06T20:07:09.000Z',
          modified: '2016-04-06T20:07:09.000Z',
          name: 'x',
          is_family: true,
        });
        const text = `[${base.slice(0, -1)},${JSON.stringify(key)}:{"is_family":true},"x_nested":${JSON.stringify(value) ?? 'null'}}]`;
        const result = parseStix(text, { allowCustom: true, mode: 'lenient' });
        expect(result.issues).toContainEqual(
          expect.objectContaining({ code: 'FORBIDDEN_KEY', path: `[0].${key}` }),
        );
        expect(result.objects).toEqual([]);
        expect(Object.prototype).not.toHaveProperty('polluted');
        expect(({} as Record<string, unknown>).is_family).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  it('random text never throws', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        expect(() => parseStix(text)).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });
});
