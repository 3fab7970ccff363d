// A policy view projects its whole source collection once and reuses that projection for
// every page of a pull while the collection is unchanged: a write between two pages is
// reflected on the next page (no stale share), the cache is per view and recipient, and each
// page's audit entry still lists exactly that page's objects.

import { TaxiiClient } from '@intelshare/feeds';
import { AuditLog, parseAgreement, TLP2_MARKING_IDS } from '@intelshare/policy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTaxiiHandler,
  hashApiKey,
  MemoryStorage,
  policyView,
  TAXII_MEDIA_TYPE,
} from '../src/index';
import { type RunningServer, serve } from '../src/node/index';
import { projectionStats } from '../src/views/policy-view';
import { indicator, malware, uuidFor } from './support/objects';

const PROVIDER = 'identity--8ce3f695-d5a4-4dc8-9e93-a65af453a31a';
const PARTNER_A = 'identity--03e23f6c-0ac9-4b47-9c84-f718132adb21';
const PARTNER_B = 'identity--5b3c7f5e-1c1a-4f0e-9a57-8f3e2c9d1a44';
const agreement = parseAgreement({
  id: 'mou-cache',
  version: '1.0.0',
  title: 'Cache MoU',
  effective: { from: '2024-01-01T00:00:00Z' },
  purposes: ['detection'],
  parties: [
    { identity: PROVIDER, name: 'CERT', role: 'provider' },
    { identity: PARTNER_A, name: 'Partner A', role: 'recipient' },
    { identity: PARTNER_B, name: 'Partner B', role: 'recipient' },
  ],
  recipients: [
    { match: { identities: [PARTNER_A] }, maxTlp: 'amber' },
    { match: { identities: [PARTNER_B] }, maxTlp: 'green' },
  ],
  unmarkedTlp: 'green',
});
const NOW = Date.parse('2026-03-01T12:00:00.000Z');
const amber = <T extends object>(object: T) => ({
  ...object,
  object_marking_refs: [TLP2_MARKING_IDS['TLP:AMBER']],
});
const red = <T extends object>(object: T) => ({
  ...object,
  object_marking_refs: [TLP2_MARKING_IDS['TLP:RED']],
});
/** Shared with its description removed: a copy stamped with the projection's time. */
const redDescription = <T extends object>(object: T) => ({
  ...object,
  created_by_ref: PROVIDER,
  description: 'internal detail',
  granular_markings: [{ marking_ref: TLP2_MARKING_IDS['TLP:RED'], selectors: ['description'] }],
});
const victim = (n: number) => ({
  type: 'identity',
  spec_version: '2.1',
  id: `identity--${uuidFor(n, 17)}`,
  created: '2024-01-01T00:00:00.000Z',
  modified: '2024-01-01T00:00:00.000Z',
  name: `Hospital ${n}`,
  identity_class: 'organization',
});
const targets = (n: number, source: string, target: string) => ({
  type: 'relationship',
  spec_version: '2.1',
  id: `relationship--${uuidFor(n, 17)}`,
  created: '2024-03-01T00:00:00.000Z',
  modified: '2024-03-01T00:00:00.000Z',
  relationship_type: 'targets',
  source_ref: source,
  target_ref: target,
});

type Stix = { id: string; type: string; modified?: string };

describe('policy view projection cache', () => {
  let server: RunningServer;
  const auditLog = new AuditLog();
  const client = (token: string) =>
    new TaxiiClient({ url: server.url, retry: 0, auth: { type: 'bearer', token } });
  const partnerA = () => client('partner-a-key-0123456789abcdef');
  const partnerB = () => client('partner-b-key-0123456789abcdef');
  const apiRoot = (path: string) => `${server.url}/${path}/`;

  const post = async (collection: string, objects: object[]) => {
    const response = await fetch(`${server.url}/internal/collections/${collection}/objects/`, {
      method: 'POST',
      headers: {
        accept: TAXII_MEDIA_TYPE,
        'content-type': TAXII_MEDIA_TYPE,
        authorization: 'Bearer cert-key-0123456789abcdef',
      },
      body: JSON.stringify({ objects }),
    });
    expect(response.status).toBe(202);
    expect((await response.json()).success_count).toBe(objects.length);
  };
  const pull = async (c: TaxiiClient, root: string, collection: string, limit: number) => {
    const out: Stix[] = [];
    for await (const object of c.objects(apiRoot(root), collection, { limit })) {
      out.push(object as Stix);
    }
    return out;
  };

  beforeAll(async () => {
    const collections = ['steady', 'changing', 'stamped', 'tiered'];
    server = await serve(
      createTaxiiHandler({
        title: 'CERT',
        cursorSecret: 'policy-view-cache-secret-0123456789',
        storage: new MemoryStorage(),
        auth: {
          apiKeys: [
            { principal: 'cert', hash: await hashApiKey('cert-key-0123456789abcdef') },
            { principal: 'a', hash: await hashApiKey('partner-a-key-0123456789abcdef') },
            { principal: 'b', hash: await hashApiKey('partner-b-key-0123456789abcdef') },
          ],
        },
        apiRoots: [
          {
            path: 'internal',
            title: 'Internal',
            collections: collections.map((id) => ({
              id,
              title: id,
              canRead: ['cert'],
              canWrite: ['cert'],
            })),
          },
          {
            path: 'a',
            title: 'Partner A',
            collections: [
              ...['steady', 'changing', 'tiered'].map((id) => ({
                id,
                title: id,
                canRead: ['a'],
                view: policyView({
                  source: id,
                  agreement,
                  recipient: { identity: PARTNER_A },
                  now: () => NOW,
                  ...(id === 'steady' ? { auditLog } : {}),
                }),
              })),
              {
                id: 'stamped',
                title: 'Stamped by the default clock',
                canRead: ['a'],
                view: policyView({
                  source: 'stamped',
                  agreement,
                  recipient: { identity: PARTNER_A },
                }),
              },
            ],
          },
          {
            path: 'b',
            title: 'Partner B',
            collections: [
              {
                id: 'tiered',
                title: 'tiered',
                canRead: ['b'],
                view: policyView({
                  source: 'tiered',
                  agreement,
                  recipient: { identity: PARTNER_B },
                  now: () => NOW,
                }),
              },
            ],
          },
        ],
      }),
      { port: 0, host: '127.0.0.1' },
    );
    // One object per POST, so each has its own date_added and limit 1 pages split them.
    for (let n = 1; n <= 6; n++) await post('steady', [indicator(n, undefined, 21)]);
    await post('steady', [red(malware(1, 21))]);
    for (let n = 1; n <= 3; n++) await post('changing', [indicator(n, undefined, 22)]);
    await post('changing', [victim(1)]);
    await post('changing', [indicator(4, undefined, 22)]);
    await post('changing', [malware(1, 22)]);
    for (let n = 1; n <= 4; n++)
      await post('stamped', [redDescription(indicator(n, undefined, 23))]);
    await post('tiered', [indicator(1, undefined, 24)]);
    await post('tiered', [amber(indicator(2, undefined, 24))]);
    await post('tiered', [malware(1, 24)]);
  });

  afterAll(async () => {
    await server?.close();
  });

  it('projects an unchanged collection once for a whole paged pull, auditing each page', async () => {
    const before = projectionStats.computed;
    const auditedBefore = auditLog.entries().length;
    const pulled = await pull(partnerA(), 'a', 'steady', 1);
    expect(pulled.map((o) => o.id).filter((id) => id.startsWith('indicator--'))).toHaveLength(6);
    expect(pulled.some((o) => o.type === 'malware')).toBe(false);
    expect(projectionStats.computed - before).toBe(1);
    // A second pull of the unchanged collection reuses it too.
    await pull(partnerA(), 'a', 'steady', 3);
    expect(projectionStats.computed - before).toBe(1);
    // Each page's entry lists exactly that page's (one) object.
    const entries = auditLog.entries().slice(auditedBefore) as unknown as {
      decisions: [string, string, string[]][];
    }[];
    const firstPull = entries.slice(0, 7);
    expect(firstPull.map((e) => e.decisions.map((d) => d[0]))).toEqual(
      [1, 2, 3, 4, 5, 6]
        .map((n) => [`indicator--${uuidFor(n, 21)}`])
        .concat([[`malware--${uuidFor(1, 21)}`]]),
    );
  });

  it('reflects a write between two pages: new objects appear, no stale share', async () => {
    const c = partnerA();
    const pulled: Stix[] = [];
    let wrote = false;
    for await (const object of c.objects(apiRoot('a'), 'changing', { limit: 1 })) {
      pulled.push(object as Stix);
      if (!wrote) {
        wrote = true;
        // After the first page: the victim (on a later page) becomes one, indicator 4 (on a
        // later page) gets a newly red-marked version, and a new object is added.
        await post('changing', [
          targets(1, `malware--${uuidFor(1, 22)}`, victim(1).id),
          red({ ...indicator(4, '2024-06-01T00:00:00.000Z', 22) }),
          indicator(5, undefined, 22),
        ]);
      }
    }
    const ids = pulled.map((o) => o.id);
    expect(ids).toContain(`indicator--${uuidFor(5, 22)}`);
    expect(ids).toContain(`malware--${uuidFor(1, 22)}`);
    expect(ids).not.toContain(victim(1).id);
    expect(ids).not.toContain(`indicator--${uuidFor(4, 22)}`);
  });

  it('keeps one stamp time across the pages of a pull with the default clock', async () => {
    const pulled = await pull(partnerA(), 'a', 'stamped', 1);
    const stamps = new Set(pulled.filter((o) => o.type === 'indicator').map((o) => o.modified));
    expect(pulled.filter((o) => o.type === 'indicator')).toHaveLength(4);
    expect(stamps.size).toBe(1);
    expect([...stamps][0]).not.toBe('2024-01-01T00:00:00.000Z');
  });

  it('never gives one recipient another recipient’s projection', async () => {
    const before = projectionStats.computed;
    const a = (await pull(partnerA(), 'a', 'tiered', 1)).map((o) => o.id);
    const b = (await pull(partnerB(), 'b', 'tiered', 1)).map((o) => o.id);
    const amberId = `indicator--${uuidFor(2, 24)}`;
    expect(a).toContain(amberId);
    expect(b).not.toContain(amberId);
    expect(b).toContain(`indicator--${uuidFor(1, 24)}`);
    expect(projectionStats.computed - before).toBe(2);
  });
});
