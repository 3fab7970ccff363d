// A policy view over a SQLite collection decides each page against the whole collection
// without holding it: pulled at any page size it equals project() of the collection byte for
// byte (chains of references across pages, objects of other creators re-identified, victims
// named far away), the collection is scanned once per change for its facts (reading only the
// object types that carry them), and a later page reads what its objects reference, not the
// collection.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TaxiiClient } from '@intelshare/feeds';
import {
  COLLECTION_FACT_TYPES,
  parseAgreement,
  project,
  TLP2_MARKING_IDS,
} from '@intelshare/policy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTaxiiHandler,
  hashApiKey,
  type ObjectQuery,
  policyView,
  type TaxiiStorage,
} from '../src/index';
import { type RunningServer, serve } from '../src/node/index';
import { SqliteStorage } from '../src/sqlite/index';

const PROVIDER = 'identity--8ce3f695-d5a4-4dc8-9e93-a65af453a31a';
const PARTNER = 'identity--03e23f6c-0ac9-4b47-9c84-f718132adb21';
const OTHER = 'identity--5b3c7f5e-1c1a-4f0e-9a57-8f3e2c9d1a44';
const NOW = Date.parse('2026-03-01T12:00:00.000Z');
const T = '2025-06-01T00:00:00.000Z';
const agreement = parseAgreement({
  id: 'mou-collection',
  version: '1',
  title: 'Collection MoU',
  effective: { from: '2025-01-01T00:00:00Z' },
  purposes: ['detection'],
  parties: [
    { identity: PROVIDER, name: 'CERT', role: 'provider' },
    { identity: PARTNER, name: 'Partner', role: 'recipient' },
  ],
  recipients: [{ match: { identities: [PARTNER] }, maxTlp: 'green' }],
  unmarkedTlp: 'green',
  victimProtection: { identities: 'generalise' },
});
const recipient = { identity: PARTNER };
const id = (type: string, n: number) =>
  `${type}--00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const RED = TLP2_MARKING_IDS['TLP:RED'];

/**
 * 300 objects: indicators (one in 4 with a red description, half of those by another
 * creator, so re-identified; one in 9 red), notes on the indicator after them (forward
 * references), reports on the notes (chains across pages), and victims named by `targets`
 * relationships at the end of the collection.
 */
function collection(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [
    {
      type: 'identity',
      spec_version: '2.1',
      id: OTHER,
      created: T,
      modified: T,
      name: 'Vendor',
      identity_class: 'organization',
    },
  ];
  const base = (type: string, n: number, creator = PROVIDER) => ({
    type,
    spec_version: '2.1',
    id: id(type, n),
    created: T,
    modified: T,
    created_by_ref: creator,
  });
  for (let n = 0; n < 60; n++) {
    out.push({
      ...base('identity', n),
      name: `Clinic ${n}`,
      identity_class: 'organization',
      sectors: [n % 2 ? 'healthcare' : 'education'],
    });
  }
  for (let n = 0; n < 120; n++) {
    const redacted = n % 4 === 0;
    out.push({
      ...base('indicator', n, redacted && n % 8 === 0 ? OTHER : PROVIDER),
      name: `Indicator ${n}`,
      description: `Case ${n}`,
      pattern: `[ipv4-addr:value = '198.51.100.${n}']`,
      pattern_type: 'stix',
      valid_from: T,
      ...(n % 9 === 0 ? { object_marking_refs: [RED] } : {}),
      ...(redacted
        ? { granular_markings: [{ marking_ref: RED, selectors: ['description'] }] }
        : {}),
    });
    out.push({
      ...base('note', n, n % 3 === 0 ? OTHER : PROVIDER),
      content: `About indicator ${n + 1}`,
      object_refs: [id('indicator', (n + 1) % 120)],
    });
  }
  for (let n = 0; n < 20; n++) {
    out.push({
      ...base('report', n),
      name: `Report ${n}`,
      published: T,
      object_refs: [id('note', n * 6), id('note', n * 6 + 1), id('report', (n + 1) % 20)],
    });
  }
  for (let n = 0; n < 60; n += 3) {
    out.push({
      ...base('relationship', n),
      relationship_type: 'targets',
      source_ref: id('indicator', n),
      target_ref: id('identity', n),
    });
  }
  return out;
}

/** The storage, counting what each read returns. */
class CountingStorage {
  scanned = 0;
  byId = 0;
  constructor(readonly inner: TaxiiStorage) {}
  wrap(): TaxiiStorage {
    return new Proxy(this.inner, {
      get: (target, key, receiver) => {
        if (key === 'queryObjects') {
          return async (collection: string, query: ObjectQuery) => {
            const page = await target.queryObjects(collection, query);
            if (collection === 'internal') {
              if (query.ids) this.byId += page.objects.length;
              // The facts scan reads the whole collection in chunks of 1000.
              else if (query.limit === 1000) this.scanned += page.objects.length;
            }
            return page;
          };
        }
        const value = Reflect.get(target, key, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }
}

// Also over the storage's in-process mirror: the view reads the same objects from memory.
describe.each([
  ['', false],
  [' (mirrored in memory)', true],
])('policy view over a SQLite collection%s, decided without holding it', (_name, mirror) => {
  const objects = collection();
  let dir: string;
  let sqlite: SqliteStorage;
  let counting: CountingStorage;
  let server: RunningServer;
  let client: TaxiiClient;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'policy-view-collection-'));
    sqlite = new SqliteStorage(join(dir, 'store.sqlite'), { mirror });
    for (const object of objects) {
      await sqlite.addObjects('internal', [
        {
          id: String(object.id),
          type: String(object.type),
          specVersion: '2.1',
          version: T,
          versionKey: T,
          body: JSON.stringify(object),
        },
      ]);
    }
    counting = new CountingStorage(sqlite);
    server = await serve(
      createTaxiiHandler({
        title: 'CERT',
        cursorSecret: 'policy-view-collection-secret-0123456789',
        storage: counting.wrap(),
        auth: {
          apiKeys: [
            { principal: 'partner', hash: await hashApiKey('partner-key-0123456789abcdef') },
          ],
        },
        apiRoots: [
          {
            path: 'internal',
            title: 'Internal',
            collections: [{ id: 'internal', title: 'Internal', canRead: ['cert'] }],
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
            ],
          },
        ],
      }),
      { port: 0, host: '127.0.0.1' },
    );
    client = new TaxiiClient({
      url: server.url,
      retry: 0,
      auth: { type: 'bearer', token: 'partner-key-0123456789abcdef' },
    });
  });

  afterAll(async () => {
    await server?.close();
    await sqlite?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const oneShot = project(objects, agreement, recipient, { now: NOW });
  const texts = (list: readonly unknown[]) =>
    [...new Set(list.map((object) => JSON.stringify(object)))].sort();

  it('the collection exercises what crosses pages', () => {
    const actions = new Set(oneShot.decisions.map((d) => d.action));
    expect(actions).toEqual(new Set(['share', 'share-redacted', 'withhold']));
    // Re-identified copies (another creator), victims generalised, references rewritten.
    expect(oneShot.decisions.some((d) => d.redactions.some((r) => r.rule === 'versioning'))).toBe(
      true,
    );
    expect(oneShot.bundle.objects.some((o) => o.identity_class === 'class')).toBe(true);
    expect(
      oneShot.decisions.some((d) => d.redactions.some((r) => r.action === 'rewrite' && r.path)),
    ).toBe(true);
  });

  for (const limit of [1, 7, 50, 1000]) {
    it(`a pull at limit ${limit} equals project() of the collection, byte for byte`, async () => {
      const pulled: unknown[] = [];
      for await (const object of client.objects(`${server.url}/partner/`, 'shared', { limit }))
        pulled.push(object);
      expect(texts(pulled)).toEqual(texts(oneShot.bundle.objects));
    });
  }

  it('scans the collection once per change, and a later page reads what it references', async () => {
    const page = () =>
      fetch(`${server.url}/partner/collections/shared/objects/?limit=10`, {
        headers: {
          accept: 'application/taxii+json;version=2.1',
          authorization: 'Bearer partner-key-0123456789abcdef',
        },
      });
    // The pulls above prepared the projection: another page reuses it (no scan).
    let scanned = counting.scanned;
    const byId = counting.byId;
    expect((await page()).status).toBe(200);
    expect(counting.scanned - scanned).toBe(0);
    // By id: the page's objects, what they reference (transitively) and the victims,
    // far fewer than the collection.
    const read = counting.byId - byId;
    expect(read).toBeGreaterThan(0);
    expect(read).toBeLessThan(objects.length / 2);
    // A write changes the marker: the next page scans the collection again, once.
    await sqlite.addObjects('internal', [
      {
        id: id('indicator', 999),
        type: 'indicator',
        specVersion: '2.1',
        version: T,
        versionKey: T,
        body: JSON.stringify({
          ...objects.find((o) => o.type === 'indicator')!,
          id: id('indicator', 999),
        }),
      },
    ]);
    scanned = counting.scanned;
    expect((await page()).status).toBe(200);
    // Only the objects that carry the collection's facts are read (not the new indicator).
    const factTypes = new Set(COLLECTION_FACT_TYPES);
    expect(counting.scanned - scanned).toBe(
      objects.filter((o) => factTypes.has(String(o.type))).length,
    );
    scanned = counting.scanned;
    expect((await page()).status).toBe(200);
    expect(counting.scanned - scanned).toBe(0);
  });
});

describe('policy view, a write while a page is decided', () => {
  it('decides the page again, so what it references is never newer than the facts', async () => {
    const { MemoryStorage } = await import('../src/index');
    const memory = new MemoryStorage();
    const victim = {
      type: 'identity',
      spec_version: '2.1',
      id: id('identity', 500),
      created: T,
      modified: T,
      name: 'Clinic that becomes a victim',
      identity_class: 'organization',
      sectors: ['healthcare'],
    };
    const note = {
      type: 'note',
      spec_version: '2.1',
      id: id('note', 500),
      created: T,
      modified: T,
      created_by_ref: PROVIDER,
      content: 'Seen at the clinic',
      object_refs: [victim.id],
    };
    const targets = {
      type: 'relationship',
      spec_version: '2.1',
      id: id('relationship', 500),
      created: T,
      modified: T,
      created_by_ref: PROVIDER,
      relationship_type: 'targets',
      source_ref: note.id,
      target_ref: victim.id,
    };
    const stored = (object: Record<string, unknown>) => ({
      id: String(object.id),
      type: String(object.type),
      specVersion: '2.1',
      version: T,
      versionKey: T,
      body: JSON.stringify(object),
    });
    await memory.addObjects('internal', [stored(note), stored(victim)]);
    // The first time the view reads objects by id, another writer names the clinic a victim.
    let written = false;
    const racing = new Proxy(memory, {
      get: (target, key, receiver) => {
        if (key === 'queryObjects') {
          return async (collection: string, query: ObjectQuery) => {
            const page = await target.queryObjects(collection, query);
            if (query.ids && !written) {
              written = true;
              await target.addObjects('internal', [stored(targets)]);
            }
            return page;
          };
        }
        const value = Reflect.get(target, key, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as TaxiiStorage;
    const handler = createTaxiiHandler({
      title: 'CERT',
      cursorSecret: 'policy-view-race-secret-0123456789abcdef',
      storage: racing,
      auth: { anonymous: 'partner' },
      apiRoots: [
        {
          path: 'internal',
          title: 'Internal',
          collections: [{ id: 'internal', title: 'Internal', canRead: ['cert'] }],
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
          ],
        },
      ],
    });
    const response = await handler(
      new Request('http://taxii.test/partner/collections/shared/objects/?limit=1', {
        headers: { accept: 'application/taxii+json;version=2.1' },
      }),
    );
    expect(response.status).toBe(200);
    expect(written).toBe(true);
    const text = await response.text();
    // The note is shared pointing at the clinic's class, never at the clinic.
    expect(text).toContain(note.id);
    expect(text).not.toContain(victim.id);
    const now = project([note, victim, targets], agreement, recipient, { now: NOW });
    const copy = now.bundle.objects.find((o) => o.id === note.id);
    expect(JSON.parse(text).objects).toContainEqual(copy);
  });
});
