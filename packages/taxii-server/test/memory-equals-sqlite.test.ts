// Differential: MemoryStorage (the structure SQL storages' mirrors are made of) answers every
// page exactly as SqliteStorage does, for any history of adds and deletes (versions of
// shared ids, out-of-order versions, deletes of first/last/all) and any query.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  MemoryStorage,
  type ObjectQuery,
  type TaxiiStorage,
  type VersionSelector,
} from '../src/index';
import { SqliteStorage } from '../src/sqlite/index';
import { indicator, toNew } from './support/objects';

const ALL: VersionSelector = { all: true, first: false, last: false, keys: [] };
const LAST: VersionSelector = { all: false, first: false, last: true, keys: [] };
const FIRST: VersionSelector = { all: false, first: true, last: false, keys: [] };
const decoder = new TextDecoder();
const month = (m: number) => `2024-${String(m).padStart(2, '0')}-01T00:00:00.000Z`;

const dir = mkdtempSync(join(tmpdir(), 'taxii-memory-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let run = 0;

type Op =
  | { kind: 'add'; ns: number[]; month: number }
  | { kind: 'delete'; n: number; which: 'all' | 'first' | 'last' };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('add' as const),
      ns: fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 6 }),
      month: fc.integer({ min: 1, max: 12 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('delete' as const),
      n: fc.integer({ min: 0, max: 9 }),
      which: fc.constantFrom('all' as const, 'first' as const, 'last' as const),
    }),
  },
);

const queryArb = fc.record({
  afterIndex: fc.nat(),
  limit: fc.integer({ min: 1, max: 8 }),
  versions: fc.constantFrom<VersionSelector>(
    ALL,
    LAST,
    FIRST,
    {
      all: false,
      first: true,
      last: true,
      keys: [],
    },
    { all: false, first: false, last: false, keys: [month(4).replace('.000Z', '')] },
  ),
  ids: fc.option(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 3 }), {
    nil: undefined,
  }),
});

/** A page without positions (each storage assigns its own): ids, versions and bodies. */
async function pageOf(storage: TaxiiStorage, query: ObjectQuery) {
  const page = await storage.queryObjects('c', query);
  const joined = await storage.queryJoinedBodies!('c', query);
  return {
    objects: page.objects.map((o) => `${o.id}@${o.versionKey}:${decoder.decode(o.body)}`),
    more: page.more,
    joined: decoder.decode(joined.bodies),
    joinedMore: joined.more,
  };
}

describe('MemoryStorage against SqliteStorage', () => {
  it('answers every query alike after any history of adds and deletes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { minLength: 1, maxLength: 30 }),
        fc.array(queryArb, { minLength: 1, maxLength: 6 }),
        async (ops, queries) => {
          const memory = new MemoryStorage();
          const sqlite = new SqliteStorage(join(dir, `d${++run}.db`));
          // positions[k]: the k-th stored version's `added` in each storage
          const positions: [number, number][] = [[0, 0]];
          try {
            for (const o of ops) {
              if (o.kind === 'add') {
                const objects = o.ns.map((n) => toNew(indicator(n, month(o.month))));
                const a = await memory.addObjects('c', objects);
                const b = await sqlite.addObjects('c', objects);
                expect(a.map((r) => r.inserted)).toEqual(b.map((r) => r.inserted));
                a.forEach((r, i) => {
                  if (r.inserted) positions.push([r.added, b[i]!.added]);
                });
              } else {
                const selector = {
                  all: o.which === 'all',
                  first: o.which === 'first',
                  last: o.which === 'last',
                  keys: [],
                };
                expect(await memory.deleteObject('c', indicator(o.n).id, selector)).toBe(
                  await sqlite.deleteObject('c', indicator(o.n).id, selector),
                );
              }
            }
            for (const q of queries) {
              const [afterMemory, afterSqlite] = positions[q.afterIndex % positions.length]!;
              const base = {
                limit: q.limit,
                versions: q.versions,
                ...(q.ids ? { ids: q.ids.map((n) => indicator(n).id) } : {}),
              };
              expect(await pageOf(memory, { ...base, after: afterMemory })).toEqual(
                await pageOf(sqlite, { ...base, after: afterSqlite }),
              );
            }
          } finally {
            await sqlite.close();
          }
        },
      ),
      { numRuns: 150 },
    );
  }, 120_000);
});
