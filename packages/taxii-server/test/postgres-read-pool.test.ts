// PostgresStorage with a read pool (a read replica): pages come from it, writes go to the
// primary. A second database on the same real server stands in for the replica, so which
// one a read reached is visible in what it returns.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStorage } from '../src/postgres/index';
import { indicator, toNew } from './support/objects';
import { type PostgresServer, startPostgres } from './support/postgres-server';

const ALL = { all: true, first: false, last: false, keys: [] };
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

describe('postgres read pool', () => {
  it('reads pages from the read pool and writes through the primary', async () => {
    await setupPool.query('CREATE DATABASE replica_stand_in');
    const replicaUrl = postgres.url.replace(/\/postgres$/, '/replica_stand_in');
    const replica = new PostgresStorage(replicaUrl);
    await replica.addObjects('r', [toNew(indicator(900))]);

    const storage = new PostgresStorage(postgres.url, { readPool: replicaUrl });
    try {
      await storage.addObjects('r', [toNew(indicator(901))]);
      const page = await storage.queryObjects('r', {
        after: 0,
        limit: 10,
        versions: ALL,
      });
      expect(page.objects.map((o) => o.id)).toEqual([indicator(900).id]);
      const primary = await new PostgresStorage(setupPool).queryObjects('r', {
        after: 0,
        limit: 10,
        versions: ALL,
      });
      expect(primary.objects.map((o) => o.id)).toEqual([indicator(901).id]);
    } finally {
      await storage.close();
      await replica.close();
    }
  });
});
