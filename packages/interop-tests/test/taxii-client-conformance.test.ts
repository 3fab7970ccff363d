// The @intelshare/feeds TaxiiClient against the @intelshare/taxii-server over real HTTP.
import { isTaxiiError, TaxiiClient } from '@intelshare/feeds';
import {
  createTaxiiHandler,
  hashApiKey,
  hashPassword,
  MemoryStorage,
} from '@intelshare/taxii-server';
import { type RunningServer, serve } from '@intelshare/taxii-server/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indicator } from './support/stix';

let server: RunningServer;
let alice: TaxiiClient;
let bob: TaxiiClient;
let root: string;

beforeAll(async () => {
  const handler = createTaxiiHandler({
    title: 'Interop server',
    cursorSecret: 'interop-secret-0123456789abcdef',
    storage: new MemoryStorage(),
    auth: {
      apiKeys: [{ principal: 'alice', hash: await hashApiKey('alice-api-key-0123456789') }],
      users: [{ username: 'bob', passwordHash: await hashPassword('bob-secret', 1000) }],
    },
    limits: { maxPageSize: 25 },
    apiRoots: [
      {
        path: 'api',
        title: 'Interop',
        collections: [
          { id: 'feed', title: 'Feed', canRead: ['alice', 'bob'], canWrite: ['alice'] },
          { id: 'private', title: 'Alice only', canRead: ['alice'], canWrite: ['alice'] },
        ],
      },
    ],
  });
  server = await serve(handler);
  alice = new TaxiiClient({
    url: server.url,
    auth: { type: 'bearer', token: 'alice-api-key-0123456789' },
    retry: 0,
  });
  bob = new TaxiiClient({
    url: server.url,
    auth: { type: 'basic', username: 'bob', password: 'bob-secret' },
    retry: 0,
  });
  root = `${server.url}/api/`;
});
afterAll(async () => {
  await server?.close();
});

describe('TaxiiClient ⇄ taxii-server', () => {
  it('discovers roots and collections with permissions', async () => {
    const discovery = await alice.discover();
    expect(discovery.title).toBe('Interop server');
    expect(discovery.api_roots).toEqual([root]);
    const info = await alice.apiRoot(root);
    expect(info.versions).toContain('application/taxii+json;version=2.1');
    expect((await alice.collections(root)).map((c) => [c.id, c.can_read, c.can_write])).toEqual([
      ['feed', true, true],
      ['private', true, true],
    ]);
    expect((await bob.collections(root)).map((c) => [c.id, c.can_read, c.can_write])).toEqual([
      ['feed', true, false],
    ]);
    expect((await bob.collection(root, 'feed')).title).toBe('Feed');
  });

  it('adds objects, reads the status, and pages through them all with objects()', async () => {
    const objects = Array.from({ length: 120 }, (_, i) => indicator(i, 1));
    const status = await alice.addObjects(root, 'feed', objects);
    expect(status.status).toBe('complete');
    expect(status.success_count).toBe(120);
    expect((await alice.waitForStatus(root, status.id)).success_count).toBe(120);
    const received: string[] = [];
    let pages = 0;
    for await (const object of bob.objects(root, 'feed', {
      limit: 100,
      onEvent: (e) => {
        if (e.type === 'page') pages++;
      },
    })) {
      received.push(object.id);
    }
    expect(received).toEqual(objects.map((o) => o.id));
    expect(pages).toBe(5); // the server caps limit at 25: 120 / 25 → 5 pages
  });

  it('resumes from a saved cursor and gets only what was added since', async () => {
    let cursor: Parameters<typeof bob.objects>[2] extends infer O
      ? O extends { cursor?: infer C }
        ? C
        : never
      : never;
    const first = bob.objects(root, 'feed', {
      limit: 25,
      onCursor: (c) => {
        cursor = c;
      },
    });
    let count = 0;
    for await (const _ of first) count++;
    expect(count).toBe(120);
    await alice.addObjects(root, 'feed', [indicator(1000, 1), indicator(1001, 1)]);
    const again: string[] = [];
    for await (const object of bob.objects(root, 'feed', { limit: 25, cursor: cursor! }))
      again.push(object.id);
    expect(again).toEqual([indicator(1000, 1).id, indicator(1001, 1).id]);
  });

  it('filters, reads one object, its versions and the manifest, and deletes', async () => {
    await alice.addObjects(root, 'private', [
      indicator(1, 2, '2024-01-01T00:00:00Z'),
      indicator(1, 2, '2024-05-01T00:00:00Z'),
      indicator(2, 2),
    ]);
    const id = indicator(1, 2).id;
    const latest = await alice.getObject(root, 'private', id);
    expect(latest.objects.map((o) => o.modified)).toEqual(['2024-05-01T00:00:00Z']);
    expect(latest.dateAddedFirst).toBeDefined();
    const all = await alice.getObject(root, 'private', id, { match: { version: 'all' } });
    expect(all.objects).toHaveLength(2);
    expect((await alice.versions(root, 'private', id)).versions).toEqual([
      '2024-01-01T00:00:00Z',
      '2024-05-01T00:00:00Z',
    ]);
    const manifest = await alice.manifest(root, 'private', {
      match: { id: [id, indicator(2, 2).id] },
    });
    expect(manifest.objects.map((m) => [m.id, m.version])).toEqual([
      [id, '2024-05-01T00:00:00Z'],
      [indicator(2, 2).id, '2024-01-01T00:00:00.000Z'],
    ]);
    const page = await alice.getObjects(root, 'private', {
      match: { type: 'indicator', version: 'first' },
      limit: 1,
    });
    expect(page.more).toBe(true);
    expect(page.next).toBeDefined();
    const page2 = await alice.getObjects(root, 'private', {
      match: { type: 'indicator', version: 'first' },
      limit: 1,
      next: page.next!,
    });
    expect(page2.objects.map((o) => o.id)).toEqual([indicator(2, 2).id]);
    await alice.deleteObject(root, 'private', id, { match: { version: 'first' } });
    expect((await alice.versions(root, 'private', id)).versions).toEqual(['2024-05-01T00:00:00Z']);
  });

  it('surfaces the server’s refusals as typed TAXII errors', async () => {
    const refusal = async (promise: Promise<unknown>) => {
      const error = await promise.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isTaxiiError(error)).toBe(true);
      return error as { status: number; body?: { title?: string } };
    };
    expect((await refusal(bob.addObjects(root, 'feed', [indicator(5, 3)]))).status).toBe(403);
    expect((await refusal(bob.getObjects(root, 'private'))).status).toBe(404);
    expect((await refusal(bob.getObject(root, 'feed', indicator(404, 9).id))).status).toBe(404);
    const badCursor = await refusal(bob.getObjects(root, 'feed', { next: 'forged.cursor' }));
    expect(badCursor.status).toBe(400);
    expect(badCursor.body?.title).toBe('Invalid `next` value.');
    const intruder = new TaxiiClient({
      url: server.url,
      auth: { type: 'bearer', token: 'guess' },
      retry: 0,
    });
    expect((await refusal(intruder.discover())).status).toBe(401);
  });
});
