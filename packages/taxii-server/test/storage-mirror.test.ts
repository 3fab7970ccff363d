// The in-process mirror of a SQLite storage (`mirror` option): pages come from memory, and
// they always equal what the file holds, whichever connection wrote it, deletes included.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { ObjectQuery, VersionSelector } from '../src/index';
import { SqliteStorage } from '../src/sqlite/index';
import { CollectionMirror, type MirrorSource } from '../src/storage/collection-mirror';
import { indicator, malware, toNew } from './support/objects';

const ALL: VersionSelector = { all: true, first: false, last: false, keys: [] };
const LAST: VersionSelector = { all: false, first: false, last: true, keys: [] };
const decoder = new TextDecoder();
const month = (m: number) => `2024-${String(m).padStart(2, '0')}-01T00:00:00.000Z`;

const dir = mkdtempSync(join(tmpdir(), 'taxii-mirror-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let run = 0;
const freshFile = () => join(dir, `m${++run}.db`);

/** A page as comparable text: what a client would get. */
async function pageOf(storage: SqliteStorage, collection: string, query: ObjectQuery) {
  const page = await storage.queryObjects(collection, query);
  const joined = await storage.queryJoinedBodies(collection, query);
  return {
    objects: page.objects.map((o) => ({ ...o, body: decoder.decode(o.body) })),
    more: page.more,
    joined: decoder.decode(joined.bodies),
    count: joined.count,
    first: joined.first,
    last: joined.last,
    joinedMore: joined.more,
  };
}

describe('sqlite storage with a mirror', () => {
  it('serves pages from memory, and sees another connection’s writes at the next read', async () => {
    const file = freshFile();
    const mirrored = new SqliteStorage(file, { mirror: true });
    const plain = new SqliteStorage(file);
    try {
      await plain.addObjects('c', [toNew(indicator(1)), toNew(indicator(2))]);
      expect(await mirrored.loadMirror('c')).toBe(true);
      // Change a stored body behind the storages' backs (no counter moves): the mirrored
      // storage still answers from its copy, the plain one from the file.
      const raw = new Database(file);
      raw
        .prepare(
          "UPDATE taxii_objects SET body = replace(body, 'Indicator 1', 'Edited') WHERE collection = 'c'",
        )
        .run();
      raw.close();
      const query: ObjectQuery = { after: 0, versions: LAST, limit: 10 };
      expect((await pageOf(mirrored, 'c', query)).joined).toContain('Indicator 1');
      expect((await pageOf(plain, 'c', query)).joined).toContain('Edited');
      // A write by the other connection moves the counters: the next read catches up.
      const [added] = await plain.addObjects('c', [toNew(indicator(3))]);
      const after = await mirrored.queryObjects('c', query);
      expect(after.objects.map((o) => o.added)).toContain(added!.added);
      expect(after.objects).toHaveLength(3);
    } finally {
      await mirrored.close();
      await plain.close();
    }
  });

  it('equals the file for any history of adds and deletes by another connection, and any query', async () => {
    type Op =
      | { kind: 'add'; ns: number[]; month: number; malware: boolean }
      | { kind: 'delete'; n: number; which: 'all' | 'first' | 'last' }
      | { kind: 'read' };
    const op: fc.Arbitrary<Op> = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.record({
          kind: fc.constant('add' as const),
          ns: fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 5 }),
          month: fc.integer({ min: 1, max: 12 }),
          malware: fc.boolean(),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('delete' as const),
          n: fc.integer({ min: 0, max: 12 }),
          which: fc.constantFrom('all' as const, 'first' as const, 'last' as const),
        }),
      },
      { weight: 2, arbitrary: fc.constant({ kind: 'read' as const }) },
    );
    const queryArb = fc.record({
      afterIndex: fc.nat(),
      limit: fc.integer({ min: 1, max: 7 }),
      versions: fc.constantFrom<VersionSelector>(
        ALL,
        LAST,
        { all: false, first: true, last: false, keys: [] },
        { all: false, first: true, last: true, keys: [] },
        { all: false, first: false, last: false, keys: [month(3).replace('.000Z', '')] },
      ),
      types: fc.option(fc.constantFrom(['indicator'], ['malware'], ['indicator', 'malware']), {
        nil: undefined,
      }),
      ids: fc.option(fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 3 }), {
        nil: undefined,
      }),
      specVersions: fc.option(fc.constantFrom(['2.1'], ['2.0']), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { minLength: 1, maxLength: 25 }),
        fc.array(queryArb, { minLength: 1, maxLength: 4 }),
        async (ops, queries) => {
          const file = freshFile();
          const writer = new SqliteStorage(file);
          const mirrored = new SqliteStorage(file, { mirror: true });
          const positions = [0];
          const check = async () => {
            for (const q of queries) {
              const query: ObjectQuery = {
                after: positions[q.afterIndex % positions.length]!,
                limit: q.limit,
                versions: q.versions,
                ...(q.types ? { types: q.types } : {}),
                ...(q.ids ? { ids: q.ids.map((n) => indicator(n).id) } : {}),
                ...(q.specVersions ? { specVersions: q.specVersions } : {}),
              };
              expect(await pageOf(mirrored, 'c', query)).toEqual(await pageOf(writer, 'c', query));
            }
          };
          try {
            for (const o of ops) {
              if (o.kind === 'read') await check();
              else if (o.kind === 'add') {
                const objects = o.ns.map((n) =>
                  toNew(
                    o.malware
                      ? { ...malware(n), id: indicator(n).id.replace('indicator', 'malware') }
                      : indicator(n, month(o.month)),
                  ),
                );
                for (const result of await writer.addObjects('c', objects)) {
                  positions.push(result.added);
                }
              } else {
                await writer.deleteObject('c', indicator(o.n).id, {
                  all: o.which === 'all',
                  first: o.which === 'first',
                  last: o.which === 'last',
                  keys: [],
                });
              }
            }
            await check();
          } finally {
            await mirrored.close();
            await writer.close();
          }
        },
      ),
      { numRuns: 60 },
    );
  }, 120_000);

  it('reads a collection that does not fit from the file, and says so', async () => {
    const file = freshFile();
    const small = new SqliteStorage(file, { mirror: { maxBytes: 2000 } });
    const plain = new SqliteStorage(file);
    try {
      await plain.addObjects(
        'big',
        Array.from({ length: 20 }, (_, n) => toNew(indicator(n))),
      );
      await plain.addObjects('tiny', [toNew(indicator(1))]);
      expect(await small.loadMirror('big')).toBe(false);
      // The budget left takes the small collection.
      expect(await small.loadMirror('tiny')).toBe(true);
      const query: ObjectQuery = { after: 0, versions: LAST, limit: 100 };
      expect(await pageOf(small, 'big', query)).toEqual(await pageOf(plain, 'big', query));
      // A collection that grows past the budget is dropped, and read from the file.
      await plain.addObjects(
        'tiny',
        Array.from({ length: 20 }, (_, n) => toNew(indicator(n + 100))),
      );
      expect(await pageOf(small, 'tiny', query)).toEqual(await pageOf(plain, 'tiny', query));
      expect(await small.loadMirror('tiny')).toBe(false);
    } finally {
      await small.close();
      await plain.close();
    }
  });

  it('reads a large collection from the file while it loads, then from memory', async () => {
    const file = freshFile();
    const plain = new SqliteStorage(file);
    const mirrored = new SqliteStorage(file, { mirror: true });
    try {
      // Several of the mirror's reads (5000 versions each).
      for (let i = 0; i < 12_000; i += 3000) {
        await plain.addObjects(
          'large',
          Array.from({ length: 3000 }, (_, k) => toNew(indicator(i + k))),
        );
      }
      const query: ObjectQuery = { after: 0, versions: LAST, limit: 1000 };
      // The first read starts the load and is answered by the file.
      expect(await pageOf(mirrored, 'large', query)).toEqual(await pageOf(plain, 'large', query));
      // A write while it loads is part of the copy once it is ready.
      const [late] = await plain.addObjects('large', [toNew(indicator(99_999))]);
      expect(await mirrored.loadMirror('large')).toBe(true);
      const tail: ObjectQuery = { after: late!.added - 1, versions: LAST, limit: 10 };
      expect((await pageOf(mirrored, 'large', tail)).count).toBe(1);
      let after = 0;
      const seen = new Set<string>();
      for (;;) {
        const page = await mirrored.queryObjects('large', { ...query, after });
        for (const o of page.objects) seen.add(o.id);
        if (!page.more) break;
        after = page.objects.at(-1)!.added;
      }
      expect(seen.size).toBe(12_001);
    } finally {
      await mirrored.close();
      await plain.close();
    }
  }, 60_000);

  it('gives a change marker that moves with another connection’s writes and deletes', async () => {
    const file = freshFile();
    const plain = new SqliteStorage(file);
    const mirrored = new SqliteStorage(file, { mirror: true });
    try {
      await plain.addObjects('c', [toNew(indicator(1)), toNew(indicator(2))]);
      const markers = [await mirrored.changeMarker('c')];
      expect(await mirrored.changeMarker('c')).toBe(markers[0]);
      await plain.addObjects('c', [toNew(indicator(3))]);
      markers.push(await mirrored.changeMarker('c'));
      await plain.deleteObject('c', indicator(1).id, ALL);
      markers.push(await mirrored.changeMarker('c'));
      // the copy was loaded again after the delete, and it no longer holds the object
      markers.push(await mirrored.changeMarker('c'));
      expect(new Set(markers.slice(0, 3)).size).toBe(3);
      const page = await mirrored.queryObjects('c', { after: 0, versions: ALL, limit: 10 });
      expect(page.objects.map((o) => o.id)).toEqual([indicator(2).id, indicator(3).id]);
      expect(await mirrored.changeMarker('c')).toBe(markers.at(-1));
    } finally {
      await mirrored.close();
      await plain.close();
    }
  });
});

describe('a mirror whose collection sees deletes', () => {
  it('waits twice its last load time before loading a dropped collection again', async () => {
    const file = freshFile();
    const storage = new SqliteStorage(file);
    let clock = 1_000_000;
    let reads = 0;
    // The mirror's source over a real file; each read of versions takes 100 ms of the clock.
    const source: MirrorSource = {
      counters: async (collection) => {
        const [lastAdded, deletes] = (await storage.changeMarker(collection))
          .split(':')
          .map(Number);
        return { lastAdded: lastAdded!, deletes: deletes! };
      },
      readSince: async (collection, after, limit) => {
        reads++;
        clock += 100;
        const counters = await source.counters(collection);
        const page = await storage.queryObjects(collection, { after, limit, versions: ALL });
        return { counters, objects: page.objects };
      },
    };
    const mirror = new CollectionMirror(source, { now: () => clock });
    try {
      await storage.addObjects(
        'c',
        [1, 2, 3].map((n) => toNew(indicator(n))),
      );
      expect(await mirror.load('c')).toBe(true);
      expect(reads).toBe(1); // one read of versions: a 100 ms load
      await storage.deleteObject('c', indicator(1).id, ALL);
      // The delete drops the copy; for 200 ms reads go to the database, and nothing is read.
      expect(await mirror.serving('c', 0)).toBeUndefined();
      clock += 150;
      expect(await mirror.serving('c', 0)).toBeUndefined();
      expect(reads).toBe(1);
      // Then a read loads it again, without the deleted version.
      clock += 100;
      const held = await mirror.serving('c', 0);
      expect(reads).toBe(2);
      expect(
        held?.objects({ after: 0, limit: 10, versions: ALL }).objects.map((o) => o.id),
      ).toEqual([indicator(2).id, indicator(3).id]);
      // An explicit load does not wait.
      await storage.deleteObject('c', indicator(2).id, ALL);
      expect(await mirror.serving('c', 0)).toBeUndefined();
      expect(await mirror.load('c')).toBe(true);
      expect(reads).toBe(3);
    } finally {
      mirror.close();
      await storage.close();
    }
  });
});
