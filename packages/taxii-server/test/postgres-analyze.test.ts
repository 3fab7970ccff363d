// PostgresStorage.analyze after a bulk import: the table is vacuumed and analyzed, and a page
// at any depth is planned as a range scan of the (collection, added) primary key, so its
// cost does not grow with the depth (keyset paging, TAXII 2.1 §3.4 `added_after`/`next`).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStorage } from '../src/postgres/index';
import { indicator, toNew } from './support/objects';
import { type PostgresServer, startPostgres } from './support/postgres-server';

let postgres: PostgresServer;
let pool: pg.Pool;
beforeAll(async () => {
  postgres = await startPostgres();
  pool = new pg.Pool({ connectionString: postgres.url });
}, 120_000);
afterAll(async () => {
  await pool?.end();
  await postgres?.stop();
});

describe('postgres analyze', () => {
  it('vacuums and analyzes, and pages at 0, 50 and 99 % are primary-key range scans', async () => {
    const storage = new PostgresStorage(pool);
    const objects = Array.from({ length: 20_000 }, (_, i) => toNew(indicator(i)));
    const added: number[] = [];
    for (let i = 0; i < objects.length; i += 5000) {
      for (const r of await storage.addObjects('deep', objects.slice(i, i + 5000)))
        added.push(r.added);
    }
    await storage.analyze();
    const stats = await pool.query<{ vacuumed: boolean; analyzed: boolean }>(
      "SELECT last_vacuum IS NOT NULL AS vacuumed, last_analyze IS NOT NULL AS analyzed FROM pg_stat_user_tables WHERE relname = 'taxii_objects'",
    );
    expect(stats.rows[0]).toEqual({ vacuumed: true, analyzed: true });

    // the statement queryJoinedBodies sends, with the handler's default `match[version]=last`
    const client = await pool.connect();
    try {
      await client.query(
        'PREPARE page(text, bigint, bigint) AS SELECT o.added, o.body FROM taxii_objects o WHERE o.collection = $1 AND o.added > $2 AND (o.is_last) ORDER BY o.added LIMIT $3 + 1',
      );
      for (const depth of [0, 0.5, 0.99]) {
        const after = depth === 0 ? 0 : added[Math.floor(added.length * depth)]!;
        const plan = await client.query<{ 'QUERY PLAN': string }>(
          `EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) EXECUTE page('deep', ${after}, 1000)`,
        );
        const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
        expect(text).toContain('Index Scan using taxii_objects_pkey');
        expect(text).toMatch(/Index Cond: \(\(collection = 'deep'::text\) AND \(added > /);
        expect(text).not.toMatch(/Sort|Seq Scan|Bitmap/);
      }
    } finally {
      client.release();
    }
    const page = await storage.queryJoinedBodies('deep', {
      after: added[19_000]!,
      limit: 1000,
      versions: { all: false, first: false, last: true, keys: [] },
    });
    expect(page).toMatchObject({ count: 999, more: false, last: added.at(-1) });
  }, 120_000);
});
