// TAXII 2.1 conformance over real HTTP on 127.0.0.1, with plain fetch: every endpoint,
// every error, headers and bodies, pagination edge cases.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTaxiiHandler,
  hashApiKey,
  hashPassword,
  MemoryStorage,
  TAXII_MEDIA_TYPE,
  type TaxiiServerConfig,
  type TaxiiStorage,
  type ViewReadRecord,
} from '../src/index';
import { type RunningServer, serve } from '../src/node/index';
import { PostgresStorage } from '../src/postgres/index';
import { SqliteStorage } from '../src/sqlite/index';
import { indicator, malware, toNew } from './support/objects';
import { type PostgresServer, startPostgres } from './support/postgres-server';

const TAXII = 'application/taxii+json;version=2.1';
const ALICE = { authorization: 'Bearer alice-key-0123456789abcdef' };
const BOB = { authorization: `Basic ${btoa('bob:b0b-pa55word')}` };
const CAROL = { 'x-api-key': 'carol-key-0123456789abcdef' };

// The SQL storages also with their in-process mirror: pages served from memory must answer
// exactly as the database does.
const KINDS = [
  'memory',
  'sqlite',
  'postgres',
  'sqlite with a mirror',
  'postgres with a mirror',
] as const;
let server: RunningServer;
let base: string;
let storage: TaxiiStorage | undefined;
let postgres: PostgresServer | undefined;
const sqliteDir = mkdtempSync(join(tmpdir(), 'taxii-conformance-'));

async function openKind(kind: (typeof KINDS)[number]): Promise<TaxiiStorage> {
  if (kind === 'memory') return new MemoryStorage();
  if (kind === 'sqlite') return new SqliteStorage(join(sqliteDir, 'taxii.db'));
  if (kind === 'sqlite with a mirror') {
    return new SqliteStorage(join(sqliteDir, 'mirrored.db'), { mirror: true });
  }
  postgres ??= await startPostgres();
  if (kind === 'postgres') return new PostgresStorage(postgres.url);
  // A database of its own: the suite expects a fresh storage per kind.
  const admin = new pg.Client({ connectionString: postgres.url });
  await admin.connect();
  await admin.query('CREATE DATABASE mirrored');
  await admin.end();
  return new PostgresStorage(postgres.url.replace(/\/postgres$/, '/mirrored'), { mirror: true });
}

afterAll(async () => {
  await postgres?.stop();
  rmSync(sqliteDir, { recursive: true, force: true });
});
const audit: ViewReadRecord[] = [];

async function config(): Promise<TaxiiServerConfig> {
  return {
    title: 'Conformance CERT',
    description: 'Test server',
    contact: 'cert@example.org',
    defaultApiRoot: 'api',
    cursorSecret: 'conformance-secret-0123456789',
    storage: storage ?? new MemoryStorage(),
    allowCustomContent: true,
    auth: {
      apiKeys: [
        { principal: 'alice', hash: await hashApiKey('alice-key-0123456789abcdef') },
        { principal: 'carol', hash: await hashApiKey('carol-key-0123456789abcdef') },
      ],
      users: [{ username: 'bob', passwordHash: await hashPassword('b0b-pa55word', 1000) }],
    },
    limits: { maxPageSize: 50, defaultPageSize: 20, maxBodyBytes: 64 * 1024 },
    apiRoots: [
      {
        path: 'api',
        title: 'Main',
        description: 'Main root',
        collections: [
          { id: 'shared', title: 'Shared', canRead: ['alice', 'bob'], canWrite: ['alice'] },
          {
            id: 'alice-only',
            title: 'Alice',
            alias: 'alice',
            canRead: ['alice'],
            canWrite: ['alice'],
          },
          { id: 'bob-only', title: 'Bob', canRead: ['bob'], canWrite: ['bob'] },
          { id: 'drop-box', title: 'Drop box', canWrite: ['alice'] },
          {
            id: 'bob-view',
            title: 'Shared, projected for Bob',
            canRead: ['bob'],
            view: {
              source: 'shared',
              // withholds objects labelled internal and strips x_ properties
              project: (objects) =>
                objects
                  .filter((o) => !(Array.isArray(o.labels) && o.labels.includes('internal')))
                  .map((o) =>
                    Object.fromEntries(Object.entries(o).filter(([k]) => !k.startsWith('x_'))),
                  ),
              audit: (record) => {
                audit.push(record);
              },
            },
          },
        ],
      },
      {
        path: 'partner-b',
        title: 'Partner B',
        principals: ['bob'],
        collections: [{ id: 'b-feed', title: 'Feed for B', canRead: ['bob'] }],
      },
    ],
  };
}

async function get(path: string, headers: Record<string, string> = ALICE) {
  return fetch(`${base}${path}`, { headers: { accept: TAXII, ...headers } });
}

async function post(path: string, body: unknown, headers: Record<string, string> = ALICE) {
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: { accept: TAXII, 'content-type': TAXII, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function expectOk(response: Response, status = 200) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe(TAXII_MEDIA_TYPE);
  return response.json();
}

async function expectError(response: Response, status: number) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe(TAXII_MEDIA_TYPE);
  const body = await response.json();
  expect(body.http_status).toBe(String(status));
  expect(typeof body.title).toBe('string');
  return body as { title: string; description?: string; http_status: string };
}

for (const kind of KINDS) {
  describe(`over ${kind} storage`, () => {
    beforeAll(async () => {
      storage = await openKind(kind);
      server = await serve(createTaxiiHandler(await config()));
      base = server.url;
    });
    afterAll(async () => {
      await server?.close();
      await storage?.close();
      storage = undefined;
    });

    describe('authentication and content negotiation', () => {
      it('answers 401 with a challenge and a TAXII error when credentials are missing or wrong', async () => {
        for (const headers of [
          {},
          { authorization: 'Bearer nope' },
          { authorization: `Basic ${btoa('bob:wrong')}` },
          { authorization: 'Digest x' },
          { 'x-api-key': '' },
        ]) {
          const response = await get('/taxii2/', headers);
          expect(response.headers.get('www-authenticate')).toContain('Basic');
          await expectError(response, 401);
        }
      });

      it('accepts API keys as Bearer or X-API-Key, and basic auth', async () => {
        await expectOk(await get('/taxii2/', ALICE));
        await expectOk(await get('/taxii2/', CAROL));
        await expectOk(await get('/taxii2/', BOB));
      });

      it('answers 406 when the client does not accept TAXII 2.1 JSON', async () => {
        await expectError(await get('/taxii2/', { ...ALICE, accept: 'text/html' }), 406);
        await expectError(
          await get('/taxii2/', { ...ALICE, accept: 'application/taxii+json;version=2.0' }),
          406,
        );
        await expectOk(
          await get('/taxii2/', { ...ALICE, accept: 'Application/TAXII+JSON ; Version="2.1"' }),
        );
        await expectOk(await get('/taxii2/', { ...ALICE, accept: 'text/html, */*;q=0.1' }));
      });

      it('answers 405 with Allow for unsupported methods', async () => {
        const response = await fetch(`${base}/taxii2/`, { method: 'PUT', headers: ALICE });
        expect(response.headers.get('allow')).toBe('GET');
        await expectError(response, 405);
      });
    });

    describe('discovery and API roots (TAXII 2.1 §4.1–4.2)', () => {
      it('lists only the roots the requester may see', async () => {
        const alice = await expectOk(await get('/taxii2/'));
        expect(alice).toEqual({
          title: 'Conformance CERT',
          description: 'Test server',
          contact: 'cert@example.org',
          default: `${base}/api/`,
          api_roots: [`${base}/api/`],
        });
        const bob = await expectOk(await get('/taxii2/', BOB));
        expect(bob.api_roots).toEqual([`${base}/api/`, `${base}/partner-b/`]);
        const carol = await expectOk(await get('/taxii2/', CAROL));
        expect(carol.api_roots).toEqual([]);
      });

      it('describes an API root', async () => {
        expect(await expectOk(await get('/api/'))).toEqual({
          title: 'Main',
          description: 'Main root',
          versions: [TAXII_MEDIA_TYPE],
          max_content_length: 64 * 1024,
        });
        // without the trailing slash too
        expect((await expectOk(await get('/api'))).title).toBe('Main');
      });

      it('answers 404 for unknown and invisible roots', async () => {
        await expectError(await get('/nope/'), 404);
        await expectError(await get('/partner-b/'), 404);
        await expectError(await get('/api/', CAROL), 404);
        await expectError(await get('/api/elsewhere/'), 404);
        await expectError(await get('/api/%E0%A4%A/'), 404);
      });
    });

    describe('collections (TAXII 2.1 §5.1–5.2)', () => {
      it('lists the requester’s collections with its permissions', async () => {
        const { collections } = await expectOk(await get('/api/collections/'));
        expect(collections.map((c: { id: string }) => c.id)).toEqual([
          'shared',
          'alice-only',
          'drop-box',
        ]);
        expect(collections[1]).toEqual({
          id: 'alice-only',
          title: 'Alice',
          alias: 'alice',
          can_read: true,
          can_write: true,
          media_types: ['application/stix+json;version=2.1'],
        });
        expect(collections[2]).toMatchObject({ can_read: false, can_write: true });
        const bob = await expectOk(await get('/api/collections/', BOB));
        expect(bob.collections.map((c: { id: string }) => c.id)).toEqual([
          'shared',
          'bob-only',
          'bob-view',
        ]);
        expect(bob.collections[0]).toMatchObject({ can_read: true, can_write: false });
        expect(bob.collections[2]).toMatchObject({ can_read: true, can_write: false });
      });

      it('shows one collection, and 404 for collections the requester has no right to', async () => {
        expect(await expectOk(await get('/api/collections/shared/'))).toMatchObject({
          id: 'shared',
          can_read: true,
        });
        await expectError(await get('/api/collections/bob-only/'), 404);
        await expectError(await get('/api/collections/missing/'), 404);
        await expectError(await get('/api/collections/bob-only/objects/'), 404);
      });
    });

    describe('adding objects and status (TAXII 2.1 §5.4, §4.3)', () => {
      it('stores valid objects, reports failures per object, and keeps the status for the requester', async () => {
        const bad = { ...indicator(99), id: 'indicator--not-a-uuid' };
        const response = await post('/api/collections/alice-only/objects/', {
          objects: [indicator(1), bad, malware(1), { ...malware(2), spec_version: '2.0' }, 'text'],
        });
        const status = await expectOk(response, 202);
        expect(status).toMatchObject({
          status: 'complete',
          total_count: 5,
          success_count: 2,
          failure_count: 3,
          pending_count: 0,
          pendings: [],
          successes: [
            { id: indicator(1).id, version: indicator(1).modified },
            { id: malware(1).id, version: malware(1).modified },
          ],
        });
        expect(status.failures.map((f: { message: string }) => f.message)).toEqual([
          'objects[1].id: `indicator--not-a-uuid` is not a STIX identifier (type--UUID).',
          'objects[3].spec_version: must be "2.1" (STIX 2.1 §3.1).',
          'objects[4]: must be a JSON object.',
        ]);
        expect(status.request_timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
        expect(await expectOk(await get(`/api/status/${status.id}/`))).toEqual(status);
        await expectError(await get(`/api/status/${status.id}/`, BOB), 404);
        await expectError(await get(`/api/status/${crypto.randomUUID()}/`), 404);
        // a re-POST is idempotent and says so
        const again = await expectOk(
          await post('/api/collections/alice-only/objects/', { objects: [indicator(1)] }),
          202,
        );
        expect(again.successes[0].message).toBe('Already stored; not added again.');
      });

      it('refuses bad requests with the right status', async () => {
        const path = '/api/collections/alice-only/objects/';
        await expectError(
          await post(path, { objects: [] }, { ...ALICE, 'content-type': 'application/json' }),
          415,
        );
        await expectError(await post(path, '{"objects": [', ALICE), 400);
        await expectError(await post(path, { not_objects: [] }), 422);
        await expectError(await post(path, [indicator(1)]), 422);
        const huge = { objects: Array.from({ length: 300 }, (_, i) => indicator(i)) };
        const tooLarge = await expectError(await post(path, huge), 413);
        expect(tooLarge.description).toContain('65536');
        await expectError(
          await post('/api/collections/shared/objects/', { objects: [] }, BOB),
          403,
        );
        await expectError(
          await post('/api/collections/bob-view/objects/', { objects: [] }, BOB),
          403,
        );
        await expectError(await post('/api/collections/bob-only/objects/', { objects: [] }), 404);
      });

      it('validates every object with @intelshare/stix and names where it fails', async () => {
        const { pattern: _pattern, ...noPattern } = indicator(600);
        const status = await expectOk(
          await post('/api/collections/alice-only/objects/', {
            objects: [noPattern, { ...indicator(601), valid_until: '2020-01-01T00:00:00Z' }],
          }),
          202,
        );
        expect(status.success_count).toBe(0);
        expect(status.failures[0].message).toMatch(/^objects\[0\]\.pattern: /);
        expect(status.failures[1].message).toMatch(/^objects\[1\]\.valid_until: /);
        // custom content is refused unless the server allows it
        const strict = createTaxiiHandler({ ...(await config()), allowCustomContent: false });
        const response = await strict(
          new Request('http://127.0.0.1/api/collections/alice-only/objects/', {
            method: 'POST',
            headers: { ...ALICE, 'content-type': TAXII },
            body: JSON.stringify({
              objects: [{ ...indicator(602), x_internal: 'yes' }, indicator(603)],
            }),
          }),
        );
        const body = await expectOk(response, 202);
        expect([body.success_count, body.failure_count]).toEqual([1, 1]);
        expect(body.failures[0].message).toMatch(/^objects\[0\]\.x_internal: /);
      });

      it('refuses prototype-polluting keys', async () => {
        const body = `{"objects":[${JSON.stringify(indicator(5)).slice(0, -1)},"x_extra":{"__proto__":{"polluted":true}}}]}`;
        const status = await expectOk(
          await post('/api/collections/alice-only/objects/', body),
          202,
        );
        expect(status.failure_count).toBe(1);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      });
    });

    describe('getting objects (TAXII 2.1 §5.3) and pagination', () => {
      const path = '/api/collections/shared/objects/';
      const ids: string[] = [];

      beforeAll(async () => {
        const objects = [
          ...Array.from({ length: 45 }, (_, i) => indicator(i, '2024-01-01T00:00:00.000Z', 7)),
          ...Array.from({ length: 5 }, (_, i) => malware(i, 7)),
        ];
        ids.push(...objects.map((o) => o.id));
        await expectOk(await post(path, { objects }), 202);
        // two newer versions of indicator 0 and one internal, custom object
        await expectOk(
          await post(path, {
            objects: [
              indicator(0, '2024-06-01T00:00:00Z', 7),
              indicator(0, '2024-09-01T00:00:00Z', 7),
            ],
          }),
          202,
        );
        await expectOk(
          await post(path, {
            objects: [
              { ...malware(100, 7), labels: ['internal'] },
              { ...malware(101, 7), x_source: 'victim-name' },
            ],
          }),
          202,
        );
        ids.push(malware(100, 7).id, malware(101, 7).id);
      });

      async function walk(query: string, headers = ALICE, limit = 7) {
        const seen: string[] = [];
        let next: string | undefined;
        let pages = 0;
        do {
          const response = await get(
            `${path}?limit=${limit}${query}${next ? `&next=${encodeURIComponent(next)}` : ''}`,
            headers,
          );
          const body = await expectOk(response);
          pages++;
          seen.push(
            ...(body.objects ?? []).map(
              (o: { id: string; modified: string }) => `${o.id}@${o.modified}`,
            ),
          );
          expect(body.more).toBe(body.next !== undefined);
          next = body.next;
          if (pages > 100) throw new Error('pagination does not end');
        } while (next);
        return { seen, pages };
      }

      it('returns the latest version of every object by default, in date_added order, with date headers', async () => {
        const response = await get(`${path}?limit=50`);
        const body = await expectOk(response);
        expect(body.more).toBe(true);
        expect(body.objects).toHaveLength(50);
        expect(body.objects[0].id).toBe(ids[1]); // indicator 0's first version is not the latest
        const first = response.headers.get('x-taxii-date-added-first')!;
        const last = response.headers.get('x-taxii-date-added-last')!;
        expect(first).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
        expect(last > first).toBe(true);
      });

      it('pages through everything exactly once with signed cursors', async () => {
        const { seen, pages } = await walk('');
        expect(pages).toBe(Math.ceil(52 / 7));
        expect(new Set(seen).size).toBe(52);
        expect(seen).toContain(`${ids[0]}@2024-09-01T00:00:00Z`);
      });

      it('ends with more=false and no next when the last page is exactly full', async () => {
        const { pages } = await walk('&match[type]=malware', ALICE, 7); // 7 malware objects
        expect(pages).toBe(1);
        const body = await expectOk(await get(`${path}?match[type]=malware&limit=7`));
        expect(body.more).toBe(false);
        expect(body.next).toBeUndefined();
      });

      it('filters by type, id, version and spec_version', async () => {
        const byType = await expectOk(await get(`${path}?match[type]=malware&limit=50`));
        expect(byType.objects.every((o: { type: string }) => o.type === 'malware')).toBe(true);
        const byId = await expectOk(await get(`${path}?match[id]=${ids[0]},${ids[46]}`));
        expect(byId.objects.map((o: { id: string }) => o.id)).toEqual([ids[46], ids[0]]);
        const all = await expectOk(await get(`${path}?match[id]=${ids[0]}&match[version]=all`));
        expect(all.objects.map((o: { modified: string }) => o.modified)).toEqual([
          '2024-01-01T00:00:00.000Z',
          '2024-06-01T00:00:00Z',
          '2024-09-01T00:00:00Z',
        ]);
        const first = await expectOk(await get(`${path}?match[id]=${ids[0]}&match[version]=first`));
        expect(first.objects.map((o: { modified: string }) => o.modified)).toEqual([
          '2024-01-01T00:00:00.000Z',
        ]);
        const exact = await expectOk(
          await get(`${path}?match[id]=${ids[0]}&match[version]=2024-06-01T00:00:00.000Z`),
        );
        expect(exact.objects.map((o: { modified: string }) => o.modified)).toEqual([
          '2024-06-01T00:00:00Z',
        ]);
        const firstLast = await expectOk(
          await get(`${path}?match[id]=${ids[0]}&match[version]=first,last`),
        );
        expect(firstLast.objects).toHaveLength(2);
        expect((await expectOk(await get(`${path}?match[spec_version]=2.0`))).objects).toEqual([]);
        expect(
          (await expectOk(await get(`${path}?match[spec_version]=2.1&limit=1`))).objects,
        ).toHaveLength(1);
      });

      it('filters by added_after using the X-TAXII-Date-Added-Last of a previous page', async () => {
        const page = await get(`${path}?limit=10`);
        const last = page.headers.get('x-taxii-date-added-last')!;
        const rest = await expectOk(await get(`${path}?limit=50&added_after=${last}`));
        expect(rest.objects).toHaveLength(42);
        const later = await expectOk(await get(`${path}?added_after=2999-01-01T00:00:00Z`));
        expect(later).toEqual({ more: false, objects: [] });
      });

      it('caps limit at the maximum page size and rejects bad parameters', async () => {
        expect((await expectOk(await get(`${path}?limit=100000`))).objects).toHaveLength(50);
        expect((await expectOk(await get(path))).objects).toHaveLength(20); // default page size
        for (const query of [
          'limit=0',
          'limit=-1',
          'limit=abc',
          'limit=1&limit=2',
          'added_after=yesterday',
          'added_after=2024-02-30T00:00:00Z',
          'match[version]=newest',
          'match[spec_version]=two',
          'match[colour]=red',
          'match[type]=Bad_Type',
        ]) {
          await expectError(await get(`${path}?${query}`), 400);
        }
      });

      it('rejects forged, altered or misapplied cursors', async () => {
        const body = await expectOk(await get(`${path}?limit=5&match[type]=indicator`));
        const next = body.next as string;
        const [payload, sig] = next.split('.');
        const forgedPayload = btoa('1:0').replace(/=+$/, '');
        const cases = [
          `${path}?limit=5&match[type]=indicator&next=${forgedPayload}.${sig}`,
          `${path}?limit=5&match[type]=indicator&next=${payload}.${sig!.slice(0, -2)}AA`,
          `${path}?limit=5&match[type]=indicator&next=garbage`,
          `${path}?limit=5&match[type]=malware&next=${next}`, // other filters
          `${path}?limit=5&next=${next}`,
          `/api/collections/alice-only/objects/?limit=5&match[type]=indicator&next=${next}`, // other collection
          `/api/collections/shared/manifest/?limit=5&match[type]=indicator&next=${next}`, // other endpoint
        ];
        for (const url of cases) await expectError(await get(url), 400);
        // another principal cannot reuse it either
        await expectError(
          await get(`${path}?limit=5&match[type]=indicator&next=${next}`, BOB),
          400,
        );
        // a different limit with the same filters is fine
        expect(
          (await expectOk(await get(`${path}?limit=9&match[type]=indicator&next=${next}`))).objects,
        ).toHaveLength(9);
      });

      it('picks up objects added while a client pages, once each', async () => {
        const response = await expectOk(await get(`${path}?limit=50`));
        await expectOk(await post(path, { objects: [indicator(500, undefined, 7)] }), 202);
        const rest = await expectOk(await get(`${path}?limit=50&next=${response.next}`));
        expect(rest.objects.map((o: { id: string }) => o.id)).toEqual([
          ids[50],
          ids[51],
          indicator(500, undefined, 7).id,
        ]);
      });

      it('answers an empty collection with an empty envelope', async () => {
        expect(await expectOk(await get('/partner-b/collections/b-feed/objects/', BOB))).toEqual({
          more: false,
          objects: [],
        });
        const response = await get('/partner-b/collections/b-feed/objects/', BOB);
        expect(response.headers.get('x-taxii-date-added-first')).toBeNull();
      });

      it('answers 403 when the requester may write but not read', async () => {
        await expectError(await get('/api/collections/drop-box/objects/'), 403);
        await expectError(await get('/api/collections/drop-box/manifest/'), 403);
      });
    });

    describe('object, versions, manifest and delete (TAXII 2.1 §5.5–5.8)', () => {
      const path = '/api/collections/alice-only/objects/';
      const id = indicator(1, undefined, 9).id;

      beforeAll(async () => {
        await expectOk(
          await post(path, {
            objects: ['2024-01-01T00:00:00Z', '2024-02-01T00:00:00Z', '2024-03-01T00:00:00Z'].map(
              (v) => indicator(1, v, 9),
            ),
          }),
          202,
        );
      });

      it('gets one object (latest version by default) in an envelope', async () => {
        const response = await get(`${path}${id}/`);
        const body = await expectOk(response);
        expect(body.more).toBe(false);
        expect(body.objects.map((o: { modified: string }) => o.modified)).toEqual([
          '2024-03-01T00:00:00Z',
        ]);
        expect(response.headers.get('x-taxii-date-added-first')).toBe(
          response.headers.get('x-taxii-date-added-last'),
        );
        const all = await expectOk(await get(`${path}${id}/?match[version]=all&limit=2`));
        expect(all.objects).toHaveLength(2);
        expect(all.more).toBe(true);
        const rest = await expectOk(
          await get(`${path}${id}/?match[version]=all&limit=2&next=${all.next}`),
        );
        expect(rest.objects.map((o: { modified: string }) => o.modified)).toEqual([
          '2024-03-01T00:00:00Z',
        ]);
        await expectError(
          await get(`${path}indicator--${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}/`),
          404,
        );
        await expectError(await get(`${path}${id}/?match[type]=indicator`), 400);
      });

      it('lists versions', async () => {
        const response = await get(`${path}${id}/versions/`);
        expect(await expectOk(response)).toEqual({
          more: false,
          versions: ['2024-01-01T00:00:00Z', '2024-02-01T00:00:00Z', '2024-03-01T00:00:00Z'],
        });
        expect(response.headers.get('x-taxii-date-added-last')).toBeTruthy();
        const paged = await expectOk(await get(`${path}${id}/versions/?limit=1`));
        expect(paged).toMatchObject({ more: true, versions: ['2024-01-01T00:00:00Z'] });
        await expectError(
          await get(`${path}malware--${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}/versions/`),
          404,
        );
      });

      it('lists the manifest', async () => {
        const response = await get(
          `/api/collections/alice-only/manifest/?match[id]=${id}&match[version]=all`,
        );
        const body = await expectOk(response);
        expect(body.more).toBe(false);
        expect(body.objects).toHaveLength(3);
        expect(body.objects[0]).toEqual({
          id,
          date_added: response.headers.get('x-taxii-date-added-first'),
          version: '2024-01-01T00:00:00Z',
          media_type: 'application/stix+json;version=2.1',
        });
      });

      it('deletes selected versions, then the object', async () => {
        await expectError(
          await fetch(`${base}/api/collections/shared/objects/${id}/`, {
            method: 'DELETE',
            headers: BOB,
          }),
          403,
        );
        const one = await fetch(`${base}${path}${id}/?match[version]=first`, {
          method: 'DELETE',
          headers: ALICE,
        });
        expect(one.status).toBe(200);
        expect(one.headers.get('content-type')).toBe(TAXII_MEDIA_TYPE);
        expect((await expectOk(await get(`${path}${id}/versions/`))).versions).toEqual([
          '2024-02-01T00:00:00Z',
          '2024-03-01T00:00:00Z',
        ]);
        expect(
          (await fetch(`${base}${path}${id}/`, { method: 'DELETE', headers: ALICE })).status,
        ).toBe(200);
        await expectError(await get(`${path}${id}/`), 404);
        await expectError(
          await fetch(`${base}${path}${id}/`, { method: 'DELETE', headers: ALICE }),
          404,
        );
      });
    });

    describe('per-partner views', () => {
      it('serves the projection, records each read, and never the withheld data', async () => {
        audit.length = 0;
        const seen: Record<string, unknown>[] = [];
        let next: string | undefined;
        do {
          const body = await expectOk(
            await get(
              `/api/collections/bob-view/objects/?limit=10${next ? `&next=${next}` : ''}`,
              BOB,
            ),
          );
          seen.push(...body.objects);
          next = body.next;
        } while (next);
        const ids = seen.map((o) => o.id);
        expect(ids).not.toContain(malware(100, 7).id); // labelled internal
        expect(ids).toContain(malware(101, 7).id);
        expect(seen.every((o) => !Object.keys(o).some((k) => k.startsWith('x_')))).toBe(true);
        expect(JSON.stringify(seen)).not.toContain('victim-name');
        expect(audit.length).toBeGreaterThan(0);
        expect(audit[0]).toMatchObject({
          principal: 'bob',
          apiRoot: 'api',
          collection: 'bob-view',
        });
        expect(audit.flatMap((a) => a.considered)).toContain(malware(100, 7).id);
        expect(audit.flatMap((a) => a.shared)).not.toContain(malware(100, 7).id);
        const manifest = await expectOk(
          await get('/api/collections/bob-view/manifest/?limit=50&match[type]=malware', BOB),
        );
        expect(manifest.objects.map((o: { id: string }) => o.id)).not.toContain(malware(100, 7).id);
      });
    });
  });
}

describe('limits', () => {
  it('rate-limits per principal with 429 and Retry-After', async () => {
    const handler = createTaxiiHandler({
      ...(await config()),
      limits: { rateLimit: { perSecond: 0.5, burst: 2 } },
    });
    const request = () => new Request('http://127.0.0.1/taxii2/', { headers: ALICE });
    expect((await handler(request())).status).toBe(200);
    expect((await handler(request())).status).toBe(200);
    const limited = await handler(request());
    expect(limited.headers.get('retry-after')).toBe('2');
    await expectError(limited, 429);
    // another principal has its own bucket
    expect(
      (await handler(new Request('http://127.0.0.1/taxii2/', { headers: CAROL }))).status,
    ).toBe(200);
  });

  it('refuses configurations that would mix partners’ data by accident', async () => {
    const base = await config();
    const collection = { id: 'feed', title: 'Feed', canRead: ['alice'] };
    const roots = [
      { path: 'a', title: 'A', collections: [collection] },
      { path: 'b', title: 'B', collections: [{ ...collection, canRead: ['bob'] }] },
    ];
    expect(() => createTaxiiHandler({ ...base, apiRoots: roots })).toThrow(
      '`apiRoots[1].collections[0]` would share storage `feed` with `apiRoots[0].collections[0]`; set `storage` on both to share it on purpose, or use another id.',
    );
    const shared = roots.map((root) => ({
      ...root,
      collections: root.collections.map((c) => ({ ...c, storage: 'feed' })),
    }));
    expect(() => createTaxiiHandler({ ...base, apiRoots: shared })).not.toThrow();
    const typo = [
      {
        path: 'a',
        title: 'A',
        collections: [
          {
            id: 'v',
            title: 'V',
            canRead: ['bob'],
            view: { source: 'fede', project: (o: Record<string, unknown>[]) => o },
          },
        ],
      },
    ];
    expect(() => createTaxiiHandler({ ...base, apiRoots: typo })).toThrow(
      '`apiRoots[0].collections[0].view.source` `fede` is not the storage of any stored collection.',
    );
    expect(() => createTaxiiHandler({ ...base, cursorSecret: 'short' })).toThrow(
      '`cursorSecret` must be at least 16 bytes long.',
    );
    expect(() =>
      createTaxiiHandler({ ...base, apiRoots: [{ path: 'a/b', title: 'x', collections: [] }] }),
    ).toThrow(/apiRoots\[0\]\.path/);
  });

  it('rotates cursor secrets: cursors signed with the old secret keep working', async () => {
    const base = await config();
    await base.storage.addObjects('shared', [
      toNew(indicator(1, undefined, 50)),
      toNew(indicator(2, undefined, 50)),
    ]);
    const old = createTaxiiHandler({ ...base, cursorSecret: 'old-secret-0123456789abcdef' });
    const rotated = createTaxiiHandler({
      ...base,
      cursorSecret: ['new-secret-0123456789abcdef', 'old-secret-0123456789abcdef'],
    });
    const retired = createTaxiiHandler({ ...base, cursorSecret: 'new-secret-0123456789abcdef' });
    const url = 'http://127.0.0.1/api/collections/shared/objects/?limit=1';
    const first = await expectOk(await old(new Request(url, { headers: ALICE })));
    const next = `${url}&next=${first.next}`;
    expect(
      (await expectOk(await rotated(new Request(next, { headers: ALICE })))).objects,
    ).toHaveLength(1);
    await expectError(await retired(new Request(next, { headers: ALICE })), 400);
  });

  it('never serves more than maxPageSize, even by default', async () => {
    const handler = createTaxiiHandler({ ...(await config()), limits: { maxPageSize: 3 } });
    await handler(
      new Request('http://127.0.0.1/api/collections/shared/objects/', {
        method: 'POST',
        headers: { ...ALICE, 'content-type': TAXII },
        body: JSON.stringify({ objects: [1, 2, 3, 4, 5].map((n) => indicator(n, undefined, 60)) }),
      }),
    );
    const body = await expectOk(
      await handler(
        new Request('http://127.0.0.1/api/collections/shared/objects/', { headers: ALICE }),
      ),
    );
    expect(body.objects).toHaveLength(3);
    expect(body.more).toBe(true);
  });

  it('throttles password guessing per user name before running PBKDF2', async () => {
    const handler = createTaxiiHandler(await config());
    const guess = (password: string) =>
      handler(
        new Request('http://127.0.0.1/taxii2/', {
          headers: { authorization: `Basic ${btoa(`bob:${password}`)}` },
        }),
      );
    for (let i = 0; i < 10; i++) await expectError(await guess(`wrong-${i}`), 401);
    const throttled = await guess('b0b-pa55word');
    expect(throttled.headers.get('retry-after')).toBe('1');
    await expectError(throttled, 429);
  });

  it('answers 413 for a streamed body without Content-Length once it passes the limit', async () => {
    const handler = createTaxiiHandler(await config());
    const chunk = new TextEncoder().encode(`{"objects":[${'{"type":"x"},'.repeat(1000)}`);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += chunk.byteLength;
        if (sent > 10 * 64 * 1024) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const response = await handler(
      new Request('http://127.0.0.1/api/collections/alice-only/objects/', {
        method: 'POST',
        headers: { ...ALICE, 'content-type': TAXII },
        body,
        duplex: 'half',
      } as RequestInit),
    );
    await expectError(response, 413);
    expect(sent).toBeLessThan(10 * 64 * 1024); // it stopped reading early
  });

  it('answers 503 when a request runs past the timeout', async () => {
    const base = await config();
    const slow = new MemoryStorage();
    const storage = Object.assign(Object.create(slow), {
      queryObjects: () => new Promise(() => {}),
      queryJoinedBodies: () => new Promise(() => {}),
    });
    const errors: unknown[] = [];
    const handler = createTaxiiHandler({
      ...base,
      storage,
      limits: { requestTimeoutMs: 50 },
      onError: (e) => errors.push(e),
    });
    const response = await handler(
      new Request('http://127.0.0.1/api/collections/shared/objects/', { headers: ALICE }),
    );
    expect(response.headers.get('retry-after')).toBe('1');
    await expectError(response, 503);
    expect(errors).toHaveLength(1);
  });

  it('answers 500 without details when storage fails, and reports the error', async () => {
    const errors: unknown[] = [];
    const storage = Object.assign(Object.create(new MemoryStorage()), {
      queryObjects: () => Promise.reject(new Error('disk on fire: password=hunter2')),
      queryJoinedBodies: () => Promise.reject(new Error('disk on fire: password=hunter2')),
    });
    const handler = createTaxiiHandler({
      ...(await config()),
      storage,
      onError: (e) => errors.push(e),
    });
    const response = await handler(
      new Request('http://127.0.0.1/api/collections/shared/objects/', { headers: ALICE }),
    );
    const body = await expectError(response, 500);
    expect(JSON.stringify(body)).not.toContain('hunter2');
    expect(errors).toHaveLength(1);
  });
});
