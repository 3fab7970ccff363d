// The same hub, started on a PostgreSQL URL instead of the SQLite file: the built server in
// its own process, a real PostgreSQL server, the demo sources over loopback HTTP.
import { readdirSync } from 'node:fs';
import { TaxiiClient } from '@intelshare/feeds';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminSession, waitFor } from './helpers/http-session';
import { freshDatabase, type PostgresServer, startPostgres } from './helpers/postgres';
import {
  EXTERNAL_NETWORK_MARKER,
  type RunningDashboard,
  startDashboard,
} from './helpers/start-dashboard';

let postgres: PostgresServer;
let url: string;
let hub: RunningDashboard;
let admin: AdminSession;

/** The storage block of the shipped config, pointed at PostgreSQL through an environment variable. */
const onPostgres = (yaml: string) =>
  yaml
    .replace(/ {2}sqlite: .*\n/, '  postgres:\n    urlEnv: HUB_TEST_DATABASE_URL\n')
    .replace('generatorIntervalSeconds: 5', 'generatorIntervalSeconds: 3600');

async function allSourcesPolled(session: AdminSession): Promise<true | undefined> {
  const html = await session.text('/sources');
  return (html.match(/data-field="state">ok</g) ?? []).length === 4 ? true : undefined;
}

beforeAll(async () => {
  postgres = await startPostgres();
  url = await freshDatabase(postgres.url, 'hub_http');
  hub = await startDashboard({ editConfig: onPostgres, env: { HUB_TEST_DATABASE_URL: url } });
  admin = await AdminSession.signIn(hub.origin);
  await waitFor('the first poll of every source', () => allSourcesPolled(admin));
}, 180_000);

afterAll(async () => {
  await hub?.stop();
  await postgres?.stop();
});

describe('the hub on PostgreSQL', () => {
  it('keeps everything in the database: no SQLite file, the URL never printed', async () => {
    expect(readdirSync(hub.dataDir).filter((name) => name.includes('sqlite'))).toEqual([]);
    expect(hub.output()).not.toContain(url);
    expect(hub.output()).toMatch(/store: PostgreSQL at 127\.0\.0\.1:\d+\/hub_http_/);
    expect(hub.output()).not.toContain(EXTERNAL_NETWORK_MARKER);
    const pool = new pg.Pool({ connectionString: url });
    try {
      const count = async (table: string) =>
        Number((await pool.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
      expect(await count('hub_indicators')).toBeGreaterThan(20);
      expect(await count('taxii_objects')).toBeGreaterThan(await count('hub_indicators'));
      expect(await count('hub_users')).toBe(1);
      expect(await count('hub_sessions')).toBeGreaterThanOrEqual(1);
    } finally {
      await pool.end();
    }
  });

  it('searches and pages through the indicators as the database orders them', async () => {
    const ids = (html: string) =>
      [...html.matchAll(/href="\/indicators\/(indicator--[^"]+)"/g)].map((m) => m[1]!);
    const pool = new pg.Pool({ connectionString: url });
    let expected: string[];
    let term: string;
    let matching: string[];
    try {
      expected = (
        await pool.query('SELECT id FROM hub_indicators ORDER BY value COLLATE "C", seq')
      ).rows.map((r) => r.id);
      // A substring from the middle of a stored value (from the URLhaus sample).
      const { rows } = await pool.query(
        "SELECT value FROM hub_indicators WHERE source = 'demo-urlhaus' ORDER BY seq LIMIT 1",
      );
      term = String(rows[0].value).slice(8, 16);
      matching = (
        await pool.query(
          `SELECT id FROM hub_indicators WHERE revoked = 0 AND (strpos(lower(value), lower($1)) > 0
             OR strpos(lower(name), lower($1)) > 0 OR strpos(lower(pattern), lower($1)) > 0) ORDER BY seq DESC`,
          [term],
        )
      ).rows.map((r) => r.id);
    } finally {
      await pool.end();
    }
    const all: string[] = [];
    let path = '/indicators?sort=value&limit=25&revoked=include';
    for (let i = 0; i < 100 && path; i++) {
      const html = await admin.text(path);
      all.push(...ids(html));
      const next = /<a href="([^"]+)" rel="next">/.exec(html)?.[1];
      path = next ? next.replace(/&#38;|&amp;/g, '&') : '';
    }
    expect(all).toEqual(expected);
    expect(all.length).toBeGreaterThan(40);

    expect(matching.length).toBeGreaterThan(0);
    const found = ids(
      await admin.text(`/indicators?q=${encodeURIComponent(term.toUpperCase())}&limit=200`),
    );
    expect(found).toEqual(matching);
  });

  it('serves a partner its share with its key, audited in the database, and verifies the chain', async () => {
    const created = await admin.post('/partners/crime-agency', { action: 'create-key' });
    const key = /<code id="new-key">([^<]+)<\/code>/.exec(await created.text())?.[1];
    expect(key).toMatch(/^ish_/);
    const preview = (await (await admin.get('/partners/crime-agency/preview.json')).json()) as {
      objects: { id: string }[];
    };
    const client = new TaxiiClient({ url: hub.origin, auth: { type: 'bearer', token: key! } });
    const pulled: string[] = [];
    for await (const object of client.objects(`${hub.origin}/partner-crime-agency/`, 'shared', {
      limit: 1000,
    }))
      pulled.push((object as { id: string }).id);
    expect(pulled.length).toBeGreaterThan(10);
    expect(pulled.sort()).toEqual(preview.objects.map((o) => o.id).sort());
    // Without the key: refused.
    const anonymous = await fetch(
      `${hub.origin}/partner-crime-agency/collections/shared/objects/`,
      {
        headers: { accept: 'application/taxii+json;version=2.1' },
      },
    );
    expect(anonymous.status).toBe(401);

    const audit = await admin.text('/audit?partner=crime-agency');
    expect(audit).toContain('taxii:partner-crime-agency/shared:partner:crime-agency');
    expect(await (await admin.post('/audit', {})).text()).toMatch(
      /Chain intact: \d+ entries checked/,
    );

    // An entry changed in the database is named by "verify chain".
    const pool = new pg.Pool({ connectionString: url });
    try {
      const { rows } = await pool.query('SELECT entry FROM intelshare_audit WHERE seq = 0');
      const original = rows[0].entry as string;
      const entry = JSON.parse(original);
      entry.counts.share += 1;
      await pool.query('UPDATE intelshare_audit SET entry = $1 WHERE seq = 0', [
        JSON.stringify(entry),
      ]);
      expect(await (await admin.post('/audit', {})).text()).toMatch(/Chain broken at entry 0: /);
      // Put back, so the chain the next tests extend is intact again.
      await pool.query('UPDATE intelshare_audit SET entry = $1 WHERE seq = 0', [original]);
      expect(await (await admin.post('/audit', {})).text()).toMatch(/Chain intact/);
    } finally {
      await pool.end();
    }
  });

  it('restarts on the same database with its users, keys and objects', async () => {
    const total = /<p class="lead">(\d+) objects/.exec(await admin.text('/'))?.[1];
    expect(Number(total)).toBeGreaterThan(20);
    await hub.stop();
    hub = await startDashboard({
      editConfig: onPostgres,
      env: { HUB_TEST_DATABASE_URL: url },
      dataDir: hub.dataDir,
    });
    admin = await AdminSession.signIn(hub.origin);
    expect(/<p class="lead">(\d+) objects/.exec(await admin.text('/'))?.[1]).toBe(total);
    expect(await admin.text('/partners')).toMatch(/<td class="num">1<\/td>/);
  });

  it('runs as two instances on one database: keys and revocations hold on both, pulls on both form one chain', async () => {
    const second = await startDashboard({
      editConfig: onPostgres,
      env: { HUB_TEST_DATABASE_URL: url },
    });
    try {
      const adminB = await AdminSession.signIn(second.origin);
      // A key created on the second instance opens the partner root on the first at once.
      const created = await adminB.post('/partners/water-utility', { action: 'create-key' });
      const key = /<code id="new-key">([^<]+)<\/code>/.exec(await created.text())?.[1];
      expect(key).toMatch(/^ish_/);
      const pull = (origin: string) =>
        fetch(`${origin}/partner-water-utility/collections/shared/objects/?limit=5`, {
          headers: {
            accept: 'application/taxii+json;version=2.1',
            authorization: `Bearer ${key}`,
          },
        });
      // Concurrent reads on both instances, each audited into the one chain.
      const responses = await Promise.all(
        Array.from({ length: 8 }, (_, i) => pull(i % 2 === 0 ? hub.origin : second.origin)),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(8).fill(200));
      expect(await (await adminB.post('/audit', {})).text()).toMatch(
        /Chain intact: \d+ entries checked/,
      );
      const pool = new pg.Pool({ connectionString: url });
      try {
        const { rows } = await pool.query(
          "SELECT count(*) AS n FROM intelshare_audit WHERE entry LIKE '%partner:water-utility%'",
        );
        expect(Number(rows[0].n)).toBeGreaterThanOrEqual(8);
      } finally {
        await pool.end();
      }
      // Revoked on the first instance: refused by the second on its next request.
      const page = await admin.text('/partners/water-utility');
      const keyId = /name="key" value="([^"]+)"/.exec(page)?.[1];
      expect(
        (await admin.post('/partners/water-utility', { action: 'revoke-key', key: keyId! })).status,
      ).toBe(200);
      expect((await pull(second.origin)).status).toBe(401);
      expect((await pull(hub.origin)).status).toBe(401);
    } finally {
      await second.stop();
    }
  });

  it('refuses to start on a database it cannot reach, naming the setting and not the password', async () => {
    const failed = await startDashboard({
      editConfig: onPostgres,
      env: { HUB_TEST_DATABASE_URL: 'postgres://hub:Sup3r-Secret@127.0.0.1:1/hub' },
    }).then(
      async (unexpected) => {
        await unexpected.stop();
        return 'started';
      },
      (error: Error) => error.message,
    );
    expect(failed).toMatch(/exited early with code 1/);
    expect(failed).toMatch(/storage\.postgres: cannot open the store/);
    expect(failed).not.toContain('Sup3r-Secret');
    expect(failed).not.toMatch(/\n\s+at /); // one line, no stack trace
  });
});
