// The hub store's behaviour, run against both implementations (a SQLite file and a real
// PostgreSQL server) on the same data: every query must give the same rows in the same
// order, page for page, so the app behaves the same on either.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AsyncAuditLog, type AuditRecord } from '@intelshare/policy';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IndicatorRow, indicatorQuerySchema } from '../src/hub/indicator-query';
import type { HubStore } from '../src/hub/store/hub-store';
import { PostgresHubStore } from '../src/hub/store/postgres-hub-store';
import { SqliteHubStore } from '../src/hub/store/sqlite-hub-store';
import { freshDatabase, type PostgresServer, startPostgres } from './helpers/postgres';

const N = 500;
const GREEN = 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb';
const RED = 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1';

function indicator(
  n: number,
  modified = `2026-01-01T00:00:${String(n % 60).padStart(2, '0')}.000Z`,
) {
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`,
    created: '2026-01-01T00:00:00.000Z',
    modified,
    // Literal % and _ in some names: they must match themselves only, on both stores.
    name: n % 25 === 0 ? `Indicator ${n} 100%_sure` : `Indicator ${n}`,
    pattern:
      n % 3 === 0
        ? `[ipv4-addr:value = '198.51.100.${n % 250}']`
        : `[domain-name:value = 'host-${n % 50}.Example']`,
    pattern_type: 'stix',
    valid_from: '2026-01-01T00:00:00.000Z',
    ...(n % 11 === 0 ? { valid_until: '2026-02-01T00:00:00.000Z' } : {}),
    ...(n % 7 === 0 ? {} : { confidence: n % 13 }),
    ...(n % 10 === 0 ? { revoked: true } : {}),
    object_marking_refs: [n % 4 === 0 ? RED : GREEN],
  };
}

const objects: Record<string, unknown>[] = [
  ...Array.from({ length: N }, (_, n) => indicator(n)),
  {
    type: 'relationship',
    spec_version: '2.1',
    id: 'relationship--00000000-0000-4000-8000-000000000001',
    created: '2026-01-01T00:00:00.000Z',
    modified: '2026-01-01T00:00:00.000Z',
    relationship_type: 'indicates',
    source_ref: indicator(1).id,
    target_ref: 'malware--00000000-0000-4000-8000-000000000009',
  },
  {
    type: 'malware',
    spec_version: '2.1',
    id: 'malware--00000000-0000-4000-8000-000000000009',
    created: '2026-01-01T00:00:00.000Z',
    modified: '2026-01-01T00:00:00.000Z',
    name: 'Example RAT',
    is_family: true,
  },
  ...[3, 1, 2].map((k) => ({
    type: 'sighting',
    spec_version: '2.1',
    id: `sighting--00000000-0000-4000-8000-00000000000${k}`,
    created: '2026-01-01T00:00:00.000Z',
    modified: '2026-01-01T00:00:00.000Z',
    sighting_of_ref: indicator(1).id,
    count: k,
    ...(k === 3 ? {} : { last_seen: `2026-01-0${k}T00:00:00.000Z` }),
  })),
];

let postgres: PostgresServer;
const stores: Record<'sqlite' | 'postgres', HubStore> = {} as never;
const sqliteFile = join(mkdtempSync(join(tmpdir(), 'hub-store-')), 'store.sqlite');
let postgresUrl: string;
const firstCounts: Record<string, unknown> = {};

beforeAll(async () => {
  postgres = await startPostgres();
  postgresUrl = await freshDatabase(postgres.url);
  stores.sqlite = new SqliteHubStore(sqliteFile);
  stores.postgres = await PostgresHubStore.open(postgresUrl);
  for (const [kind, store] of Object.entries(stores)) {
    // Two batches from two sources; the second repeats ten objects (unchanged) and updates
    // one, and updates another twice in the same batch.
    const first = await store.recordObjects('source-0', objects.slice(0, 250));
    const second = await store.recordObjects('source-1', [
      ...objects.slice(250),
      ...objects.slice(0, 10),
      indicator(20, '2026-03-01T00:00:00.000Z'),
      indicator(21, '2026-03-01T00:00:00.000Z'),
      indicator(21, '2026-04-01T00:00:00.000Z'),
    ]);
    firstCounts[kind] = [first, second];
  }
}, 180_000);

afterAll(async () => {
  await stores.sqlite?.close();
  await stores.postgres?.close();
  await postgres?.stop();
});

/** Every row of a query, following the keyset cursor page by page. */
async function allPages(
  store: HubStore,
  input: Record<string, unknown>,
  limit: number,
): Promise<IndicatorRow[]> {
  const rows: IndicatorRow[] = [];
  let after: string | undefined;
  for (let i = 0; i < 1000; i++) {
    const page = await store.queryIndicators(
      indicatorQuerySchema.parse({ ...input, limit, ...(after ? { after } : {}) }),
      new Date('2026-01-15T00:00:00.000Z'),
    );
    if ('error' in page) throw new Error(page.error);
    rows.push(...page.rows);
    if (!page.next) return rows;
    after = page.next;
  }
  throw new Error('did not end');
}

/** The ids of a query's rows on each store (seq is each store's own, so compare ids). */
async function idsOnBoth(input: Record<string, unknown>, limit: number) {
  return {
    sqlite: (await allPages(stores.sqlite, input, limit)).map((r) => r.id),
    postgres: (await allPages(stores.postgres, input, limit)).map((r) => r.id),
  };
}

const QUERIES: Record<string, unknown>[] = [
  { revoked: 'include' },
  { sort: 'value', revoked: 'include' },
  { sort: 'modified' },
  { sort: 'confidence', revoked: 'include' },
  { sort: 'confidence', minConfidence: 5 },
  { source: 'source-1', minConfidence: 10, sort: 'value' },
  { tlp: 'red', revoked: 'only' },
  { type: 'ipv4-addr', sort: 'value' },
  { validity: 'current', sort: 'modified' },
  { validity: 'expired' },
  { q: 'host-42.ex', revoked: 'include' },
  { q: 'HOST-4', sort: 'value' },
  { q: 'Indicator 49', revoked: 'include' },
  { q: '100%_sure', revoked: 'include' },
  { q: '0%_', revoked: 'include' },
  { q: '" OR host NEAR(', revoked: 'include' },
  // The end of one column and the start of the next: never one match.
  { q: 'ExampleIndicator', revoked: 'include' },
  { q: 'Example\u0001Indicator', revoked: 'include' },
  { q: 'ho', revoked: 'include', sort: 'confidence' },
  { q: '19', sort: 'value', revoked: 'include' },
];

describe('hub store: SQLite and PostgreSQL give the same results', () => {
  it('counts new, updated and unchanged objects the same way', () => {
    expect(firstCounts.sqlite).toEqual([
      { new: 250, updated: 0, unchanged: 0 },
      { new: N - 250 + 5, updated: 3, unchanged: 10 },
    ]);
    expect(firstCounts.postgres).toEqual(firstCounts.sqlite);
  });

  it.each(QUERIES.map((q) => [JSON.stringify(q), q]))(
    'query %s: same rows, same order, pages of 7 equal one page of 200',
    async (_, query) => {
      const whole = await idsOnBoth(query, 200);
      const paged = await idsOnBoth(query, 7);
      expect(paged.sqlite).toEqual(whole.sqlite);
      expect(paged.postgres).toEqual(whole.postgres);
      expect(whole.postgres).toEqual(whole.sqlite);
    },
  );

  it('finds what each query promises (not only the same on both)', async () => {
    for (const store of Object.values(stores)) {
      expect(await allPages(store, { q: 'host-42.ex', revoked: 'include' }, 50)).toHaveLength(
        // host-42 is n % 50 == 42 and n % 3 != 0
        Array.from({ length: N }, (_, n) => n).filter((n) => n % 50 === 42 && n % 3 !== 0).length,
      );
      const literal = await allPages(store, { q: '100%_sure', revoked: 'include' }, 50);
      expect(literal).toHaveLength(N / 25);
      expect(await allPages(store, { q: '" OR host NEAR(', revoked: 'include' }, 50)).toEqual([]);
      expect(await allPages(store, { q: 'ExampleIndicator', revoked: 'include' }, 50)).toEqual([]);
      const confidence = await allPages(store, { sort: 'confidence', revoked: 'include' }, 9);
      const firstNull = confidence.findIndex((r) => r.confidence === null);
      expect(confidence.slice(firstNull).every((r) => r.confidence === null)).toBe(true);
      const updated = (await allPages(store, { revoked: 'include' }, 200)).find(
        (r) => r.id === indicator(21).id,
      );
      expect(updated).toMatchObject({ modified: '2026-04-01T00:00:00.000Z', source: 'source-1' });
    }
  });

  it('refuses forged and mistyped cursors on both', async () => {
    for (const store of Object.values(stores)) {
      expect(
        await store.queryIndicators(indicatorQuerySchema.parse({ after: 'bm90IGEgY3Vyc29y' })),
      ).toEqual({ error: 'after: not a cursor from this list' });
      // A number where the value sort expects text.
      const numberKey = Buffer.from(JSON.stringify([5, 10])).toString('base64url');
      expect(
        await store.queryIndicators(
          indicatorQuerySchema.parse({ sort: 'value', after: numberKey }),
        ),
      ).toEqual({ error: 'after: not a cursor from this list' });
    }
  });

  it('facets, counts, facts, relationships, sightings and the chart agree', async () => {
    const read = async (store: HubStore) => ({
      facets: await store.indicatorFacets(),
      byType: await store.countsBy('type'),
      byTlp: await store.countsBy('tlp'),
      bySource: await store.countsBy('source'),
      total: await store.totalObjects(),
      facts: await store.objectFacts(indicator(21).id),
      missing: await store.objectFacts('indicator--ffffffff-0000-4000-8000-000000000000'),
      relationships: await store.relationshipsOf(indicator(1).id),
      sightings: (await store.sightingsOf(indicator(1).id)).map((s) => s.id),
      summary: await store.indicatorSummary(indicator(3).id),
      chart: (await store.indicatorsAddedOverTime(3_600_000, 4)).map((b) => b.count),
      patterns: (await store.indicatorPatterns(0, 1000)).map((r) => r.id),
    });
    const sqlite = await read(stores.sqlite);
    expect(await read(stores.postgres)).toEqual(sqlite);
    expect(sqlite.facets).toEqual({
      types: ['domain-name', 'ipv4-addr'],
      sources: ['source-0', 'source-1'],
    });
    expect(sqlite.total).toBe(N + 5);
    expect(sqlite.relationships).toEqual([
      {
        id: 'relationship--00000000-0000-4000-8000-000000000001',
        type: 'indicates',
        source: indicator(1).id,
        target: 'malware--00000000-0000-4000-8000-000000000009',
        otherName: 'Example RAT',
        otherType: 'malware',
      },
    ]);
    // Latest last_seen first, the one without last_seen last.
    expect(sqlite.sightings).toEqual(
      [2, 1, 3].map((k) => `sighting--00000000-0000-4000-8000-00000000000${k}`),
    );
    expect(sqlite.chart.reduce((a, b) => a + b, 0)).toBe(N);
    expect(sqlite.patterns).toHaveLength(N);
  });

  it('matches, sources and poll state', async () => {
    for (const store of Object.values(stores)) {
      await store.recordMatch('198.51.100.3', indicator(3).id);
      await store.recordMatch('host-1.example', indicator(1).id);
      expect((await store.recentMatches(5)).map((m) => m.value)).toEqual([
        'host-1.example',
        '198.51.100.3',
      ]);
      await store.ensureSources(['b', 'a']);
      await store.ensureSources(['a']);
      await store.updateSource('a', { lastPollAt: 5, lastError: 'x'.repeat(2000), addPolls: 1 });
      await store.updateSource('a', { addNew: 3, addUpdated: 2, addPolls: 1, lastIssue: 'row 2' });
      await store.updateSource('a', { lastError: null });
      await store.setPollState('a', { cursor: 'c-1', seen: [1, 2] });
      expect(await store.pollState('a')).toEqual({ cursor: 'c-1', seen: [1, 2] });
      expect(await store.pollState('b')).toBeUndefined();
    }
    expect(await stores.postgres.sourceRows()).toEqual(await stores.sqlite.sourceRows());
    expect((await stores.sqlite.sourceRows())[0]).toMatchObject({
      id: 'a',
      last_poll_at: 5,
      last_error: null,
      polls: 2,
      new_count: 3,
      updated_count: 2,
      last_issue: 'row 2',
    });
  });

  it('users, sessions, keys and secrets', async () => {
    for (const store of Object.values(stores)) {
      expect(await store.passwordHash('admin')).toBeUndefined();
      await store.setPasswordHash('admin', 'scrypt$aa$bb');
      await store.createSession('t1', 'admin', 'csrf-1', Date.now() + 60_000);
      await store.createSession('t0', 'admin', 'csrf-0', Date.now() - 1);
      expect(await store.session('t1')).toMatchObject({ username: 'admin', csrf: 'csrf-1' });
      // Expired sessions are removed when a new one starts.
      expect(await store.session('t0')).toBeUndefined();
      await store.setPasswordHash('admin', 'scrypt$cc$dd');
      expect(await store.passwordHash('admin')).toBe('scrypt$cc$dd');
      // A new password ends the user's sessions.
      expect(await store.session('t1')).toBeUndefined();
      await store.createSession('t2', 'admin', 'csrf-2', Date.now() + 60_000);
      await store.deleteSession('t2');
      expect(await store.session('t2')).toBeUndefined();

      await store.insertApiKey({ id: 'k1', partnerId: 'p', hash: 'h1', hint: 'aaaa', created: 1 });
      await store.insertApiKey({ id: 'k2', partnerId: 'p', hash: 'h2', hint: 'bbbb', created: 2 });
      await store.insertApiKey({ id: 'k3', partnerId: 'q', hash: 'h3', hint: 'cccc', created: 3 });
      expect(await store.revokeApiKey('q', 'k1', 10)).toBe(false); // another partner's key
      expect(await store.revokeApiKey('p', 'k1', 10)).toBe(true);
      expect(await store.revokeApiKey('p', 'k1', 11)).toBe(false); // already revoked
      expect(await store.apiKeys('p')).toEqual([
        { id: 'k2', partner_id: 'p', hint: 'bbbb', created: 2, revoked: null },
        { id: 'k1', partner_id: 'p', hint: 'aaaa', created: 1, revoked: 10 },
      ]);
      expect(await store.activeApiKeys()).toEqual([
        { partnerId: 'p', hash: 'h2' },
        { partnerId: 'q', hash: 'h3' },
      ]);
      const first = await store.secret('cursor', () => 'first');
      expect(await store.secret('cursor', () => 'second')).toBe(first);
    }
  });

  it('keeps the audit chain and names an entry changed in the database', async () => {
    const record = (actor: string): AuditRecord => ({
      time: '2026-03-01T00:00:00.000Z',
      actor,
      recipient: 'identity--03e23f6c-0ac9-4b47-9c84-f718132adb21',
      agreement: { id: 'demo', version: '1' },
      inputHash: 'a'.repeat(64),
      outputHash: 'b'.repeat(64),
      counts: { share: 1, 'share-redacted': 0, withhold: 0 },
      decisions: [],
    });
    for (const store of Object.values(stores)) {
      const log = new AsyncAuditLog(store.auditStore, { pageSize: 3 });
      await Promise.all(Array.from({ length: 8 }, (_, i) => log.append(record(`actor-${i}`))));
      expect(await log.verify()).toEqual({ valid: true, checked: 8 });
    }
    const tamper = (text: string) => JSON.stringify({ ...JSON.parse(text), actor: 'mallory' });
    const sqlite = new Database(sqliteFile);
    const row = sqlite.prepare('SELECT entry FROM intelshare_audit WHERE seq = 5').get() as {
      entry: string;
    };
    sqlite.prepare('UPDATE intelshare_audit SET entry = ? WHERE seq = 5').run(tamper(row.entry));
    sqlite.close();
    const pool = new pg.Pool({ connectionString: postgresUrl });
    const { rows } = await pool.query('SELECT entry FROM intelshare_audit WHERE seq = 5');
    await pool.query('UPDATE intelshare_audit SET entry = $1 WHERE seq = 5', [
      tamper(rows[0].entry),
    ]);
    await pool.end();
    for (const store of Object.values(stores)) {
      expect(await new AsyncAuditLog(store.auditStore).verify()).toEqual({
        valid: false,
        checked: 6,
        brokenAt: 5,
        problem: 'entry 5 was changed after it was written',
      });
    }
  });

  it('opens an existing database again without migrating twice', async () => {
    const again = await PostgresHubStore.open(postgresUrl);
    try {
      expect(await again.totalObjects()).toBe(N + 5);
    } finally {
      await again.close();
    }
    const pool = new pg.Pool({ connectionString: postgresUrl });
    const { rows } = await pool.query('SELECT version FROM hub_schema_migrations ORDER BY version');
    await pool.end();
    expect(rows).toEqual([{ version: 1 }, { version: 2 }]);
  });
});
