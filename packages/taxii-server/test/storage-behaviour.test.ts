import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStorage, type TaxiiStorage, type VersionSelector } from '../src/index';
import { PostgresStorage } from '../src/postgres/index';
import { SqliteStorage } from '../src/sqlite/index';
import { indicator, malware, toNew } from './support/objects';
import { type PostgresServer, startPostgres } from './support/postgres-server';

const LAST: VersionSelector = { all: false, first: false, last: true, keys: [] };
const FIRST: VersionSelector = { all: false, first: true, last: false, keys: [] };
const ALL: VersionSelector = { all: true, first: false, last: false, keys: [] };

interface Harness {
  open(): Promise<TaxiiStorage>;
  /** A second handle on the same data (another process/instance), when the adapter has one. */
  reopen?(): Promise<TaxiiStorage>;
}

let collectionCounter = 0;
const fresh = () => `c${++collectionCounter}-${Date.now()}`;

async function readAll(
  storage: TaxiiStorage,
  collection: string,
  pageSize: number,
  versions = ALL,
) {
  const seen: string[] = [];
  let after = 0;
  for (;;) {
    const page = await storage.queryObjects(collection, { after, versions, limit: pageSize });
    for (const o of page.objects) seen.push(`${o.id}@${o.version}`);
    if (page.objects.length > 0) after = page.objects.at(-1)!.added;
    if (!page.more) return seen;
  }
}

function behaviour(name: string, harness: () => Harness) {
  describe(`${name} storage`, () => {
    let storage: TaxiiStorage;
    beforeAll(async () => {
      storage = await harness().open();
    });
    afterAll(async () => {
      await storage?.close();
    });

    it('assigns strictly increasing `added` in insertion order and pages by it', async () => {
      const c = fresh();
      const objects = Array.from({ length: 25 }, (_, i) => toNew(indicator(i)));
      const results = await storage.addObjects(c, objects);
      expect(results.every((r) => r.inserted)).toBe(true);
      for (let i = 1; i < results.length; i++) {
        expect(results[i]!.added).toBeGreaterThan(results[i - 1]!.added);
      }
      const page1 = await storage.queryObjects(c, { after: 0, versions: LAST, limit: 10 });
      expect(page1.more).toBe(true);
      expect(page1.objects.map((o) => o.id)).toEqual(objects.slice(0, 10).map((o) => o.id));
      expect(JSON.parse(new TextDecoder().decode(page1.objects[0]!.body))).toEqual(indicator(0));
      // the stored text comes back byte for byte, as UTF-8 (SQLite hands out a Buffer)
      expect(new Uint8Array(page1.objects[0]!.body)).toEqual(
        new TextEncoder().encode(objects[0]!.body),
      );
      const rest = await storage.queryObjects(c, {
        after: page1.objects.at(-1)!.added,
        versions: LAST,
        limit: 100,
      });
      expect(rest.more).toBe(false);
      expect(rest.objects.map((o) => o.id)).toEqual(objects.slice(10).map((o) => o.id));
      // exactly `limit` left: `more` must be false
      const exact = await storage.queryObjects(c, {
        after: page1.objects.at(-1)!.added,
        versions: LAST,
        limit: 15,
      });
      expect(exact.more).toBe(false);
      expect(exact.objects).toHaveLength(15);
    });

    it('stores the same id and version once (idempotent re-POST)', async () => {
      const c = fresh();
      const [first] = await storage.addObjects(c, [toNew(indicator(1))]);
      const again = await storage.addObjects(c, [toNew(indicator(1)), toNew(indicator(1))]);
      expect(again).toEqual([
        { added: first!.added, inserted: false },
        { added: first!.added, inserted: false },
      ]);
      expect(await readAll(storage, c, 10)).toHaveLength(1);
      // duplicates inside one batch are also stored once
      const c2 = fresh();
      const batch = await storage.addObjects(c2, [toNew(indicator(2)), toNew(indicator(2))]);
      expect(batch.map((b) => b.inserted)).toEqual([true, false]);
      expect(batch[1]!.added).toBe(batch[0]!.added);
    });

    it('selects first, last, all and exact versions (TAXII 2.1 §3.4.1)', async () => {
      const c = fresh();
      const versions = [
        '2024-01-01T00:00:00Z',
        '2024-01-01T00:00:00.5Z',
        '2024-03-01T00:00:00.000Z',
      ];
      // insert out of version order to prove selection is by version, not by arrival
      await storage.addObjects(
        c,
        [versions[1]!, versions[2]!, versions[0]!].map((v) => toNew(indicator(7, v))),
      );
      await storage.addObjects(c, [toNew(malware(1))]);
      const pick = async (v: VersionSelector) =>
        (
          await storage.queryObjects(c, { after: 0, versions: v, limit: 50, types: ['indicator'] })
        ).objects.map((o) => o.version);
      expect(await pick(LAST)).toEqual([versions[2]]);
      expect(await pick(FIRST)).toEqual([versions[0]]);
      expect(await pick(ALL)).toEqual([versions[1], versions[2], versions[0]]);
      expect(await pick({ all: false, first: true, last: true, keys: [] })).toEqual([
        versions[2],
        versions[0],
      ]);
      expect(
        await pick({
          all: false,
          first: false,
          last: false,
          keys: ['2024-01-01T00:00:00.500000000'],
        }),
      ).toEqual([versions[1]]);
      expect(
        await pick({
          all: false,
          first: false,
          last: false,
          keys: ['2030-01-01T00:00:00.000000000'],
        }),
      ).toEqual([]);
    });

    it('keeps first/last right as versions arrive in separate batches, in any order', async () => {
      const c = fresh();
      const pick = async (v: VersionSelector) =>
        (await storage.queryObjects(c, { after: 0, versions: v, limit: 50 })).objects.map(
          (o) => o.version,
        );
      await storage.addObjects(c, [toNew(indicator(8, '2024-02-01T00:00:00Z'))]);
      await storage.addObjects(c, [toNew(indicator(8, '2024-04-01T00:00:00Z'))]);
      await storage.addObjects(c, [toNew(indicator(8, '2024-03-01T00:00:00Z')), toNew(malware(8))]);
      expect(await pick(LAST)).toEqual(['2024-04-01T00:00:00Z', malware(8).modified]);
      expect(await pick(FIRST)).toEqual(['2024-02-01T00:00:00Z', malware(8).modified]);
      await storage.addObjects(c, [toNew(indicator(8, '2024-01-01T00:00:00Z'))]);
      expect(await pick(FIRST)).toEqual([malware(8).modified, '2024-01-01T00:00:00Z']);
      expect(await pick(LAST)).toEqual(['2024-04-01T00:00:00Z', malware(8).modified]);
      // spec-version-scoped selection takes the other path in SQL storages
      const scoped = await storage.queryObjects(c, {
        after: 0,
        versions: LAST,
        specVersions: ['2.1'],
        limit: 50,
      });
      expect(scoped.objects.map((o) => o.version)).toEqual([
        '2024-04-01T00:00:00Z',
        malware(8).modified,
      ]);
    });

    it('filters by ids, types, spec versions and `after`', async () => {
      const c = fresh();
      const added = await storage.addObjects(c, [
        toNew(indicator(1)),
        toNew(malware(1)),
        toNew(indicator(2)),
        toNew(malware(2)),
      ]);
      const q = (extra: object) =>
        storage
          .queryObjects(c, { after: 0, versions: LAST, limit: 50, ...extra })
          .then((p) => p.objects.map((o) => o.id));
      expect(await q({ types: ['malware'] })).toEqual([malware(1).id, malware(2).id]);
      expect(await q({ types: ['malware', 'indicator'] })).toHaveLength(4);
      expect(await q({ ids: [indicator(2).id, malware(1).id] })).toEqual([
        malware(1).id,
        indicator(2).id,
      ]);
      expect(await q({ ids: [indicator(2).id], types: ['malware'] })).toEqual([]);
      // a value listed twice is asked for once (`match[id]=x,x`, as SQL's IN reads it)
      expect(await q({ ids: [indicator(2).id, indicator(2).id] })).toEqual([indicator(2).id]);
      expect(await q({ types: ['malware', 'malware'] })).toEqual([malware(1).id, malware(2).id]);
      expect(await q({ specVersions: ['2.0'] })).toEqual([]);
      expect(await q({ specVersions: ['2.1'] })).toHaveLength(4);
      expect(await q({ after: added[1]!.added })).toEqual([indicator(2).id, malware(2).id]);
      expect(
        await storage.queryObjects('never-written', { after: 0, versions: LAST, limit: 5 }),
      ).toEqual({ objects: [], more: false });
    });

    it('deletes selected versions; `last` then falls back to the previous version', async () => {
      const c = fresh();
      await storage.addObjects(c, [
        toNew(indicator(3, '2024-01-01T00:00:00Z')),
        toNew(indicator(3, '2024-02-01T00:00:00Z')),
        toNew(indicator(3, '2024-03-01T00:00:00Z')),
      ]);
      expect(await storage.deleteObject(c, indicator(3).id, LAST)).toBe(1);
      const now = await storage.queryObjects(c, { after: 0, versions: LAST, limit: 5 });
      expect(now.objects.map((o) => o.version)).toEqual(['2024-02-01T00:00:00Z']);
      expect(await storage.deleteObject(c, indicator(3).id, ALL, ['2.0'])).toBe(0);
      expect(await storage.deleteObject(c, indicator(3).id, ALL)).toBe(2);
      expect(await storage.deleteObject(c, indicator(3).id, ALL)).toBe(0);
      expect(await readAll(storage, c, 5)).toEqual([]);
    });

    it('changes the change marker on every add and delete, not on an idempotent re-add', async () => {
      const c = fresh();
      const marker = () => storage.changeMarker!(c);
      const empty = await marker();
      await storage.addObjects(c, [toNew(indicator(4)), toNew(malware(4))]);
      const two = await marker();
      expect(two).not.toBe(empty);
      await storage.addObjects(c, [toNew(indicator(4))]);
      expect(await marker()).toBe(two);
      expect(await storage.deleteObject(c, indicator(4).id, ALL)).toBe(1);
      const one = await marker();
      expect([empty, two]).not.toContain(one);
      // Deleting and adding back the same object leaves as many versions: still another marker.
      await storage.addObjects(c, [toNew(indicator(4))]);
      expect([empty, two, one]).not.toContain(await marker());
    });

    it('stores and loads status resources', async () => {
      const id = crypto.randomUUID();
      await storage.putStatus({ id, apiRoot: 'api', owner: 'alice', body: '{"id":"x"}' });
      expect(await storage.getStatus(id)).toEqual({
        id,
        apiRoot: 'api',
        owner: 'alice',
        body: '{"id":"x"}',
      });
      expect(await storage.getStatus(crypto.randomUUID())).toBeUndefined();
    });

    it('never skips or repeats an object for a reader paging while writers insert', async () => {
      const c = fresh();
      const writers = 4;
      const perWriter = 60;
      const seen = new Map<string, number>();
      let done = false;
      const reader = (async () => {
        let after = 0;
        for (;;) {
          const finished = done;
          const page = await storage.queryObjects(c, { after, versions: ALL, limit: 7 });
          for (const o of page.objects) seen.set(o.id, (seen.get(o.id) ?? 0) + 1);
          if (page.objects.length > 0) after = page.objects.at(-1)!.added;
          if (!page.more && finished) return;
          if (!page.more) await new Promise((r) => setTimeout(r, 1));
        }
      })();
      await Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          for (let i = 0; i < perWriter; i += 3) {
            await storage.addObjects(
              c,
              [0, 1, 2].map((k) => toNew(indicator(i + k, undefined, w + 1))),
            );
          }
        }),
      );
      done = true;
      await reader;
      expect(seen.size).toBe(writers * perWriter);
      expect([...seen.values()].every((n) => n === 1)).toBe(true);
    });

    // Memory storage lives in one process: there is no second handle to open.
    const reopen = harness().reopen;
    if (!reopen) return;
    it('is seen by a second handle on the same data', async () => {
      const c = fresh();
      await storage.addObjects(c, [toNew(indicator(9))]);
      const other = await reopen();
      try {
        const page = await other.queryObjects(c, { after: 0, versions: LAST, limit: 5 });
        expect(page.objects.map((o) => o.id)).toEqual([indicator(9).id]);
        // and writes through the second handle continue after the first one's positions
        const [second] = await other.addObjects(c, [toNew(indicator(10))]);
        const [third] = await storage.addObjects(c, [toNew(indicator(11))]);
        expect(third!.added).toBeGreaterThan(second!.added);
        // A write through either handle changes the marker both read from the data.
        const before = await storage.changeMarker!(c);
        expect(await other.changeMarker!(c)).toBe(before);
        await other.addObjects(c, [toNew(indicator(12))]);
        expect(await storage.changeMarker!(c)).not.toBe(before);
      } finally {
        await other.close();
      }
    });
  });
}

behaviour('memory', () => ({ open: async () => new MemoryStorage() }));

const dir = mkdtempSync(join(tmpdir(), 'taxii-sqlite-'));
const file = join(dir, 'taxii.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
behaviour('sqlite', () => ({
  open: async () => new SqliteStorage(file),
  reopen: async () => new SqliteStorage(file),
}));
// Pages served from the in-process copy must answer exactly as the file does.
const mirroredFile = join(dir, 'mirrored.db');
behaviour('sqlite with a mirror', () => ({
  open: async () => new SqliteStorage(mirroredFile, { mirror: true }),
  reopen: async () => new SqliteStorage(mirroredFile, { mirror: true }),
}));

let server: PostgresServer;
let pool: pg.Pool;
beforeAll(async () => {
  server = await startPostgres();
  pool = new pg.Pool({ connectionString: server.url, max: 10 });
}, 120_000);
afterAll(async () => {
  await pool?.end();
  await server?.stop();
});
behaviour('postgres', () => ({
  open: async () => new PostgresStorage(pool),
  reopen: async () => new PostgresStorage(server.url),
}));
behaviour('postgres with a mirror', () => ({
  open: async () => new PostgresStorage(pool, { mirror: true }),
  reopen: async () => new PostgresStorage(server.url, { mirror: true }),
}));

describe('postgres storage atomicity', () => {
  it('stores nothing of a batch when one row fails', async () => {
    const storage = new PostgresStorage(pool);
    const c = fresh();
    const bad = { ...toNew(indicator(2)), body: 'contains a NUL \u0000 which text columns refuse' };
    await expect(
      storage.addObjects(c, [toNew(indicator(1)), bad, toNew(indicator(3))]),
    ).rejects.toThrow();
    expect((await storage.queryObjects(c, { after: 0, versions: ALL, limit: 10 })).objects).toEqual(
      [],
    );
    // and the collection keeps working afterwards
    await storage.addObjects(c, [toNew(indicator(4))]);
    expect(
      (await storage.queryObjects(c, { after: 0, versions: ALL, limit: 10 })).objects,
    ).toHaveLength(1);
  });
});
