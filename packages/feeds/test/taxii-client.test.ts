import { readJsonFixture } from '@intelshare/fixtures';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  FeedTransportError,
  type FeedValidationError,
  isTaxiiError,
  pollTaxii,
  type StixObject,
  TaxiiClient,
  type TaxiiCursor,
  type TaxiiStreamEvent,
} from '../src/index';
import { FixtureTaxiiServer, makeObjects, type StoredObject } from './support/taxii-fixture-server';

const FAST_RETRY = { limit: 6, baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 20 };
const API = 'api1/';
const COLL = 'coll-1';

let server: FixtureTaxiiServer;
let base: string;

beforeEach(async () => {
  server = new FixtureTaxiiServer();
  base = await server.start();
});
afterEach(async () => {
  await server.stop();
});

function keys(objects: readonly StixObject[]): string[] {
  return objects.map((o) => `${o.id}|${o.modified ?? ''}`);
}
function expected(rows: readonly StoredObject[]): string[] {
  return rows.map((r) => `${r.object.id}|${(r.object.modified as string) ?? ''}`);
}
function client(extra: Partial<ConstructorParameters<typeof TaxiiClient>[0]> = {}): TaxiiClient {
  return new TaxiiClient({ url: base, retry: FAST_RETRY, ...extra });
}

describe('TaxiiClient against the medallion default data', () => {
  it('discovers, reads the API root, collections and pages the high-value collection', async () => {
    const data = readJsonFixture<
      Record<
        string,
        {
          status?: unknown[];
          collections?: {
            id: string;
            objects: StoredObject['object'][];
            manifest: { id: string; date_added: string; version: string }[];
          }[];
        }
      >
    >('taxii21/medallion/default_data.json');
    const source = data.trustgroup1!.collections!.find(
      (c) => c.id === '91a7b528-80eb-42ed-a74d-c6fbd5a26116',
    )!;
    const rows: StoredObject[] = source.objects.map((object) => {
      const entry = source.manifest.find(
        (m) =>
          m.id === object.id &&
          m.version === ((object.modified as string) ?? (object.created as string)),
      );
      return { object, dateAdded: entry!.date_added };
    });
    server.addCollection(source.id, rows, { title: 'High Value Indicator Collection' });

    const taxii = client();
    const discovery = await taxii.discover();
    expect(discovery.api_roots).toEqual([`${base}api1/`]);
    const root = await taxii.apiRoot(discovery.default!);
    expect(root.title).toBe('API 1');
    const collections = await taxii.collections(discovery.default!);
    expect(collections.map((c) => c.title)).toEqual(['High Value Indicator Collection']);
    expect((await taxii.collection(API, source.id)).can_read).toBe(true);

    const got = await taxii.objects(API, source.id, { limit: 3 }).toArray();
    expect(keys(got).sort()).toEqual(expected(rows).sort());
    expect(new Set(keys(got)).size).toBe(rows.length);

    const accept = server.requests.find((r) => r.url.includes('/objects/'))!.headers.accept;
    expect(accept).toContain('application/taxii+json;version=2.1');

    // medallion's status resources, including the one that says `total_objects`.
    const statuses = data.trustgroup1!.status as unknown as Record<string, unknown>[];
    for (const status of statuses) {
      server.statuses.set(status.id as string, { polls: 0, pendingPolls: 99, body: status });
      const read = await taxii.status(API, status.id as string);
      expect(read.status).toBe('pending');
      expect(read.total_count).toBe((status.total_count ?? status.total_objects) as number);
    }

    const manifest = await taxii.manifest(API, source.id, { match: { type: 'indicator' } });
    expect(manifest.objects.every((m) => m.id.startsWith('indicator--'))).toBe(true);
    expect(manifest.objects.length).toBe(rows.filter((r) => r.object.type === 'indicator').length);
  });
});

describe('pagination against misbehaving servers ends with exactly the server set', () => {
  const cases: [
    string,
    Parameters<typeof server.addCollection>[1],
    FixtureTaxiiServer['misbehaviour'],
    number,
  ][] = [
    ['well-behaved', makeObjects(250), {}, 50],
    ['`more` without `next`', makeObjects(250), { noNext: true }, 50],
    [
      '`more` without `next` and inclusive added_after',
      makeObjects(250, 7),
      { noNext: true, inclusiveAddedAfter: true },
      50,
    ],
    ['pages shorter than `limit`', makeObjects(250), { maxPageSize: 17 }, 100],
    ['repeated pages', makeObjects(250), { repeatPages: true }, 40],
    [
      'a 429 storm with Retry-After',
      makeObjects(120),
      { storm429: { count: 5, retryAfter: '0' } },
      50,
    ],
    [
      'Retry-After of an hour (capped)',
      makeObjects(60),
      { storm429: { count: 2, retryAfter: '3600' } },
      50,
    ],
    ['every third request a 500', makeObjects(200), { fail500Every: 3 }, 50],
    ['slow bodies', makeObjects(100), { slowBody: { chunks: 8, delayMs: 5 } }, 50],
    ['dropped connections mid-body', makeObjects(200), { dropConnectionEvery: 3 }, 50],
    ['truncated JSON that ends cleanly', makeObjects(200), { truncatedJsonEvery: 3 }, 50],
    ['wrong content type', makeObjects(100), { contentType: 'text/plain; charset=utf-8' }, 30],
  ];

  for (const [name, rows, misbehaviour, limit] of cases) {
    for (const readAhead of [false, true]) {
      it(`${name}${readAhead ? ' (read-ahead)' : ''}`, async () => {
        server.addCollection(COLL, rows);
        server.misbehaviour = misbehaviour;
        const events: TaxiiStreamEvent[] = [];
        const got = await client()
          .objects(API, COLL, { limit, readAhead, onEvent: (e) => events.push(e) })
          .toArray();
        expect(keys(got)).toEqual(expected(rows));
        expect(server.requests.length).toBeLessThan(200);
      });
    }
  }

  it('read-ahead: leaving the loop early with a request ahead ends cleanly and keeps the cursor', async () => {
    server.addCollection(COLL, makeObjects(200));
    server.misbehaviour = { slowBody: { chunks: 4, delayMs: 20 } };
    const stream = client().objects(API, COLL, { limit: 50, readAhead: true });
    let seen = 0;
    for await (const page of stream.pages()) {
      seen += page.length;
      break;
    }
    expect(seen).toBe(50);
    expect(stream.cursor.objects).toBe(0); // the page was not fully consumed: nothing committed
    const rest = await client()
      .objects(API, COLL, { limit: 50, readAhead: true, cursor: stream.cursor })
      .toArray();
    expect(rest).toHaveLength(200);
  });

  it('`more` without `next`: a group sharing one date_added larger than a page widens the page', async () => {
    const rows = makeObjects(40, 40);
    server.addCollection(COLL, rows);
    server.misbehaviour = { noNext: true };
    const events: TaxiiStreamEvent[] = [];
    const got = await client()
      .objects(API, COLL, { limit: 10, onEvent: (e) => events.push(e) })
      .toArray();
    expect(keys(got)).toEqual(expected(rows));
    expect(
      events.filter((e) => e.type === 'page-widened').map((e) => (e as { limit: number }).limit),
    ).toEqual([20, 40]);
  });
});

describe('resumable cursor', () => {
  it('resumes after a crash without losing or duplicating, then polls incrementally', async () => {
    const rows = makeObjects(230);
    server.addCollection(COLL, rows);
    const taxii = client();
    let saved: TaxiiCursor | undefined;
    const first: StixObject[] = [];
    const stream = taxii.objects(API, COLL, {
      limit: 50,
      onCursor: (c) => {
        saved = JSON.parse(JSON.stringify(c));
      },
    });
    for await (const object of stream) {
      first.push(object);
      if (first.length === 120) break; // crash in the middle of the third page
    }
    expect(saved?.objects).toBe(100);
    const resumed = await taxii.objects(API, COLL, { limit: 50, cursor: saved! }).toArray();
    const all = [...first.slice(0, saved!.objects), ...resumed];
    expect(keys(all)).toEqual(expected(rows));

    // Incremental poll: only what was added since.
    const stream2 = taxii.objects(API, COLL, { limit: 50, cursor: saved! });
    await stream2.toArray();
    const done = stream2.cursor;
    expect(done.done).toBe(true);
    const extra = makeObjects(260)
      .slice(230)
      .map((row) => ({ ...row, dateAdded: '2025-01-01T00:00:00.000000Z' }));
    server.collections.get(COLL)!.objects.push(...extra);
    const newer = await taxii.objects(API, COLL, { limit: 50, cursor: done }).toArray();
    expect(keys(newer)).toEqual(expected(extra));
  });

  it('falls back to added_after when a stored `next` token has expired', async () => {
    const rows = makeObjects(120);
    server.addCollection(COLL, rows);
    const taxii = client();
    let saved: TaxiiCursor | undefined;
    const seen: StixObject[] = [];
    for await (const object of taxii.objects(API, COLL, {
      limit: 40,
      onCursor: (c) => {
        saved = c;
      },
    })) {
      seen.push(object);
      if (seen.length === 41) break;
    }
    expect(saved?.next).toBeDefined();
    server.expireTokens();
    const events: TaxiiStreamEvent[] = [];
    const rest = await taxii
      .objects(API, COLL, { limit: 40, cursor: saved!, onEvent: (e) => events.push(e) })
      .toArray();
    expect(events.some((e) => e.type === 'cursor-expired')).toBe(true);
    expect(keys([...seen.slice(0, 40), ...rest])).toEqual(expected(rows));
  });
});

describe('pollTaxii', () => {
  it('delivers pages and returns a cursor that makes the next poll incremental', async () => {
    const rows = makeObjects(60);
    server.addCollection(COLL, rows);
    const pages: number[] = [];
    const first = await pollTaxii(client(), API, COLL, {
      limit: 25,
      onPage: (objects) => void pages.push(objects.length),
    });
    expect(pages).toEqual([25, 25, 10]);
    expect(first.objects).toBe(60);
    const extra = makeObjects(63)
      .slice(60)
      .map((row) => ({ ...row, dateAdded: '2031-01-01T00:00:00.000000Z' }));
    server.collections.get(COLL)!.objects.push(...extra);
    const got: string[] = [];
    const second = await pollTaxii(client(), API, COLL, {
      limit: 25,
      cursor: first.cursor,
      onPage: (objects) => void got.push(...objects.map((o) => o.id)),
    });
    expect(got).toEqual(extra.map((r) => r.object.id));
    expect(second.cursor.done).toBe(true);
  });
});

describe('errors, auth, limits and abort', () => {
  it('sends basic auth and parses TAXII error bodies into TaxiiError', async () => {
    server.addCollection(COLL, makeObjects(3));
    server.requireAuthorization = `Basic ${Buffer.from('alice:s3cret').toString('base64')}`;
    const good = client({ auth: { type: 'basic', username: 'alice', password: 's3cret' } });
    expect(await good.collections(API)).toHaveLength(1);
    const bad = client({ auth: { type: 'bearer', token: 'nope' } });
    const error = await bad.collections(API).catch((e: unknown) => e);
    expect(isTaxiiError(error)).toBe(true);
    const taxiiError = error as import('../src/index').TaxiiError;
    expect(taxiiError.status).toBe(401);
    expect(taxiiError.code).toBe('TAXII_ERROR');
    expect(taxiiError.body?.title).toBe('Unauthorized');
    expect(taxiiError.message).not.toContain('nope');
  });

  it('stops reading a body past maxResponseBytes with LIMIT_EXCEEDED', async () => {
    server.addCollection(COLL, makeObjects(500));
    const error = await client({ maxResponseBytes: 10_000 })
      .getObjects(API, COLL, { limit: 500 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FeedTransportError);
    expect((error as FeedTransportError).code).toBe('LIMIT_EXCEEDED');
  });

  it('times out slow bodies with TIMEOUT and honours AbortSignal', async () => {
    server.addCollection(COLL, makeObjects(50));
    server.misbehaviour = { slowBody: { chunks: 10, delayMs: 100 } };
    const timeout = await client({ timeout: 150, retry: 0 })
      .getObjects(API, COLL)
      .catch((e: unknown) => e);
    expect((timeout as FeedTransportError).code).toBe('TIMEOUT');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const aborted = await client()
      .getObjects(API, COLL, {}, { signal: controller.signal })
      .catch((e: unknown) => e);
    expect((aborted as FeedTransportError).code).toBe('ABORTED');
  });

  it('aborts an iteration in the middle with ABORTED', async () => {
    server.addCollection(COLL, makeObjects(100));
    server.misbehaviour = { slowBody: { chunks: 4, delayMs: 30 } };
    const controller = new AbortController();
    const seen: StixObject[] = [];
    const error = await (async () => {
      for await (const object of client().objects(API, COLL, {
        limit: 10,
        signal: controller.signal,
      })) {
        seen.push(object);
        if (seen.length === 15) controller.abort();
      }
    })().catch((e: unknown) => e);
    expect((error as FeedTransportError).code).toBe('ABORTED');
    expect(seen.length).toBeLessThanOrEqual(20);
  });

  it('refuses TAXII 2.0 servers clearly', async () => {
    server.addCollection(COLL, makeObjects(2));
    server.misbehaviour = { contentType: 'application/vnd.oasis.taxii+json; version=2.0' };
    const error = await client()
      .getObjects(API, COLL)
      .catch((e: unknown) => e);
    expect((error as FeedValidationError).code).toBe('TAXII_VERSION_UNSUPPORTED');
  });

  it('rejects objects that are not STIX, naming where they are', async () => {
    server.addCollection(COLL, [
      ...makeObjects(2),
      { dateAdded: '2030-01-01T00:00:00.000000Z', object: { type: 'indicator', id: 'bogus' } },
    ]);
    const error = await client()
      .getObjects(API, COLL)
      .catch((e: unknown) => e);
    expect((error as FeedValidationError).issues[0]?.path).toBe('objects[2].id');
    const skipping = await client({ onInvalidObject: 'skip' }).getObjects(API, COLL);
    expect(skipping.objects).toHaveLength(2);
    expect(skipping.invalid).toHaveLength(1);
  });

  it('rejects prototype-polluting keys', async () => {
    server.addCollection(COLL, [
      {
        dateAdded: '2030-01-01T00:00:00.000000Z',
        object: JSON.parse(
          '{"type":"indicator","id":"indicator--00000000-0000-4000-8000-000000000001","__proto__":{"x":1}}',
        ),
      },
    ]);
    const error = await client()
      .getObjects(API, COLL)
      .catch((e: unknown) => e);
    expect((error as FeedValidationError).issues[0]?.path).toBe('$.objects[0].__proto__');
  });
});

describe('writes', () => {
  it('adds objects, waits for the status, reads versions, gets and deletes an object', async () => {
    server.addCollection(COLL, []);
    const taxii = client();
    const objects = makeObjects(3).map((r) => r.object as StixObject);
    const status = await taxii.addObjects(API, COLL, objects);
    expect(status.status).toBe('pending');
    const request = server.requests.find((r) => r.method === 'POST')!;
    expect(request.headers['content-type']).toBe('application/taxii+json;version=2.1');
    const complete = await taxii.waitForStatus(API, status.id, { intervalMs: 5 });
    expect(complete.status).toBe('complete');
    expect(complete.success_count).toBe(3);
    const one = await taxii.getObject(API, COLL, objects[0]!.id);
    expect(one.objects[0]?.id).toBe(objects[0]!.id);
    expect((await taxii.versions(API, COLL, objects[0]!.id)).versions).toEqual([
      '2024-01-01T00:00:00.000Z',
    ]);
    await taxii.deleteObject(API, COLL, objects[0]!.id);
    expect((await taxii.objects(API, COLL).toArray()).map((o) => o.id)).toEqual(
      objects.slice(1).map((o) => o.id),
    );
    const refused = await taxii
      .addObjects(API, COLL, [{ type: 'x', id: 'nope' }])
      .catch((e: unknown) => e);
    expect((refused as FeedValidationError).issues[0]?.path).toBe('objects[0].id');
  });
});
