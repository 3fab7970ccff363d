// The SQL storages keep `is_last`/`is_first` per row so that `match[version]=last` (every
// list's default) reads a flag instead of probing the id index per row. Property: after
// any sequence of adds and deletes, first/last/all pages equal the memory storage's, which
// computes the rule from scratch. And a SQLite file written before the flags existed is
// migrated in place and keeps answering.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStorage, type TaxiiStorage, type VersionSelector } from '../src/index';
import { PostgresStorage } from '../src/postgres/index';
import { SqliteStorage } from '../src/sqlite/index';
import { indicator, toNew } from './support/objects';
import { type PostgresServer, startPostgres } from './support/postgres-server';

const selector = (pick: 'all' | 'first' | 'last'): VersionSelector => ({
  all: pick === 'all',
  first: pick === 'first',
  last: pick === 'last',
  keys: [],
});

type Op =
  | { kind: 'add'; items: { id: number; month: number }[] }
  | { kind: 'delete'; id: number; pick: 'all' | 'first' | 'last' };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('add' as const),
      items: fc.array(
        fc.record({ id: fc.integer({ min: 0, max: 5 }), month: fc.integer({ min: 1, max: 9 }) }),
        { minLength: 1, maxLength: 5 },
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('delete' as const),
      id: fc.integer({ min: 0, max: 5 }),
      pick: fc.constantFrom('all' as const, 'first' as const, 'last' as const),
    }),
  },
);

const month = (m: number) => `2024-0${m}-01T00:00:00.000Z`;
const dir = mkdtempSync(join(tmpdir(), 'taxii-flags-'));
let postgres: PostgresServer;
let pgStorage: PostgresStorage;
beforeAll(async () => {
  postgres = await startPostgres();
  pgStorage = new PostgresStorage(postgres.url);
}, 120_000);
afterAll(async () => {
  await pgStorage?.close();
  await postgres?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function view(storage: TaxiiStorage, collection: string) {
  const out: Record<string, string[]> = {};
  for (const pick of ['all', 'first', 'last'] as const) {
    const page = await storage.queryObjects(collection, {
      after: 0,
      limit: 1000,
      versions: selector(pick),
    });
    out[pick] = page.objects.map((o) => `${o.id}@${o.versionKey}`);
  }
  return out;
}

describe('version flags', () => {
  let run = 0;
  for (const kind of ['sqlite', 'postgres'] as const) {
    it(`${kind}: first/last pages equal the memory storage's after adds and deletes`, async () => {
      const sqlite = new SqliteStorage(join(dir, 'flags.db'));
      try {
        await fc.assert(
          fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
            const collection = `c${run++}`;
            const memory = new MemoryStorage();
            const sql: TaxiiStorage = kind === 'sqlite' ? sqlite : pgStorage;
            for (const o of ops) {
              if (o.kind === 'add') {
                const batch = o.items.map((i) => toNew(indicator(i.id, month(i.month))));
                await memory.addObjects(collection, batch);
                await sql.addObjects(collection, batch);
              } else {
                const id = indicator(o.id).id;
                const a = await memory.deleteObject(collection, id, selector(o.pick));
                const b = await sql.deleteObject(collection, id, selector(o.pick));
                expect(b).toBe(a);
              }
              expect(await view(sql, collection)).toEqual(await view(memory, collection));
            }
          }),
          { numRuns: kind === 'sqlite' ? 60 : 25 },
        );
      } finally {
        await sqlite.close();
      }
    });
  }

  it('migrates a SQLite file written before the flags existed', async () => {
    const file = join(dir, 'old.db');
    // The schema as versions before the flags created it (user_version 0).
    const old = new Database(file);
    old.exec(`
      CREATE TABLE taxii_counters (collection TEXT PRIMARY KEY, last_added INTEGER NOT NULL) STRICT;
      CREATE TABLE taxii_objects (
        collection TEXT NOT NULL, added INTEGER NOT NULL, id TEXT NOT NULL, type TEXT NOT NULL,
        spec_version TEXT NOT NULL, version TEXT, version_key TEXT NOT NULL, body TEXT NOT NULL,
        PRIMARY KEY (collection, added)
      ) STRICT, WITHOUT ROWID;
      CREATE UNIQUE INDEX taxii_objects_id ON taxii_objects (collection, id, version_key);
      CREATE INDEX taxii_objects_type ON taxii_objects (collection, type, added);
      CREATE TABLE taxii_statuses (id TEXT PRIMARY KEY, api_root TEXT NOT NULL, owner TEXT NOT NULL, body TEXT NOT NULL) STRICT;
    `);
    const insert = old.prepare('INSERT INTO taxii_objects VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    const rows = [
      indicator(1, month(1)),
      indicator(1, month(3)),
      indicator(1, month(2)),
      // text written by the old code, read back as bytes by the page path
      { ...indicator(2), name: 'Schlüssel 🦀 ключ' },
    ];
    rows.forEach((o, i) => {
      const n = toNew(o);
      insert.run('c', i + 1, n.id, n.type, n.specVersion, n.version, n.versionKey, n.body);
    });
    old.prepare('INSERT INTO taxii_counters VALUES (?, ?)').run('c', rows.length);
    old.close();

    const storage = new SqliteStorage(file);
    try {
      const memory = new MemoryStorage();
      await memory.addObjects('c', rows.map(toNew));
      expect(await view(storage, 'c')).toEqual(await view(memory, 'c'));
      // the objects endpoint's joined page reads the old file byte for byte
      const latest = {
        after: 0,
        versions: { all: false, first: false, last: true, keys: [] },
        limit: 10,
      };
      const joined = await storage.queryJoinedBodies('c', latest);
      expect(joined.count).toBe(2);
      expect(new Uint8Array(joined.bodies)).toEqual(
        new TextEncoder().encode([toNew(rows[1]!).body, toNew(rows[3]!).body].join(',')),
      );
      // and it keeps working for new writes
      await storage.addObjects('c', [toNew(indicator(1, month(4)))]);
      await memory.addObjects('c', [toNew(indicator(1, month(4)))]);
      expect(await view(storage, 'c')).toEqual(await view(memory, 'c'));
    } finally {
      await storage.close();
    }
    // opening it again does not migrate twice
    const again = new SqliteStorage(file);
    expect((await view(again, 'c')).last).toHaveLength(2);
    await again.close();
  });
});
