// The share preview, page by page (keyset), over a real SQLite store: the pages together are
// what project() of the whole collection gives, byte for byte, and what the partner pulls
// page by page over TAXII from its policy view at the same moment, whatever the page size.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TaxiiClient } from '@intelshare/feeds';
import { compileAgreement, parseAgreement, project, TLP2_MARKING_IDS } from '@intelshare/policy';
import { createTaxiiHandler, hashApiKey, policyView } from '@intelshare/taxii-server';
import { type RunningServer, serve } from '@intelshare/taxii-server/node';
import { SqliteStorage } from '@intelshare/taxii-server/sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SharePreview, SharePreviews } from '../src/hub/share-preview';

const PROVIDER = 'identity--8ce3f695-d5a4-4dc8-9e93-a65af453a31a';
const PARTNER = 'identity--03e23f6c-0ac9-4b47-9c84-f718132adb21';
const OTHER = 'identity--5b3c7f5e-1c1a-4f0e-9a57-8f3e2c9d1a44';
const NOW = Date.parse('2026-03-01T12:00:00.000Z');
const T = '2026-01-10T00:00:00.000Z';
const agreement = compileAgreement(
  parseAgreement({
    id: 'preview-mou',
    version: '1',
    title: 'Preview MoU',
    effective: { from: '2026-01-01T00:00:00Z' },
    purposes: ['detection'],
    parties: [
      { identity: PROVIDER, name: 'Hub', role: 'provider' },
      { identity: PARTNER, name: 'Partner', role: 'recipient' },
    ],
    recipients: [{ match: { identities: [PARTNER] }, maxTlp: 'green' }],
    unmarkedTlp: 'green',
    victimProtection: { identities: 'generalise' },
  }),
);
const partner = { id: 'partner', agreement, recipient: { identity: PARTNER } };
const id = (type: string, n: number) =>
  `${type}--00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const base = (type: string, n: number, creator = PROVIDER) => ({
  type,
  spec_version: '2.1',
  id: id(type, n),
  created: T,
  modified: T,
  created_by_ref: creator,
});
const indicator = (n: number, extra: Record<string, unknown> = {}) => ({
  ...base(
    'indicator',
    n,
    extra.created_by_ref === undefined ? PROVIDER : String(extra.created_by_ref),
  ),
  name: `Indicator ${n}`,
  description: `Internal case ${n}`,
  pattern: `[ipv4-addr:value = '192.0.2.${n}']`,
  pattern_type: 'stix',
  valid_from: T,
  ...extra,
});
const redDescription = {
  granular_markings: [{ marking_ref: TLP2_MARKING_IDS['TLP:RED'], selectors: ['description'] }],
};
const victim = {
  ...base('identity', 1),
  name: 'Hospital of Example Town',
  identity_class: 'organization',
  sectors: ['healthcare'],
};
const malware = { ...base('malware', 2), name: 'Family', is_family: true };
const redMalware = {
  ...base('malware', 3),
  name: 'Secret family',
  is_family: true,
  object_marking_refs: [TLP2_MARKING_IDS['TLP:RED']],
};
const relationship = (n: number, type: string, source: string, target: string) => ({
  ...base('relationship', n),
  relationship_type: type,
  source_ref: source,
  target_ref: target,
});
// References point forward and backward across pages; the victim is named only at the end.
const COLLECTION: Record<string, unknown>[] = [
  victim,
  relationship(10, 'indicates', id('indicator', 20), malware.id),
  relationship(11, 'indicates', id('indicator', 21), redMalware.id),
  relationship(12, 'indicates', id('indicator', 22), malware.id),
  indicator(20),
  indicator(21, redDescription),
  indicator(22, { ...redDescription, created_by_ref: OTHER }),
  redMalware,
  malware,
  {
    ...base('sighting', 30),
    sighting_of_ref: id('indicator', 20),
    where_sighted_refs: [victim.id],
  },
  relationship(13, 'targets', malware.id, victim.id),
];

describe('share preview, paged', () => {
  let dir: string;
  let storage: SqliteStorage;
  let server: RunningServer;
  let previews: SharePreviews;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hub-share-preview-'));
    storage = new SqliteStorage(join(dir, 'store.sqlite'));
    // One object per write, so each has its own `added` and pages split between them.
    for (const object of COLLECTION) {
      const version = String(object.modified);
      await storage.addObjects('all', [
        {
          id: String(object.id),
          type: String(object.type),
          specVersion: '2.1',
          version,
          versionKey: version,
          body: JSON.stringify(object),
        },
      ]);
    }
    previews = new SharePreviews(storage, 'all', {}, () => NOW);
    server = await serve(
      createTaxiiHandler({
        title: 'Hub',
        cursorSecret: 'share-preview-test-secret-0123456789',
        storage,
        auth: {
          apiKeys: [
            { principal: 'partner', hash: await hashApiKey('partner-key-0123456789abcdef') },
          ],
        },
        apiRoots: [
          {
            path: 'internal',
            title: 'Internal',
            collections: [{ id: 'all', title: 'Everything', canRead: ['hub'] }],
          },
          {
            path: 'partner',
            title: 'Partner',
            collections: [
              {
                id: 'shared',
                title: 'Shared',
                canRead: ['partner'],
                view: policyView({
                  source: 'all',
                  agreement,
                  recipient: partner.recipient,
                  now: () => NOW,
                }),
              },
            ],
          },
        ],
      }),
      { port: 0, host: '127.0.0.1' },
    );
  });

  afterAll(async () => {
    await server?.close();
    await storage?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const allPages = async (limit: number) => {
    const pages: SharePreview[] = [];
    let after: number | undefined;
    for (let guard = 0; guard < 100; guard++) {
      const page = await previews.preview(partner, { limit, ...(after ? { after } : {}) });
      pages.push(page);
      if (page.next === undefined) break;
      expect(page.more).toBe(true);
      after = page.next;
    }
    return pages;
  };
  const texts = (objects: readonly unknown[]) =>
    [...new Set(objects.map((object) => JSON.stringify(object)))].sort();
  const whole = project(COLLECTION, agreement, partner.recipient, { now: NOW });

  for (const limit of [1, 3, 1000]) {
    it(`pages of ${limit} together equal project() of the whole collection`, async () => {
      const pages = await allPages(limit);
      expect(pages.reduce((n, page) => n + page.considered, 0)).toBe(COLLECTION.length);
      expect(pages.flatMap((page) => page.decisions)).toEqual(whole.decisions);
      expect(texts(pages.flatMap((page) => page.objects))).toEqual(texts(whole.bundle.objects));
      // What must not leave does not: the victim, the red malware and what needs it.
      const sent = pages.flatMap((page) => page.objects.map((object) => String(object.id)));
      for (const withheld of [victim.id, redMalware.id, id('relationship', 11)])
        expect(sent).not.toContain(withheld);
    });
  }

  it('equals what the partner pulls page by page from its TAXII view at the same moment', async () => {
    const client = new TaxiiClient({
      url: server.url,
      retry: 0,
      auth: { type: 'bearer', token: 'partner-key-0123456789abcdef' },
    });
    const preview = (await allPages(2)).flatMap((page) => page.objects);
    for (const limit of [1, 4]) {
      const pulled: unknown[] = [];
      for await (const object of client.objects(`${server.url}/partner/`, 'shared', { limit }))
        pulled.push(object);
      expect(texts(pulled)).toEqual(texts(preview));
    }
  });

  it('shows the decisions with their reasons for the page asked for', async () => {
    const [first] = await allPages(1);
    // The victim: generalised to its class, and why.
    expect(first!.decisions).toHaveLength(1);
    expect(first!.decisions[0]!.id).toBe(victim.id);
    expect(first!.decisions[0]!.redactions.some((r) => r.action === 'generalise')).toBe(true);
    expect(first!.objects.some((object) => object.identity_class === 'class')).toBe(true);
    const red = (await allPages(1)).find((page) => page.decisions[0]?.id === redMalware.id);
    expect(red?.decisions[0]?.action).toBe('withhold');
    expect(red?.decisions[0]?.reasons.length).toBeGreaterThan(0);
    expect(red?.objects).toEqual([]);
  });
});
