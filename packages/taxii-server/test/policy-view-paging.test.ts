// A partner pulling a policy view page by page over real HTTP gets, object by object and
// byte for byte, what a one-shot project() of the whole collection gives at the same moment,
// whatever the page size: references to objects on other pages resolve against the
// collection, not the page (a victim named only by a relationship on a later page stays
// protected), and what the agreement withholds stays withheld.

import { TaxiiClient } from '@intelshare/feeds';
import { parseAgreement, project, TLP2_MARKING_IDS } from '@intelshare/policy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTaxiiHandler,
  hashApiKey,
  MemoryStorage,
  policyView,
  TAXII_MEDIA_TYPE,
} from '../src/index';
import { type RunningServer, serve } from '../src/node/index';
import { indicator, malware, uuidFor } from './support/objects';

const PROVIDER = 'identity--8ce3f695-d5a4-4dc8-9e93-a65af453a31a';
const PARTNER = 'identity--03e23f6c-0ac9-4b47-9c84-f718132adb21';
const OTHER = 'identity--5b3c7f5e-1c1a-4f0e-9a57-8f3e2c9d1a44';
const agreement = parseAgreement({
  id: 'mou-paging',
  version: '1.0.0',
  title: 'Paging MoU',
  effective: { from: '2024-01-01T00:00:00Z' },
  purposes: ['detection'],
  parties: [
    { identity: PROVIDER, name: 'CERT', role: 'provider' },
    { identity: PARTNER, name: 'Partner', role: 'recipient' },
  ],
  recipients: [{ match: { identities: [PARTNER] }, maxTlp: 'green' }],
  unmarkedTlp: 'green',
});
const recipient = { identity: PARTNER };
const NOW = Date.parse('2026-03-01T12:00:00.000Z');

const relationship = (n: number, source: string, target: string) => ({
  type: 'relationship',
  spec_version: '2.1',
  id: `relationship--${uuidFor(n, 5)}`,
  created: '2024-03-01T00:00:00.000Z',
  modified: '2024-03-01T00:00:00.000Z',
  relationship_type: 'indicates',
  source_ref: source,
  target_ref: target,
});
const red = <T extends object>(object: T) => ({
  ...object,
  object_marking_refs: [TLP2_MARKING_IDS['TLP:RED']],
});
/** Shared with its description removed: a redacted copy stamped with the projection's time. */
const redDescription = <T extends object>(object: T, creator?: string) => ({
  ...object,
  ...(creator ? { created_by_ref: creator } : {}),
  description: 'internal detail',
  granular_markings: [{ marking_ref: TLP2_MARKING_IDS['TLP:RED'], selectors: ['description'] }],
});

// Relationships come first, so every target is on a later page at small limits.
const i1 = indicator(1, '2024-05-01T00:00:00.000Z', 9);
const i2 = redDescription(indicator(2, '2024-05-01T00:00:00.000Z', 9), PROVIDER);
const i3 = redDescription(indicator(3, '2024-05-01T00:00:00.000Z', 9), OTHER);
const m1 = malware(1, 9);
const m2 = red(malware(2, 9));
const i4 = red(indicator(4, '2024-05-01T00:00:00.000Z', 9));
// A victim: nothing on its own page says so; a `targets` relationship on a later page does.
const victim = {
  type: 'identity',
  spec_version: '2.1',
  id: `identity--${uuidFor(1, 7)}`,
  created: '2024-01-01T00:00:00.000Z',
  modified: '2024-01-01T00:00:00.000Z',
  name: 'Hospital of Example Town',
  identity_class: 'organization',
};
const COLLECTION: Record<string, unknown>[] = [
  victim,
  relationship(1, i1.id, m1.id),
  relationship(2, i2.id, m1.id),
  relationship(3, i3.id, m1.id),
  relationship(4, i1.id, m2.id),
  relationship(5, i4.id, m1.id),
  i1,
  i2,
  i3,
  m2,
  i4,
  m1,
  { ...relationship(6, m1.id, victim.id), relationship_type: 'targets' },
];
const WITHHELD = [
  victim.id,
  m2.id,
  i4.id,
  `relationship--${uuidFor(4, 5)}`,
  `relationship--${uuidFor(5, 5)}`,
];

describe('policy view pulled page by page', () => {
  let server: RunningServer;
  let client: TaxiiClient;
  const apiRoot = () => `${server.url}/partner/`;

  beforeAll(async () => {
    const storage = new MemoryStorage();
    server = await serve(
      createTaxiiHandler({
        title: 'CERT',
        cursorSecret: 'policy-view-paging-secret-0123456789',
        storage,
        auth: {
          apiKeys: [
            { principal: 'cert', hash: await hashApiKey('cert-key-0123456789abcdef') },
            { principal: 'partner', hash: await hashApiKey('partner-key-0123456789abcdef') },
          ],
        },
        apiRoots: [
          {
            path: 'internal',
            title: 'Internal',
            collections: [
              { id: 'internal', title: 'Internal', canRead: ['cert'], canWrite: ['cert'] },
              { id: 'plain', title: 'Nothing to redact', canRead: ['cert'], canWrite: ['cert'] },
            ],
          },
          {
            path: 'partner',
            title: 'Partner',
            collections: [
              {
                id: 'shared',
                title: 'Shared',
                canRead: ['partner'],
                view: policyView({ source: 'internal', agreement, recipient, now: () => NOW }),
              },
              {
                id: 'plain-shared',
                title: 'Shared, nothing redacted',
                canRead: ['partner'],
                view: policyView({ source: 'plain', agreement, recipient, now: () => NOW }),
              },
              {
                id: 'capped',
                title: 'Decided against at most 3 objects',
                canRead: ['partner'],
                view: policyView({ source: 'internal', agreement, recipient, maxSourceObjects: 3 }),
              },
            ],
          },
        ],
      }),
      { port: 0, host: '127.0.0.1' },
    );
    // One object per POST, so each has its own date_added and the pages split between them.
    for (const object of COLLECTION) {
      const response = await fetch(`${server.url}/internal/collections/internal/objects/`, {
        method: 'POST',
        headers: {
          accept: TAXII_MEDIA_TYPE,
          'content-type': TAXII_MEDIA_TYPE,
          authorization: 'Bearer cert-key-0123456789abcdef',
        },
        body: JSON.stringify({ objects: [object] }),
      });
      expect(response.status).toBe(202);
      expect((await response.json()).success_count).toBe(1);
    }
    const plain = await fetch(`${server.url}/internal/collections/plain/objects/`, {
      method: 'POST',
      headers: {
        accept: TAXII_MEDIA_TYPE,
        'content-type': TAXII_MEDIA_TYPE,
        authorization: 'Bearer cert-key-0123456789abcdef',
      },
      body: JSON.stringify({ objects: [i1, m1] }),
    });
    expect((await plain.json()).success_count).toBe(2);
    client = new TaxiiClient({
      url: server.url,
      retry: 0,
      auth: { type: 'bearer', token: 'partner-key-0123456789abcdef' },
    });
  });

  afterAll(async () => {
    await server?.close();
  });

  const oneShot = () =>
    (project(COLLECTION, agreement, recipient, { now: NOW }).bundle.objects as unknown[])
      .map((object) => JSON.stringify(object))
      .sort();

  it('the one-shot projection shares across-page references and withholds the rest', () => {
    const shared = oneShot().map((text) => JSON.parse(text) as { id: string });
    const ids = new Set(shared.map((o) => o.id));
    expect(ids.has(`relationship--${uuidFor(1, 5)}`)).toBe(true);
    expect(ids.has(m1.id)).toBe(true);
    for (const id of WITHHELD) expect(ids.has(id)).toBe(false);
    // i2 (ours) leaves as a new version stamped with the clock; i3 (someone else's) is derived.
    const copy = shared.find((o) => o.id === i2.id) as { modified?: string } | undefined;
    expect(copy?.modified).toBe(new Date(NOW).toISOString());
    expect(ids.has(i3.id)).toBe(false);
  });

  for (const limit of [1, 3, 1000]) {
    it(`a pull at limit ${limit} equals the one-shot projection, byte for byte`, async () => {
      const pulled = new Set<string>();
      for await (const object of client.objects(apiRoot(), 'shared', { limit })) {
        pulled.add(JSON.stringify(object));
      }
      expect([...pulled].sort()).toEqual(oneShot());
      const ids = [...pulled].map((text) => (JSON.parse(text) as { id: string }).id);
      for (const id of WITHHELD) expect(ids).not.toContain(id);
    });
  }

  it('refuses a read rather than deciding against part of a collection too large for it', async () => {
    const response = await fetch(`${apiRoot()}collections/capped/objects/?limit=1`, {
      headers: { accept: TAXII_MEDIA_TYPE, authorization: 'Bearer partner-key-0123456789abcdef' },
    });
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain('indicator--');
  });

  it('sends the agreement marking even when no shared object carries it, as project() does', async () => {
    const pulled = new Set<string>();
    for await (const object of client.objects(apiRoot(), 'plain-shared', { limit: 1 })) {
      pulled.add(JSON.stringify(object));
    }
    const whole = (
      project([i1, m1], agreement, recipient, { now: NOW }).bundle.objects as unknown[]
    )
      .map((object) => JSON.stringify(object))
      .sort();
    expect(whole.some((text) => text.includes('"marking-definition"'))).toBe(true);
    expect([...pulled].sort()).toEqual(whole);
  });
});
