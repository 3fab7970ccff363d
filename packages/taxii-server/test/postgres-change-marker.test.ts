// PostgresStorage.changeMarker: one primary-key read of the collection's counter row, which
// every write that changes the content moves, whichever instance made it; and a schema made
// before the marker counted deletes gains the column in place.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VersionSelector } from '../src/index';
import { PostgresStorage } from '../src/postgres/index';
import { indicator, toNew } from './support/objects';
import { type PostgresServer, startPostgres } from './support/postgres-server';

const ALL: VersionSelector = { all: true, first: false, last: false, keys: [] };
let postgres: PostgresServer;
let setupPool: pg.Pool;
beforeAll(async () => {
  postgres = await startPostgres();
  setupPool = new pg.Pool({ connectionString: postgres.url });
}, 120_000);
afterAll(async () => {
  await setupPool?.end();
  await postgres?.stop();
});

describe('postgres change marker', () => {
  it('changes on every add and delete by another instance, and only then', async () => {
    const reader = new PostgresStorage(postgres.url);
    const writer = new PostgresStorage(postgres.url);
    try {
      const empty = await reader.changeMarker('m');
      await writer.addObjects('m', [toNew(indicator(1)), toNew(indicator(2))]);
      const afterAdd = await reader.changeMarker('m');
      expect(afterAdd).not.toBe(empty);
      // the same versions again store nothing: same content, same marker
      await writer.addObjects('m', [toNew(indicator(1))]);
      expect(await reader.changeMarker('m')).toBe(afterAdd);
      // a delete that removes nothing changes nothing
      await writer.deleteObject('m', indicator(99).id, ALL);
      expect(await reader.changeMarker('m')).toBe(afterAdd);

      await writer.deleteObject('m', indicator(2).id, ALL);
      const afterDelete = await reader.changeMarker('m');
      expect(afterDelete).not.toBe(afterAdd);
      // deleting and re-adding the same object is still a change each time
      await writer.addObjects('m', [toNew(indicator(2))]);
      const readded = await reader.changeMarker('m');
      expect(new Set([empty, afterAdd, afterDelete, readded]).size).toBe(4);
      // other collections are not affected
      const other = await reader.changeMarker('other');
      await writer.addObjects('m', [toNew(indicator(3))]);
      expect(await reader.changeMarker('other')).toBe(other);
    } finally {
      await reader.close();
      await writer.close();
    }
  });

  it('is one statement on the counter row, not a count of the collection', async () => {
    const pool = new pg.Pool({ connectionString: postgres.url, max: 1 });
    const storage = new PostgresStorage(pool);
    try {
      await storage.addObjects('plan', [toNew(indicator(5))]);
      const sent: string[] = [];
      const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
      (pool as unknown as { query: (...args: unknown[]) => unknown }).query = (...args) => {
        sent.push((args[0] as { text: string }).text);
        return query(...args);
      };
      await storage.changeMarker('plan');
      expect(sent).toHaveLength(1);
      const plan = await setupPool.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN ${sent[0]!.replace('$1', "'plan'")}`,
      );
      const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
      expect(text).toContain('taxii_counters');
      expect(text).not.toContain('taxii_objects');
    } finally {
      await storage.close();
      await pool.end();
    }
  });

  it('adds the delete count to a schema made before it, in place', async () => {
    await setupPool.query('CREATE DATABASE before_marker');
    const url = postgres.url.replace(/\/postgres$/, '/before_marker');
    const old = new pg.Pool({ connectionString: url });
    try {
      // the counter table as earlier versions created it, with a collection in use
      await old.query(
        'CREATE TABLE taxii_counters (collection text PRIMARY KEY, last_added bigint NOT NULL)',
      );
      await old.query("INSERT INTO taxii_counters VALUES ('kept', 1700000000000000)");
      const storage = new PostgresStorage(url);
      try {
        expect(await storage.changeMarker('kept')).toBe('1700000000000000:0');
        await storage.addObjects('kept', [toNew(indicator(1))]);
        const added = await storage.changeMarker('kept');
        await storage.deleteObject('kept', indicator(1).id, ALL);
        expect(await storage.changeMarker('kept')).toBe(`${added.split(':')[0]}:1`);
      } finally {
        await storage.close();
      }
      // opening it again finds the column and leaves it be
      const again = new PostgresStorage(url);
      try {
        await again.ready();
        expect((await again.changeMarker('kept')).endsWith(':1')).toBe(true);
      } finally {
        await again.close();
      }
    } finally {
      await old.end();
    }
  });
});
