import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TaxiiClient } from '@intelshare/feeds';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminSession, waitFor } from './helpers/http-session';
import {
  EXTERNAL_NETWORK_MARKER,
  NETWORK_GUARD_ACTIVE_MARKER,
  type RunningDashboard,
  startDashboard,
} from './helpers/start-dashboard';
import { LIVE_MARKUP, XSS_INDICATOR_ID, XSS_MALWARE_ID, xssBundle } from './helpers/xss-corpus';

let hub: RunningDashboard;
let admin: AdminSession;

/** The generator stays quiet here, so the store does not change between a preview and a pull. */
const quietGenerator = (yaml: string) =>
  yaml.replace('generatorIntervalSeconds: 5', 'generatorIntervalSeconds: 3600');

async function allSourcesPolled(session: AdminSession): Promise<true | undefined> {
  const html = await session.text('/sources');
  return (html.match(/data-field="state">ok</g) ?? []).length === 4 ? true : undefined;
}

async function createKey(session: AdminSession, partner: string): Promise<string> {
  const response = await session.post(`/partners/${partner}`, { action: 'create-key' });
  expect(response.status).toBe(200);
  const key = /<code id="new-key">([^<]+)<\/code>/.exec(await response.text())?.[1];
  expect(key).toMatch(/^ish_/);
  return key!;
}

function taxiiFetch(path: string, key?: string): Promise<Response> {
  return fetch(`${hub.origin}${path}`, {
    headers: {
      accept: 'application/taxii+json;version=2.1',
      ...(key ? { authorization: `Bearer ${key}` } : {}),
    },
  });
}

beforeAll(async () => {
  const dir = (await import('node:fs')).mkdtempSync(
    join((await import('node:os')).tmpdir(), 'intelshare-hub-http-'),
  );
  const corpus = join(dir, 'xss-corpus.json');
  writeFileSync(corpus, JSON.stringify(xssBundle()));
  hub = await startDashboard({
    dataDir: dir,
    editConfig: quietGenerator,
    env: { INTELSHARE_EXTRA_DEMO_STIX: corpus },
  });
  admin = await AdminSession.signIn(hub.origin);
  await waitFor('the first poll of every source', () => allSourcesPolled(admin));
});

afterAll(async () => {
  await hub?.stop();
});

describe('sign-in and CSRF', () => {
  it('sends every page to /login without a session, and API routes answer 401', async () => {
    for (const path of [
      '/',
      '/sources',
      '/indicators',
      '/check',
      '/partners',
      '/partners/crime-agency',
      '/audit',
    ]) {
      const response = await fetch(`${hub.origin}${path}`, { redirect: 'manual' });
      expect(response.status, path).toBe(303);
      expect(response.headers.get('location')).toBe(`/login?next=${encodeURIComponent(path)}`);
    }
    expect((await fetch(`${hub.origin}/api/events`)).status).toBe(401);
    expect(
      (await fetch(`${hub.origin}/partners/crime-agency/preview.json`, { redirect: 'manual' }))
        .status,
    ).toBe(401);
  });

  it('refuses a wrong password and does not open a redirect to another site', async () => {
    const wrong = await fetch(`${hub.origin}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { origin: hub.origin, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'username=admin&password=nope',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const offsite = await fetch(`${hub.origin}/login?next=//evil.example/`, {
      method: 'POST',
      redirect: 'manual',
      headers: { origin: hub.origin, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'username=admin&password=test-admin-password-0123',
    });
    expect(offsite.status).toBe(303);
    expect(offsite.headers.get('location')).toBe('/');
  });

  it('rejects a signed-in POST without the CSRF token, with a wrong one, or from another origin', async () => {
    const before = (await admin.text('/partners/crime-agency')).match(/…/g)?.length ?? 0;
    expect(
      (await admin.post('/partners/crime-agency', { action: 'create-key' }, { csrf: false }))
        .status,
    ).toBe(403);
    expect(
      (
        await admin.post(
          '/partners/crime-agency',
          { action: 'create-key' },
          { csrf: 'x'.repeat(32) },
        )
      ).status,
    ).toBe(403);
    const csrf = await admin.csrf();
    expect(
      (
        await admin.post(
          '/partners/crime-agency',
          { action: 'create-key' },
          { csrf, origin: 'http://evil.example' },
        )
      ).status,
    ).toBe(403);
    // None of them created a key.
    expect((await admin.text('/partners/crime-agency')).match(/…/g)?.length ?? 0).toBe(before);
  });

  it('never stores the admin password, session tokens or API keys in clear', async () => {
    const key = await createKey(admin, 'isac-member');
    const db = new Database(join(hub.dataDir, 'store.sqlite'), { readonly: true });
    try {
      const dump = JSON.stringify([
        db.prepare('SELECT * FROM hub_users').all(),
        db.prepare('SELECT * FROM hub_sessions').all(),
        db.prepare('SELECT * FROM hub_api_keys').all(),
      ]);
      expect(dump).not.toContain('test-admin-password-0123');
      expect(dump).not.toContain(key);
      expect(dump).not.toContain(admin.cookie.split('=')[1]);
      expect(dump).toMatch(/scrypt\$/);
    } finally {
      db.close();
    }
    expect(hub.output()).not.toContain(key);
    expect(hub.output()).not.toContain('test-admin-password-0123');
  });
});

describe('ingest through the demo sources', () => {
  it('pulled every demo source over HTTP and stayed on loopback', async () => {
    const html = await admin.text('/');
    for (const source of ['demo-taxii', 'demo-misp', 'demo-urlhaus', 'demo-feodo'])
      expect(html).toContain(source);
    const indicators = await admin.text('/indicators?source=demo-urlhaus&limit=200');
    // The URLhaus sample has 40 rows, each an indicator.
    expect(indicators.match(/<tr>/g)?.length).toBeGreaterThanOrEqual(40);
    expect(hub.output()).toContain(NETWORK_GUARD_ACTIVE_MARKER);
    expect(hub.output()).not.toContain(EXTERNAL_NETWORK_MARKER);
  });

  it('pages through indicators with keyset pagination: every row once, in order', async () => {
    const all: string[] = [];
    let path = '/indicators?sort=value&limit=25&revoked=include';
    for (let i = 0; i < 100 && path; i++) {
      const html = await admin.text(path);
      all.push(...[...html.matchAll(/href="\/indicators\/(indicator--[^"]+)"/g)].map((m) => m[1]!));
      const next = /<a href="([^"]+)" rel="next">/.exec(html)?.[1];
      path = next ? next.replace(/&#38;|&amp;/g, '&') : '';
    }
    const db = new Database(join(hub.dataDir, 'store.sqlite'), { readonly: true });
    const expected = db.prepare('SELECT id FROM hub_indicators ORDER BY value, seq').pluck().all();
    db.close();
    expect(all).toEqual(expected);
  });

  it('answers a bad filter with 400 and says which parameter', async () => {
    const response = await admin.get('/indicators?tlp=purple');
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('tlp:');
  });
});

describe('attacker-controlled strings', () => {
  it('are escaped on every page that shows them', async () => {
    const pages = [
      '/',
      '/sources',
      '/audit',
      '/indicators?q=xss-corpus',
      `/indicators/${XSS_INDICATOR_ID}`,
      `/indicators/${XSS_MALWARE_ID}`,
      '/partners/isac-member?preview=1',
    ];
    for (const path of pages) {
      const html = await admin.text(path);
      for (const live of LIVE_MARKUP) expect(html, `${path} contains ${live}`).not.toMatch(live);
    }
    // ...and they are really on the pages, escaped.
    expect(await admin.text('/indicators?q=xss-corpus')).toContain(
      'xss-corpus &lt;script&gt;alert(&quot;xss-1&quot;)&lt;/script&gt;',
    );
    const detail = await admin.text(`/indicators/${XSS_INDICATOR_ID}`);
    expect(detail).toContain('&lt;img src=x onerror=alert');
    expect(detail).toContain('&#39;&gt;&lt;iframe src=javascript:alert');
    const check = await admin.post('/check', {
      text: `visit http://xss.example/"><svg onload=alert("xss-3")> now`,
    });
    for (const live of LIVE_MARKUP) expect(await check.clone().text()).not.toMatch(live);
  });

  it('sends a content security policy that forbids inline script', async () => {
    const response = await admin.get('/');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
  });
});

describe('check', () => {
  it('extracts a defanged IOC, matches it, and records a sighting', async () => {
    const response = await admin.post('/check', {
      text: 'proxy log: GET hxxp://176.65.139[.]212/eclipse.sh4 200',
    });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toMatch(/[1-9]\d* hits? from/);
    const indicator = /name="indicator" value="(indicator--[^"]+)"/.exec(html)?.[1];
    expect(indicator).toBeTruthy();
    const recorded = await admin.post('/check/sighting', {
      indicator: indicator!,
      value: 'http://176.65.139.212/eclipse.sh4',
    });
    expect(recorded.status).toBe(303);
    const sighting = decodeURIComponent(
      /recorded=([^&]+)/.exec(recorded.headers.get('location') ?? '')?.[1] ?? '',
    );
    expect(sighting).toMatch(/^sighting--/);
    expect(await admin.text(`/indicators/${indicator}`)).toContain(
      'Matched http://176.65.139.212/eclipse.sh4 on the Check page',
    );
  });
});

describe('check with an uploaded log file', () => {
  it('reads the file, refangs, and finds the URLhaus URL', async () => {
    const form = new FormData();
    form.set('csrf', await admin.csrf());
    form.set('text', '');
    form.set(
      'file',
      new Blob(['2026-01-01 10:00:00 proxy GET hxxp://176.65.139[.]212/eclipse.m68k 200\n'], {
        type: 'text/plain',
      }),
      'firewall.log',
    );
    const response = await fetch(`${hub.origin}/check`, {
      method: 'POST',
      headers: { cookie: admin.cookie, origin: hub.origin },
      body: form,
    });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toMatch(/[1-9]\d* hits? from/);
    expect(html).toContain('<code>http://176.65.139.212/eclipse.m68k</code>');
  });
});

describe('partners', () => {
  it('each key reads only its own partner root; no key, a wrong key or a revoked key is refused', async () => {
    const crime = await createKey(admin, 'crime-agency');
    const water = await createKey(admin, 'water-utility');
    expect((await taxiiFetch('/partner-crime-agency/collections/shared/objects/')).status).toBe(
      401,
    );
    expect(
      (await taxiiFetch('/partner-crime-agency/collections/shared/objects/', 'ish_not-a-key'))
        .status,
    ).toBe(401);
    expect(
      (await taxiiFetch('/partner-crime-agency/collections/shared/objects/', crime)).status,
    ).toBe(200);
    for (const path of [
      '/partner-water-utility/',
      '/partner-water-utility/collections/shared/objects/',
    ]) {
      const response = await taxiiFetch(path, crime);
      expect([403, 404], path).toContain(response.status);
    }
    expect(
      (await taxiiFetch('/partner-water-utility/collections/shared/objects/', water)).status,
    ).toBe(200);
    // Discovery names only the caller's own API root; the internal root is never reachable.
    const discovery = (await (await taxiiFetch('/taxii2/', crime)).json()) as {
      api_roots?: string[];
    };
    expect(discovery.api_roots?.map((r) => new URL(r).pathname)).toEqual([
      '/partner-crime-agency/',
    ]);
    expect((await taxiiFetch('/hub/collections/all/objects/', crime)).status).toBe(404);

    const page = await admin.text('/partners/water-utility');
    const keyId = /name="key" value="([^"]+)"/.exec(page)?.[1];
    expect(
      (await admin.post('/partners/water-utility', { action: 'revoke-key', key: keyId! })).status,
    ).toBe(200);
    expect(
      (await taxiiFetch('/partner-water-utility/collections/shared/objects/', water)).status,
    ).toBe(401);
  });

  it('a partner pulls over TAXII exactly what the preview showed, object by object; the pull is audited, the preview is not', async () => {
    const key = await createKey(admin, 'crime-agency');
    const auditBefore =
      (await admin.text('/audit?partner=crime-agency')).match(/<td class="num">\d+<\/td><td>/g)
        ?.length ?? 0;
    const previewedAt = Date.now();
    const preview = (await (await admin.get('/partners/crime-agency/preview.json')).json()) as {
      objects: Record<string, unknown>[];
      decisions: { action: string }[];
    };
    const auditAfterPreview =
      (await admin.text('/audit?partner=crime-agency')).match(/<td class="num">\d+<\/td><td>/g)
        ?.length ?? 0;
    expect(auditAfterPreview).toBe(auditBefore);
    expect(preview.decisions.some((d) => d.action === 'withhold')).toBe(true);
    expect(preview.objects.length).toBeGreaterThan(10);

    const client = new TaxiiClient({ url: hub.origin, auth: { type: 'bearer', token: key } });
    const pulled: Record<string, unknown>[] = [];
    // One page holds the whole collection, so the projection sees what the preview saw.
    for await (const object of client.objects(`${hub.origin}/partner-crime-agency/`, 'shared', {
      limit: 1000,
    }))
      pulled.push(object as Record<string, unknown>);
    const elapsed = Date.now() - previewedAt;
    const got = new Map(pulled.map((o) => [o.id, o]));
    expect([...got.keys()].sort()).toEqual(preview.objects.map((o) => o.id).sort());
    // The projection stamps new versions with its clock (modified, created of derived
    // objects, valid_until from the retention clause): those may differ by the time between
    // preview and pull, and nothing else may differ.
    const CLOCK_FIELDS = new Set(['modified', 'created', 'valid_until']);
    for (const want of preview.objects) {
      const have = got.get(want.id)!;
      for (const field of new Set([...Object.keys(want), ...Object.keys(have)])) {
        if (JSON.stringify(want[field]) === JSON.stringify(have[field])) continue;
        expect(CLOCK_FIELDS.has(field), `${String(want.id)}.${field}`).toBe(true);
        const drift = Date.parse(String(have[field])) - Date.parse(String(want[field]));
        expect(drift, `${String(want.id)}.${field}`).toBeGreaterThanOrEqual(0);
        expect(drift, `${String(want.id)}.${field}`).toBeLessThanOrEqual(elapsed + 1000);
      }
    }

    const audit = await admin.text('/audit?partner=crime-agency');
    expect(audit).toContain('taxii:partner-crime-agency/shared:partner:crime-agency');
    const verified = await admin.post('/audit', {});
    expect(await verified.text()).toMatch(/Chain intact: \d+ entries checked/);
  });

  it('verify chain names the entry that was tampered with', async () => {
    const key = await createKey(admin, 'isac-member');
    await taxiiFetch('/partner-isac-member/collections/shared/objects/?limit=5', key);
    const db = new Database(join(hub.dataDir, 'store.sqlite'));
    try {
      const row = db
        .prepare('SELECT seq, entry FROM intelshare_audit ORDER BY seq LIMIT 1')
        .get() as { seq: number; entry: string };
      const entry = JSON.parse(row.entry) as { counts: { share: number } };
      entry.counts.share += 1;
      db.prepare('UPDATE intelshare_audit SET entry = ? WHERE seq = ?').run(
        JSON.stringify(entry),
        row.seq,
      );
    } finally {
      db.close();
    }
    const html = await (await admin.post('/audit', {})).text();
    expect(html).toMatch(/Chain broken at entry 0: /);
  });
});
