// The in-process mirror of a PostgreSQL storage (`mirror` option), with other instances
// writing to the same database: pages are served without a round trip while change notices
// arrive, other instances' writes and deletes are caught up, a cursor from a fresher
// instance is continued exactly, and a lost notice connection falls back to reading the
// counters on every read.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObjectQuery, VersionSelector } from '../src/index';
import { PostgresStorage } from '../src/postgres/index';
import { indicator, toNew } from './support/objects';
import { type PostgresServer, startPostgres } from './support/postgres-server';

const ALL: VersionSelector = { all: true, first: false, last: false, keys: [] };
const LAST: VersionSelector = { all: false, first: false, last: true, keys: [] };
const decoder = new TextDecoder();

let postgres: PostgresServer;
let admin: pg.Pool;
beforeAll(async () => {
  postgres = await startPostgres();
  admin = new pg.Pool({ connectionString: postgres.url, max: 2 });
}, 120_000);
afterAll(async () => {
  await admin?.end();
  await postgres?.stop();
});

let run = 0;
const fresh = () => `mirror-${++run}`;

/** A pool that counts the statements sent through it. */
function countingPool(): { pool: pg.Pool; sent: () => number } {
  const pool = new pg.Pool({ connectionString: postgres.url, max: 4 });
  let count = 0;
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  (pool as unknown as { query: (...args: unknown[]) => unknown }).query = (...args) => {
    count++;
    return query(...args);
  };
  return { pool, sent: () => count };
}

/** Waits until `check` holds (a change notice is asynchronous); fails after 10 s. */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  const until = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function ids(storage: PostgresStorage, collection: string, query?: Partial<ObjectQuery>) {
  const page = await storage.queryObjects(collection, {
    after: 0,
    versions: LAST,
    limit: 1000,
    ...query,
  });
  return page.objects.map((o) => o.id);
}

/** The notice connection of this database's mirrors, as PostgreSQL lists it. */
async function listenerPids(): Promise<number[]> {
  const result = await admin.query<{ pid: number }>(
    "SELECT pid FROM pg_stat_activity WHERE query LIKE 'LISTEN intelshare_taxii_changes%'",
  );
  return result.rows.map((r) => r.pid);
}

describe('postgres storage with a mirror', () => {
  it('serves pages without a database round trip while notices arrive', async () => {
    const c = fresh();
    const writer = new PostgresStorage(postgres.url);
    const { pool, sent } = countingPool();
    const mirrored = new PostgresStorage(pool, { mirror: true });
    try {
      await writer.addObjects(
        c,
        [1, 2, 3].map((n) => toNew(indicator(n))),
      );
      expect(await mirrored.loadMirror(c)).toBe(true);
      const before = sent();
      // Pages with more after them: from the copy alone.
      for (let i = 0; i < 20; i++) {
        expect(
          (await mirrored.queryJoinedBodies(c, { after: 0, versions: LAST, limit: 2 })).more,
        ).toBe(true);
        expect((await mirrored.queryObjects(c, { after: 0, versions: ALL, limit: 1 })).more).toBe(
          true,
        );
      }
      expect(sent()).toBe(before);
      // A page that reaches the end of the copy checks the counters (one statement).
      expect((await mirrored.queryObjects(c, { after: 0, versions: ALL, limit: 10 })).more).toBe(
        false,
      );
      expect(sent()).toBe(before + 1);
    } finally {
      await mirrored.close();
      await pool.end();
      await writer.close();
    }
  });

  it('catches up with another instance’s adds and deletes', async () => {
    const c = fresh();
    const writer = new PostgresStorage(postgres.url);
    const mirrored = new PostgresStorage(postgres.url, { mirror: true });
    try {
      await writer.addObjects(c, [toNew(indicator(1)), toNew(indicator(2))]);
      expect(await mirrored.loadMirror(c)).toBe(true);
      const [third] = await writer.addObjects(c, [toNew(indicator(3))]);
      // A read from a position past the copy (a cursor another instance issued) catches up
      // before answering, notice or not.
      expect(await ids(mirrored, c, { after: third!.added - 1 })).toEqual([indicator(3).id]);
      await writer.addObjects(c, [toNew(indicator(4))]);
      // A read from the start sees it once the notice arrives.
      await eventually(async () => (await ids(mirrored, c)).includes(indicator(4).id));
      // The change marker reads the counters: it moves at once.
      const marker = await mirrored.changeMarker(c);
      await writer.addObjects(c, [toNew(indicator(5))]);
      expect(await mirrored.changeMarker(c)).not.toBe(marker);
      expect(await ids(mirrored, c)).toContain(indicator(5).id);
      // A delete drops the copy; reads then equal the database again.
      await writer.deleteObject(c, indicator(2).id, ALL);
      await eventually(async () => !(await ids(mirrored, c)).includes(indicator(2).id));
      expect(await ids(mirrored, c)).toEqual(await ids(writer, c));
      expect(await mirrored.loadMirror(c)).toBe(true);
      expect(await ids(mirrored, c)).toEqual(await ids(writer, c));
    } finally {
      await mirrored.close();
      await writer.close();
    }
  });

  it('never answers that nothing more follows while the database holds more, notice or not', async () => {
    const c = fresh();
    const writer = new PostgresStorage(postgres.url);
    const mirrored = new PostgresStorage(postgres.url, { mirror: true });
    try {
      await writer.addObjects(c, [toNew(indicator(1)), toNew(indicator(2))]);
      expect(await mirrored.loadMirror(c)).toBe(true);
      // A write whose notice never comes (the trigger is off for it).
      await admin.query('ALTER TABLE taxii_counters DISABLE TRIGGER taxii_counters_notify');
      try {
        await writer.addObjects(c, [toNew(indicator(3))]);
      } finally {
        await admin.query('ALTER TABLE taxii_counters ENABLE TRIGGER taxii_counters_notify');
      }
      // A page in the middle comes from the copy; the page that would end the collection
      // checks the counters and catches up first.
      const first = await mirrored.queryObjects(c, { after: 0, versions: LAST, limit: 1 });
      expect(first.more).toBe(true);
      const rest = await mirrored.queryJoinedBodies(c, {
        after: first.objects[0]!.added,
        versions: LAST,
        limit: 10,
      });
      expect(rest.more).toBe(false);
      const objects = JSON.parse(`[${decoder.decode(rest.bodies)}]`) as { id: string }[];
      expect(objects.map((o) => o.id)).toEqual([indicator(2).id, indicator(3).id]);
    } finally {
      await mirrored.close();
      await writer.close();
    }
  });

  it('reads the counters on every read while its notice connection is down, and listens again', async () => {
    const c = fresh();
    const writer = new PostgresStorage(postgres.url);
    const { pool, sent } = countingPool();
    const mirrored = new PostgresStorage(pool, { mirror: true });
    try {
      await writer.addObjects(c, [toNew(indicator(1))]);
      expect(await mirrored.loadMirror(c)).toBe(true);
      const [listener] = await listenerPids();
      expect(listener).toBeDefined();
      await admin.query('SELECT pg_terminate_backend($1)', [listener]);
      // Until it listens again, the next read after another instance's write sees it.
      await writer.addObjects(c, [toNew(indicator(2))]);
      expect(await ids(mirrored, c)).toEqual([indicator(1).id, indicator(2).id]);
      // It connects again (a few seconds) and trusts notices again: no statement per read.
      await eventually(async () => {
        const pids = await listenerPids();
        return pids.length === 1 && pids[0] !== listener;
      });
      // (listening again makes every collection catch up once)
      await eventually(async () => {
        const before = sent();
        await ids(mirrored, c, { limit: 1 });
        return sent() === before;
      });
      await writer.addObjects(c, [toNew(indicator(3))]);
      await eventually(async () => (await ids(mirrored, c)).includes(indicator(3).id));
      const before = sent();
      for (let i = 0; i < 10; i++) await ids(mirrored, c, { limit: 1 });
      expect(sent()).toBe(before);
    } finally {
      await mirrored.close();
      await pool.end();
      await writer.close();
    }
  }, 30_000);

  it('gives a reader that pages across two mirrored instances every object exactly once while another writes', async () => {
    const c = fresh();
    const writer = new PostgresStorage(postgres.url);
    const instances = [
      new PostgresStorage(postgres.url, { mirror: true }),
      new PostgresStorage(postgres.url, { mirror: true }),
    ];
    try {
      await writer.addObjects(c, [toNew(indicator(0))]);
      for (const instance of instances) expect(await instance.loadMirror(c)).toBe(true);
      const written: string[] = [indicator(0).id];
      let writing = true;
      const writes = (async () => {
        for (let n = 1; n < 1500; ) {
          const size = 1 + (n % 37);
          const batch = Array.from({ length: size }, (_, k) => toNew(indicator(n + k)));
          await writer.addObjects(c, batch);
          written.push(...batch.map((o) => o.id));
          n += size;
        }
        writing = false;
      })();
      const seen: string[] = [];
      let after = 0;
      let turn = 0;
      for (;;) {
        const instance = instances[turn++ % 2]!;
        const page = await instance.queryJoinedBodies(c, { after, versions: LAST, limit: 23 });
        if (page.count > 0) {
          const objects = JSON.parse(`[${decoder.decode(page.bodies)}]`) as { id: string }[];
          seen.push(...objects.map((o) => o.id));
          after = page.last;
        } else if (!writing && seen.length >= written.length) break;
        else await new Promise((resolve) => setTimeout(resolve, 5));
        if (turn > 20_000) throw new Error('the reader does not finish');
      }
      await writes;
      expect(seen).toEqual(written);
    } finally {
      for (const instance of instances) await instance.close();
      await writer.close();
    }
  }, 60_000);
});
