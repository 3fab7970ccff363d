// List filters are read in one pass over the query and the cursor scope is written without
// building an array. These tests pin both to the rules they replaced, written here the plain
// way (a `get`/`getAll` per name, `JSON.stringify` of the scope array), for generated
// queries: repeated and unknown names, `match[...]` fields an endpoint does not take, bad
// limits and timestamps, comma lists, percent-encoding; the same filters, or the same error.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TaxiiHttpError } from '../src/errors/taxii-http-error';
import { filterScope, type ListFilters, parseListFilters } from '../src/handler/query-params';
import type { VersionSelector } from '../src/storage/taxii-storage';
import { timestampToMicros, versionKey } from '../src/time/timestamps';

const MATCH = /^match\[([a-z_]+)\]$/;
const KNOWN = new Set(['added_after', 'limit', 'next']);
const bad = (description: string) =>
  new TaxiiHttpError(400, 'Invalid query parameter.', description);

function referenceValues(params: URLSearchParams, name: string): string[] | undefined {
  const all = params.getAll(name);
  if (all.length === 0) return undefined;
  const out = all.flatMap((v) => v.split(',')).map((v) => v.trim());
  if (out.length > 100) throw bad(`\`${name}\` takes at most 100 values.`);
  if (out.some((v) => v === '' || v.length > 300))
    throw bad(`\`${name}\` has an empty or over-long value.`);
  return [...new Set(out)].sort();
}

function referenceParse(
  params: URLSearchParams,
  allowed: ReadonlySet<string>,
  limits: { defaultPageSize: number; maxPageSize: number },
  defaultVersion: 'last' | 'all',
): ListFilters {
  for (const key of new Set(params.keys())) {
    const m = MATCH.exec(key);
    if (m && !allowed.has(m[1]!)) throw bad(`\`${key}\` is not supported on this endpoint.`);
    if (!m && KNOWN.has(key) && params.getAll(key).length > 1)
      throw bad(`\`${key}\` is given more than once.`);
  }
  const addedAfterText = params.get('added_after') ?? undefined;
  const addedAfter =
    addedAfterText === undefined ? 0 : timestampToMicros(addedAfterText, 'added_after');
  let limit = Math.min(limits.defaultPageSize, limits.maxPageSize);
  const limitText = params.get('limit');
  if (limitText !== null) {
    if (!/^\d{1,9}$/.test(limitText) || Number(limitText) < 1) {
      throw bad('`limit` must be a positive integer.');
    }
    limit = Math.min(Number(limitText), limits.maxPageSize);
  }
  const versionsText = referenceValues(params, 'match[version]') ?? [defaultVersion];
  const versions: VersionSelector = { all: false, first: false, last: false, keys: [] };
  for (const v of versionsText) {
    if (v === 'all' || v === 'first' || v === 'last') versions[v] = true;
    else {
      const key = versionKey(v);
      if (!key) throw bad('`match[version]` takes `first`, `last`, `all` or STIX timestamps.');
      versions.keys.push(key);
    }
  }
  const specVersions = referenceValues(params, 'match[spec_version]');
  if (specVersions?.some((v) => !/^\d\.\d$/.test(v))) {
    throw bad('`match[spec_version]` takes versions such as `2.1`.');
  }
  const types = referenceValues(params, 'match[type]');
  if (types?.some((t) => !/^[a-z0-9-]+$/.test(t)))
    throw bad('`match[type]` takes STIX type names.');
  return {
    addedAfter,
    addedAfterText,
    limit,
    next: params.get('next') ?? undefined,
    ids: referenceValues(params, 'match[id]'),
    types,
    specVersions,
    versions,
    versionsText,
  };
}

const referenceScope = (filters: ListFilters) =>
  JSON.stringify([
    filters.addedAfter,
    filters.ids ?? null,
    filters.types ?? null,
    filters.specVersions ?? null,
    [...filters.versionsText].sort(),
  ]);

const outcome = (run: () => ListFilters) => {
  try {
    const filters = run();
    return { filters, scope: filterScope(filters) };
  } catch (error) {
    if (!(error instanceof TaxiiHttpError)) throw error;
    return { status: error.status, title: error.title, description: error.description };
  }
};

const name = fc.constantFrom(
  'added_after',
  'limit',
  'next',
  'match[id]',
  'match[type]',
  'match[version]',
  'match[spec_version]',
  'match[foo]',
  'match[Type]',
  'match[]',
  'other',
  'constructor',
  '__proto__',
);
const value = fc.oneof(
  fc.constantFrom(
    '2024-01-31T12:00:00.000Z',
    '2024-02-30T00:00:00Z',
    'first',
    'last',
    'all',
    'first,last',
    '2024-01-31T12:00:00Z,all',
    '2.1',
    '2.1,2.0',
    'x.y',
    'indicator',
    'indicator,malware',
    'Indicator',
    'indicator--0d9d5a4f-6a6c-4b1e-9c84-3c2a4b0b8a1e',
    ' a , b ,a',
    ',',
    '',
    '0',
    '1',
    '50',
    '1000',
    '1001',
    '0001',
    '1234567890',
    '-1',
    '1e3',
    'MTo3.abc',
  ),
  fc.string({ maxLength: 12 }),
  fc
    .array(fc.constantFrom('a', 'b', 'c'), { minLength: 99, maxLength: 102 })
    .map((v) => v.join(',')),
);
const query = fc
  .array(fc.tuple(name, value), { maxLength: 6 })
  .map((pairs) =>
    pairs.map(([n, v]) => `${encodeURIComponent(n)}=${encodeURIComponent(v)}`).join('&'),
  );

describe('list filters', () => {
  it('parse every query to the same filters and scope, or the same error, as before', () => {
    const endpoints: [ReadonlySet<string>, 'last' | 'all'][] = [
      [new Set(['id', 'type', 'version', 'spec_version']), 'last'],
      [new Set(['version', 'spec_version']), 'last'],
      [new Set(['spec_version']), 'all'],
    ];
    fc.assert(
      fc.property(
        query,
        fc.constantFrom(...endpoints),
        fc.record({
          defaultPageSize: fc.integer({ min: 1, max: 2000 }),
          maxPageSize: fc.integer({ min: 1, max: 2000 }),
        }),
        (text, [allowed, defaultVersion], limits) => {
          const expected = outcome(() =>
            referenceParse(new URLSearchParams(text), allowed, limits, defaultVersion),
          );
          const actual = outcome(() =>
            parseListFilters(new URLSearchParams(text), allowed, limits, defaultVersion),
          );
          expect(actual, text).toEqual(expected);
          if ('filters' in expected) expect(actual.scope).toBe(referenceScope(expected.filters));
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('report the first problem in the order the names first appear', () => {
    const allowed = new Set(['type']);
    const limits = { defaultPageSize: 100, maxPageSize: 1000 };
    // `limit` first appears before `match[id]`, so its repetition is what is reported
    const text = 'limit=1&match[id]=x&limit=2';
    expect(() => parseListFilters(new URLSearchParams(text), allowed, limits, 'last')).toThrow(
      '`limit` is given more than once.',
    );
    expect(() => referenceParse(new URLSearchParams(text), allowed, limits, 'last')).toThrow(
      '`limit` is given more than once.',
    );
  });
});
