// The policy audit chain in PostgreSQL: two stores on their own pools stand for two hub
// instances appending at the same time; the chain they write together must verify.
import { AsyncAuditLog, type AuditRecord, verifyAuditChain } from '@intelshare/policy';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresAuditStore } from '../src/postgres/index';
import { type PostgresServer, startPostgres } from './support/postgres-server';

let postgres: PostgresServer;
let setupPool: pg.Pool;
let database = 0;
beforeAll(async () => {
  postgres = await startPostgres();
  setupPool = new pg.Pool({ connectionString: postgres.url });
}, 120_000);
afterAll(async () => {
  await setupPool?.end();
  await postgres?.stop();
});

/** A fresh database per test, so chains do not mix. */
async function freshUrl(): Promise<string> {
  const name = `audit_${++database}`;
  await setupPool.query(`CREATE DATABASE ${name}`);
  return postgres.url.replace(/\/postgres$/, `/${name}`);
}

function record(actor: string): AuditRecord {
  return {
    time: '2026-03-01T00:00:00.000Z',
    actor,
    recipient: 'identity--03e23f6c-0ac9-4b47-9c84-f718132adb21',
    agreement: { id: 'demo', version: '1' },
    inputHash: 'a'.repeat(64),
    outputHash: 'b'.repeat(64),
    counts: { share: 1, 'share-redacted': 0, withhold: 0 },
    decisions: [['indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', 'share', ['tlp']]],
  };
}

describe('PostgresAuditStore', () => {
  it('keeps one valid chain when two instances append concurrently', async () => {
    const url = await freshUrl();
    const a = new PostgresAuditStore(url);
    const b = new PostgresAuditStore(url);
    try {
      const logA = new AsyncAuditLog(a);
      const logB = new AsyncAuditLog(b);
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          i % 2 === 0 ? logA.append(record(`a-${i}`)) : logB.append(record(`b-${i}`)),
        ),
      );
      const entries = [];
      for await (const entry of new AsyncAuditLog(a, { pageSize: 7 }).entries())
        entries.push(entry);
      expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i));
      expect(new Set(entries.map((e) => e.actor)).size).toBe(40);
      expect(verifyAuditChain(entries)).toEqual({ valid: true, checked: 40 });
      expect(await logB.verify({ expectedHead: await logA.head() })).toEqual({
        valid: true,
        checked: 40,
      });
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('names the entry an edit in the table broke, and an unreadable row', async () => {
    const url = await freshUrl();
    const store = new PostgresAuditStore(url);
    const pool = new pg.Pool({ connectionString: url });
    try {
      const log = new AsyncAuditLog(store, { pageSize: 2 });
      for (let i = 0; i < 5; i++) await log.append(record(`actor-${i}`));
      const { rows } = await pool.query('SELECT entry FROM intelshare_audit WHERE seq = 3');
      const edited = { ...JSON.parse(rows[0].entry), actor: 'someone else' };
      await pool.query('UPDATE intelshare_audit SET entry = $1 WHERE seq = 3', [
        JSON.stringify(edited),
      ]);
      expect(await log.verify()).toMatchObject({
        valid: false,
        brokenAt: 3,
        problem: 'entry 3 was changed after it was written',
      });
      await pool.query("UPDATE intelshare_audit SET entry = '{not json' WHERE seq = 1");
      expect(await log.verify()).toMatchObject({ valid: false, brokenAt: 1 });
    } finally {
      await pool.end();
      await store.close();
    }
  });

  it('refuses to overwrite an entry and reports the failure as a storage error', async () => {
    const url = await freshUrl();
    const store = new PostgresAuditStore(url);
    try {
      const log = new AsyncAuditLog(store);
      const first = await log.append(record('x'));
      await expect(store.appendNext(() => first)).rejects.toMatchObject({
        code: 'STORAGE_ERROR',
      });
      expect((await log.verify()).checked).toBe(1);
    } finally {
      await store.close();
    }
  });
});
