// PostgresStorage.queryJoinedBodies (what the objects endpoint writes) against a real server:
// for any history of adds and deletes and any filters, the joined page is exactly the bodies
// queryObjects returns, joined by commas, with the same count, bounds and `more`; and a page
// costs one statement.
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObjectQuery, VersionSelector } from '../src/index';
import { PostgresStorage } from '../src/postgres/index';
import { indicator, malware, toNew } from './support/objects';
import { type PostgresServer, startPostgres } from './support/postgres-server';

const NAMES = ['plain', 'Zugriff über Köln', 'ключ', '鍵', 'emoji 🦀🔑', 'quote " and \\ back'];
const ALL: VersionSelector = { all: true, first: false, last: false, keys: [] };

type Op =
  | { kind: 'add'; n: number; month: number; malware: boolean; name: number }
  | { kind: 'delete'; n: number; malware: boolean };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('add' as const),
      n: fc.nat(12),
      month: fc.integer({ min: 1, max: 6 }),
      malware: fc.boolean(),
      name: fc.nat(NAMES.length - 1),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('delete' as const),
      n: fc.nat(12),
      malware: fc.boolean(),
    }),
  },
);

const queryArb = fc.record({
  afterIndex: fc.nat(40),
  limit: fc.integer({ min: 1, max: 9 }),
  versions: fc.record({
    all: fc.boolean(),
    first: fc.boolean(),
    last: fc.boolean(),
    keys: fc.subarray(['20240101000000000000', '20240301000000000000', '20240601000000000000']),
  }),
  types: fc.option(fc.subarray(['indicator', 'malware'], { minLength: 1 }), { nil: undefined }),
  ids: fc.option(fc.subarray([0, 3, 7], { minLength: 1 }), { nil: undefined }),
  specVersions: fc.option(fc.constantFrom(['2.1'], ['2.0']), { nil: undefined }),
});

function objectFor(n: number, isMalware: boolean, month: number, name: number) {
  const modified = `2024-${String(month).padStart(2, '0')}-01T00:00:00.000Z`;
  const base = isMalware ? { ...malware(n), modified } : indicator(n, modified);
  return { ...base, name: `${NAMES[name]} ${n}` };
}

const decoder = new TextDecoder();
let postgres: PostgresServer;
let storage: PostgresStorage;
beforeAll(async () => {
  postgres = await startPostgres();
  storage = new PostgresStorage(postgres.url);
}, 120_000);
afterAll(async () => {
  await storage?.close();
  await postgres?.stop();
});

let collections = 0;

describe('postgres joined pages', () => {
  it('joins exactly the bodies queryObjects returns, for any filters and history', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { minLength: 1, maxLength: 30 }),
        fc.array(queryArb, { minLength: 1, maxLength: 6 }),
        async (ops, queries) => {
          const c = `joined-${++collections}`;
          const added: number[] = [0];
          for (const o of ops) {
            if (o.kind === 'add') {
              const [result] = await storage.addObjects(c, [
                toNew(objectFor(o.n, o.malware, o.month, o.name)),
              ]);
              added.push(result!.added);
            } else {
              const id = o.malware ? malware(o.n).id : indicator(o.n).id;
              await storage.deleteObject(c, id, ALL);
            }
          }
          for (const q of queries) {
            const query: ObjectQuery = {
              after: added[q.afterIndex % added.length]!,
              limit: q.limit,
              versions: q.versions,
              ...(q.types ? { types: q.types } : {}),
              ...(q.ids ? { ids: q.ids.map((n) => indicator(n).id) } : {}),
              ...(q.specVersions ? { specVersions: q.specVersions } : {}),
            };
            const page = await storage.queryObjects(c, query);
            const joined = await storage.queryJoinedBodies(c, query);
            expect(decoder.decode(joined.bodies)).toBe(
              page.objects.map((o) => decoder.decode(o.body)).join(','),
            );
            expect(joined.count).toBe(page.objects.length);
            expect(joined.more).toBe(page.more);
            expect(joined.first).toBe(page.objects[0]?.added ?? 0);
            expect(joined.last).toBe(page.objects.at(-1)?.added ?? 0);
          }
        },
      ),
      { numRuns: 40 },
    );
  }, 120_000);

  it('shares a pool with another storage: each statement name means one text', async () => {
    // One connection, so both storages' prepared statements meet on it.
    const pool = new pg.Pool({ connectionString: postgres.url, max: 1 });
    const first = new PostgresStorage(pool);
    const second = new PostgresStorage(pool);
    try {
      await first.addObjects('shared-pool', [toNew(indicator(1)), toNew(indicator(2))]);
      const query = { after: 0, limit: 1, versions: ALL };
      const joined = await first.queryJoinedBodies('shared-pool', query);
      const page = await second.queryObjects('shared-pool', query);
      expect(decoder.decode(joined.bodies)).toBe(decoder.decode(page.objects[0]!.body));
      expect((await second.queryJoinedBodies('shared-pool', query)).count).toBe(1);
      expect((await first.queryObjects('shared-pool', query)).objects).toHaveLength(1);
    } finally {
      await pool.end();
    }
  });

  it('reads a page, `more` included, with one statement', async () => {
    const pool = new pg.Pool({ connectionString: postgres.url, max: 2 });
    const sent: string[] = [];
    const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
    (pool as unknown as { query: (...args: unknown[]) => unknown }).query = (...args) => {
      const config = args[0];
      sent.push(typeof config === 'string' ? config : (config as { text: string }).text);
      return query(...args);
    };
    const counted = new PostgresStorage(pool);
    try {
      await counted.addObjects(
        'one-trip',
        [0, 1, 2].map((n) => toNew(indicator(n))),
      );
      sent.length = 0;
      const first = await counted.queryJoinedBodies('one-trip', {
        after: 0,
        limit: 2,
        versions: ALL,
      });
      expect(first).toMatchObject({ count: 2, more: true });
      const rest = await counted.queryJoinedBodies('one-trip', {
        after: first.last,
        limit: 2,
        versions: ALL,
      });
      expect(rest).toMatchObject({ count: 1, more: false });
      expect(decoder.decode(rest.bodies)).toBe(JSON.stringify(indicator(2)));
      await counted.queryObjects('one-trip', { after: 0, limit: 2, versions: ALL });
      expect(sent).toHaveLength(3);
      expect(sent.every((text) => text.startsWith('SELECT o.added'))).toBe(true);
    } finally {
      await counted.close();
      await pool.end();
    }
  });
});
