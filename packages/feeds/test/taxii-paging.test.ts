import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  Poller,
  type PollerEvent,
  type StixObject,
  TaxiiClient,
  type TaxiiCursor,
  TaxiiIncompleteError,
  type TaxiiStreamEvent,
  taxiiSource,
} from '../src/index';
import { FixtureTaxiiServer, makeObjects, type StoredObject } from './support/taxii-fixture-server';

// One fixture server per kind of paging seen in the wild (TAXII 2.1 §3.4 allows all of
// them). Every test asserts the exact set of versions delivered, in order.

const FAST_RETRY = { limit: 3, baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 20 };
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

const keys = (objects: readonly StixObject[]) => objects.map((o) => `${o.id}|${o.modified}`);
const expected = (rows: readonly StoredObject[]) =>
  rows.map((r) => `${r.object.id}|${r.object.modified as string}`);
const client = () => new TaxiiClient({ url: base, retry: FAST_RETRY });
const nextTokens = () =>
  server.requests
    .map((r) => new URL(r.url, base).searchParams.get('next'))
    .filter((t): t is string => t !== null);
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function pullUntilError(
  stream: ReturnType<TaxiiClient['objects']>,
): Promise<{ got: StixObject[]; error: unknown }> {
  const got: StixObject[] = [];
  try {
    for await (const page of stream.pages()) got.push(...page);
  } catch (error) {
    return { got, error };
  }
  return { got, error: undefined };
}

describe('TaxiiClient.objects() pages to the exact server set', () => {
  it('a new `next` token per page', async () => {
    const rows = makeObjects(250);
    server.addCollection(COLL, rows);
    const stream = client().objects(API, COLL, { limit: 50 });
    expect(keys(await stream.toArray())).toEqual(expected(rows));
    expect(new Set(nextTokens()).size).toBe(4);
    expect(stream.cursor).toMatchObject({ done: true, pages: 5, objects: 250 });
  });

  for (const readAhead of [false, true]) {
    it(`one \`next\` token reused for the whole chain${readAhead ? ' (read-ahead)' : ''}`, async () => {
      // The reproduction: a server whose token names a paging session. Taking the
      // repeated token for a loop ended the pull after two pages.
      const rows = makeObjects(731);
      server.addCollection(COLL, rows);
      server.misbehaviour = { sessionToken: true };
      const stream = client().objects(API, COLL, { limit: 100, readAhead });
      expect(keys(await stream.toArray())).toEqual(expected(rows));
      const tokens = nextTokens();
      expect(tokens).toHaveLength(7);
      expect(new Set(tokens).size).toBe(1);
      expect(stream.cursor).toMatchObject({ done: true, pages: 8, objects: 731 });
    });
  }

  it('a token that expires after a while: falls back to added_after and loses nothing', async () => {
    const rows = makeObjects(200, 3); // ties of date_added, so the fallback lands mid-group
    server.addCollection(COLL, rows);
    server.misbehaviour = { tokenTtlMs: 100 };
    const events: TaxiiStreamEvent[] = [];
    const got: StixObject[] = [];
    let page = 0;
    for await (const objects of client()
      .objects(API, COLL, { limit: 40, onEvent: (e) => events.push(e) })
      .pages()) {
      got.push(...objects);
      // A slow consumer: the token of the next page is older than its lifetime.
      if (++page === 2) await wait(300);
    }
    expect(keys(got)).toEqual(expected(rows));
    expect(events.filter((e) => e.type === 'cursor-expired')).toHaveLength(1);
    // Requests: page 1, page 2, page 3 refused (expired token), then the fallback.
    const afterExpiry = server.requests[3]!;
    expect(new URL(afterExpiry.url, base).searchParams.get('added_after')).toBe(
      // The newest date_added delivered (object 79), one microsecond earlier.
      '2024-01-01T00:00:25.999999Z',
    );
  });

  it('`date_added` ties across a page boundary, paging by added_after', async () => {
    const rows = makeObjects(250, 7);
    server.addCollection(COLL, rows);
    server.misbehaviour = { noNext: true };
    expect(keys(await client().objects(API, COLL, { limit: 50 }).toArray())).toEqual(
      expected(rows),
    );
  });

  it('look-alike pages [A, X, B] then [A, Y, B]: all 5 objects', async () => {
    // Same count, same first and same last object: a fingerprint of the page would call
    // the second one a repeat and drop Y.
    const rows = makeObjects(5);
    server.addCollection(COLL, rows);
    server.misbehaviour = {
      pages: [
        [0, 1, 2],
        [0, 3, 2],
        [0, 3, 2, 4],
      ],
    };
    const got = await client().objects(API, COLL, {}).toArray();
    expect(keys(got)).toEqual(expected([rows[0]!, rows[1]!, rows[2]!, rows[3]!, rows[4]!]));
  });

  it('empty pages with fresh tokens (a server filtering after paging) are followed', async () => {
    const rows = makeObjects(4);
    server.addCollection(COLL, rows);
    server.misbehaviour = { pages: [[0, 1], [], [], [], [], [], [2, 3]] };
    expect(keys(await client().objects(API, COLL, {}).toArray())).toEqual(expected(rows));
  });

  it('a repeated token that still brings new objects is followed, not taken for a loop', async () => {
    const rows = makeObjects(12);
    server.addCollection(COLL, rows);
    server.misbehaviour = {
      pages: [
        [0, 1, 2],
        [0, 1, 2],
        [3, 4, 5],
        [6, 7, 8],
        [9, 10, 11],
      ],
    };
    expect(keys(await client().objects(API, COLL, {}).toArray())).toEqual(expected(rows));
  });
});

describe('a pull that cannot finish ends with TaxiiIncompleteError, resumable', () => {
  it('`more: true` forever with the same page: typed error, not a spin', async () => {
    const rows = makeObjects(120);
    server.addCollection(COLL, rows);
    server.misbehaviour = { samePageForever: true };
    const stream = client().objects(API, COLL, { limit: 50 });
    const { got, error } = await pullUntilError(stream);
    expect(error).toBeInstanceOf(TaxiiIncompleteError);
    const incomplete = error as TaxiiIncompleteError;
    expect(incomplete.code).toBe('TAXII_INCOMPLETE');
    expect(incomplete.reason).toBe('loop');
    expect(incomplete.message).toMatch(/after 4 pages and 50 objects/);
    expect(incomplete.message).toMatch(/Resume with the error's `cursor`/);
    expect(keys(got)).toEqual(expected(rows.slice(0, 50)));
    // The first page and three that brought nothing new.
    expect(server.requests).toHaveLength(4);
    expect(incomplete.cursor).toMatchObject({ done: false, objects: 50, pages: 4 });
    expect(stream.cursor).toEqual(incomplete.cursor);

    // Once the server behaves, the cursor continues where the pull stopped.
    server.misbehaviour = {};
    const rest = await client()
      .objects(API, COLL, { limit: 50, cursor: incomplete.cursor })
      .toArray();
    expect(keys([...got, ...rest])).toEqual(expected(rows));
  });

  it('a chain looping back to its first page: every object once, then the typed error', async () => {
    const rows = makeObjects(120);
    server.addCollection(COLL, rows);
    server.misbehaviour = { loop: true };
    const events: TaxiiStreamEvent[] = [];
    const { got, error } = await pullUntilError(
      client().objects(API, COLL, { limit: 50, onEvent: (e) => events.push(e) }),
    );
    expect(keys(got)).toEqual(expected(rows));
    expect((error as TaxiiIncompleteError).reason).toBe('loop');
    expect(events.some((e) => e.type === 'no-progress')).toBe(true);
  });

  it('a loop longer than the dedupe window: repeats recognised by whole-page digests', async () => {
    const rows = makeObjects(300);
    server.addCollection(COLL, rows);
    server.misbehaviour = { loop: true };
    const { got, error } = await pullUntilError(
      client().objects(API, COLL, { limit: 20, dedupeWindow: 50 }),
    );
    expect(keys(got)).toEqual(expected(rows));
    expect((error as TaxiiIncompleteError).reason).toBe('loop');
    expect(server.requests.length).toBe(15 + 3);
  });

  it('`more` with neither `next` nor X-TAXII-Date-Added-Last: the page is kept, then the error', async () => {
    server.addCollection(COLL, makeObjects(30));
    server.misbehaviour = { noNext: true };
    const dropHeader: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const headers = new Headers(response.headers);
      headers.delete('x-taxii-date-added-last');
      return new Response(response.body, { status: response.status, headers });
    };
    const taxii = new TaxiiClient({ url: base, retry: 0, fetch: dropHeader });
    const { got, error } = await pullUntilError(taxii.objects(API, COLL, { limit: 10 }));
    expect(got).toHaveLength(10);
    expect((error as TaxiiIncompleteError).reason).toBe('no-continuation');
    expect((error as TaxiiIncompleteError).cursor).toMatchObject({ objects: 10, done: false });
  });

  it('a rejected token with no added_after to fall back to', async () => {
    server.addCollection(COLL, makeObjects(100));
    const dropDates: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const headers = new Headers(response.headers);
      headers.delete('x-taxii-date-added-first');
      headers.delete('x-taxii-date-added-last');
      return new Response(response.body, { status: response.status, headers });
    };
    const taxii = new TaxiiClient({ url: base, retry: 0, fetch: dropDates });
    const stream = taxii.objects(API, COLL, { limit: 40 });
    const got: StixObject[] = [];
    let error: unknown;
    try {
      for await (const page of stream.pages()) {
        got.push(...page);
        server.expireTokens();
      }
    } catch (caught) {
      error = caught;
    }
    expect(got).toHaveLength(40);
    expect((error as TaxiiIncompleteError).reason).toBe('cursor-rejected');
    expect((error as TaxiiIncompleteError).cursor).toMatchObject({ objects: 40, done: false });
  });

  it('a group sharing one date_added larger than any page: `stuck` after widening', async () => {
    const rows = makeObjects(40, 40);
    server.addCollection(COLL, rows);
    server.misbehaviour = { noNext: true, inclusiveAddedAfter: true, maxPageSize: 10 };
    const events: TaxiiStreamEvent[] = [];
    const { got, error } = await pullUntilError(
      client().objects(API, COLL, { limit: 10, onEvent: (e) => events.push(e) }),
    );
    expect((error as TaxiiIncompleteError).reason).toBe('stuck');
    expect(keys(got)).toEqual(expected(rows.slice(0, 10)));
    expect(events.filter((e) => e.type === 'page-widened')).toHaveLength(4);
    expect(server.requests.length).toBeLessThan(10);
  });

  it('the poller reports the source as failed and keeps the state of what it delivered', async () => {
    const rows = makeObjects(120);
    server.addCollection(COLL, rows);
    server.misbehaviour = { samePageForever: true };
    const events: PollerEvent[] = [];
    const delivered: StixObject[] = [];
    const states = new Map<string, unknown>();
    const poller = new Poller({
      sources: [
        taxiiSource({
          id: 'p',
          client: client(),
          apiRoot: API,
          collectionId: COLL,
          intervalMs: 60_000,
          limit: 50,
        }),
      ],
      sink: ({ objects }) => void delivered.push(...objects),
      store: { get: (id) => states.get(id), set: (id, state) => void states.set(id, state) },
      onEvent: (e) => events.push(e),
    });
    await poller.runOnce();
    const failed = events.find((e) => e.type === 'poll-error');
    expect(failed).toBeDefined();
    expect((failed as { error: unknown }).error).toBeInstanceOf(TaxiiIncompleteError);
    expect(events.some((e) => e.type === 'poll-done')).toBe(false);
    expect(keys(delivered)).toEqual(expected(rows.slice(0, 50)));
    expect((states.get('p') as TaxiiCursor).done).toBe(false);

    server.misbehaviour = {};
    await poller.runOnce();
    expect(keys(delivered)).toEqual(expected(rows));
    expect(events.at(-1)?.type).toBe('poll-done');
  });
});
