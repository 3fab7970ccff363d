import ky from 'ky';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type FeedTransportError,
  httpFeedSource,
  isTaxiiError,
  MispFeedClient,
  openPhishMapping,
  Poller,
  TaxiiClient,
} from '../src/index';
import { FixtureTaxiiServer, makeObjects } from './support/taxii-fixture-server';

// ky is the HTTP layer of every client: the caller's options or instance (hooks, fetch,
// prefixUrl) apply to every request, while retries, timeouts and errors stay the
// client's own (they cover the body, which ky's do not).

let server: FixtureTaxiiServer;
let base: string;

beforeEach(async () => {
  server = new FixtureTaxiiServer();
  base = await server.start();
  server.addCollection('c1', makeObjects(120));
});
afterEach(async () => {
  await server.stop();
});

const FAST_RETRY = { limit: 4, baseDelayMs: 1, maxDelayMs: 5 };

describe('ky options', () => {
  it('a beforeRequest hook refreshes a token on every request; afterResponse sees each answer', async () => {
    let token = 0;
    const statuses: number[] = [];
    server.requireAuthorization = undefined;
    const client = new TaxiiClient({
      url: base,
      ky: {
        hooks: {
          beforeRequest: [(request) => request.headers.set('x-token', `t${++token}`)],
          afterResponse: [(_request, _options, response) => void statuses.push(response.status)],
        },
      },
    });
    const objects = await client.objects('api1/', 'c1', { limit: 50 }).toArray();
    expect(objects).toHaveLength(120);
    expect(server.requests.map((r) => r.headers['x-token'])).toEqual(['t1', 't2', 't3']);
    expect(statuses).toEqual([200, 200, 200]);
  });

  it('`prefixUrl` names the server', async () => {
    const client = new TaxiiClient({ ky: { prefixUrl: base } });
    expect((await client.discover()).title).toBe('Fixture TAXII');
    expect(await client.objects('api1/', 'c1', { limit: 100 }).toArray()).toHaveLength(120);
    expect(server.requests.map((r) => r.url)).toEqual([
      '/taxii2/',
      '/api1/collections/c1/objects/?limit=100',
      `/api1/collections/c1/objects/?limit=100&next=${new URL(server.requests[2]!.url, base).searchParams.get('next')}`,
    ]);
  });

  it('a proxying `fetch` carries every request', async () => {
    const seen: string[] = [];
    const proxy: typeof fetch = (input, init) => {
      seen.push(input instanceof Request ? input.url : String(input));
      return fetch(input, init);
    };
    const client = new TaxiiClient({ url: base, ky: { fetch: proxy } });
    await client.objects('api1/', 'c1', { limit: 60 }).toArray();
    expect(seen).toHaveLength(2);
    expect(seen.every((url) => url.startsWith(`${base}api1/collections/c1/objects/`))).toBe(true);
  });
});

describe('a ky instance of your own', () => {
  it('is used for every request, with its hooks', async () => {
    const methods: string[] = [];
    const instance = ky.create({
      hooks: { beforeRequest: [(request) => void methods.push(request.method)] },
    });
    const client = new TaxiiClient({ url: base, ky: instance });
    await client.discover();
    await client.collections('api1/');
    expect(methods).toEqual(['GET', 'GET']);
  });

  it("its own retry and timeout are replaced by the client's (no doubled attempts)", async () => {
    server.misbehaviour = { fail500Every: 1 };
    const instance = ky.create({ retry: 5, timeout: 1 });
    const error = await new TaxiiClient({ url: base, ky: instance, retry: 2, timeout: 10_000 })
      .objects('api1/', 'c1')
      .toArray()
      .catch((e: unknown) => e);
    expect(isTaxiiError(error) && error.status).toBe(500);
    expect(server.requests).toHaveLength(3); // one attempt and two retries, all the client's
  });
});

describe('what the layer on top keeps doing with ky in place', () => {
  it('times out and aborts through your own instance too', async () => {
    server.misbehaviour = { slowBody: { chunks: 10, delayMs: 100 } };
    const instance = ky.create({});
    const timedOut = await new TaxiiClient({ url: base, retry: 0, timeout: 150, ky: instance })
      .objects('api1/', 'c1')
      .toArray()
      .catch((e: unknown) => e);
    expect((timedOut as FeedTransportError).code).toBe('TIMEOUT');
    const controller = new AbortController();
    const pending = new TaxiiClient({ url: base, retry: 0, ky: instance })
      .getObjects('api1/', 'c1', {}, { signal: controller.signal })
      .catch((e: unknown) => e);
    setTimeout(() => controller.abort(), 50);
    expect(((await pending) as FeedTransportError).code).toBe('ABORTED');
  });

  it('repeats a page whose body fails halfway', async () => {
    server.misbehaviour = { dropConnectionEvery: 2 };
    const objects = await new TaxiiClient({ url: base, retry: FAST_RETRY, ky: {} })
      .objects('api1/', 'c1', { limit: 40 })
      .toArray();
    expect(objects).toHaveLength(120);
  });

  it('times out a body that trickles, whatever ky would allow', async () => {
    server.misbehaviour = { slowBody: { chunks: 10, delayMs: 100 } };
    const error = await new TaxiiClient({
      url: base,
      retry: 0,
      timeout: 150,
      ky: { timeout: false },
    })
      .objects('api1/', 'c1')
      .toArray()
      .catch((e: unknown) => e);
    expect((error as FeedTransportError).code).toBe('TIMEOUT');
  });

  it('caps Retry-After', async () => {
    server.misbehaviour = { storm429: { count: 1, retryAfter: '3600' } };
    const delays: number[] = [];
    const objects = await new TaxiiClient({
      url: base,
      retry: { ...FAST_RETRY, maxRetryAfterMs: 10 },
      onRetry: (info) => delays.push(info.delayMs),
    })
      .objects('api1/', 'c1', { limit: 200 })
      .toArray();
    expect(objects).toHaveLength(120);
    expect(delays).toEqual([10]);
  });
});

describe('every client goes through ky', () => {
  it('MISP feeds and plain feeds run the caller’s hooks', async () => {
    const urls: string[] = [];
    const hooks = {
      beforeRequest: [(request: Request) => void urls.push(new URL(request.url).pathname)],
    };
    const misp = new MispFeedClient({ url: `${base}misp/`, retry: 0, ky: { hooks } });
    await misp.manifest().catch(() => {});
    const poller = new Poller({
      sources: [
        httpFeedSource({
          id: 'list',
          url: `${base}list.txt`,
          mapping: openPhishMapping,
          intervalMs: 60_000,
          http: { retry: 0, ky: { hooks } },
        }),
      ],
      sink: () => {},
    });
    await poller.runOnce();
    expect(urls).toEqual(['/misp/manifest.json', '/list.txt']);
  });
});
