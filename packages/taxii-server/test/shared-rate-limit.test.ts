// `limits.rateLimit` across instances: two handlers, each with its own pool and its own
// PostgresRateLimiter on one real PostgreSQL, served over HTTP on 127.0.0.1. The budget is
// one, whichever instance a request reaches; in-process buckets would allow it twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTaxiiHandler,
  hashApiKey,
  loadServerConfig,
  MemoryStorage,
  TAXII_MEDIA_TYPE,
  toTaxiiServerConfig,
} from '../src/index';
import { openRateLimitStore, type RunningServer, serve } from '../src/node/index';
import { PostgresRateLimiter } from '../src/postgres/index';
import { type PostgresServer, startPostgres } from './support/postgres-server';

const KEY = 'rate-key-0123456789abcdef';
const HEADERS = { accept: TAXII_MEDIA_TYPE, authorization: `Bearer ${KEY}` };
// A refill slower than any test run, so the budget is exactly the burst.
const RATE = { perSecond: 0.001, burst: 4 };

let postgres: PostgresServer;
const servers: RunningServer[] = [];
const limiters: PostgresRateLimiter[] = [];

async function instance(shared: boolean): Promise<RunningServer> {
  const limiter = new PostgresRateLimiter(postgres.url);
  limiters.push(limiter);
  const server = await serve(
    createTaxiiHandler({
      title: 'T',
      cursorSecret: 'rate-secret-0123456789',
      storage: new MemoryStorage(),
      ...(shared ? { rateLimitStore: limiter } : {}),
      limits: { rateLimit: RATE },
      auth: { apiKeys: [{ principal: 'partner', hash: await hashApiKey(KEY) }] },
      apiRoots: [],
    }),
  );
  servers.push(server);
  return server;
}

beforeAll(async () => {
  postgres = await startPostgres();
}, 120_000);
afterAll(async () => {
  for (const server of servers) await server.close();
  for (const limiter of limiters) await limiter.close();
  await postgres?.stop();
});

const get = async (server: RunningServer) => {
  const response = await fetch(`${server.url}/taxii2/`, { headers: HEADERS });
  await response.arrayBuffer();
  return { status: response.status, retryAfter: response.headers.get('retry-after') };
};

describe('PostgresRateLimiter', () => {
  it('holds one budget across two instances', async () => {
    const a = await instance(true);
    const b = await instance(true);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await get(i % 2 === 0 ? a : b)).status);
    expect(statuses).toEqual([200, 200, 200, 200]);
    const overA = await get(a);
    const overB = await get(b);
    expect(overA.status).toBe(429);
    expect(overB.status).toBe(429);
    expect(Number(overB.retryAfter)).toBeGreaterThanOrEqual(1);
  });

  it('counts requests arriving at once on both instances exactly once each', async () => {
    // A fresh principal name through the store directly: 10 concurrent takes, burst 4.
    const limiter = new PostgresRateLimiter(postgres.url);
    limiters.push(limiter);
    const other = new PostgresRateLimiter(postgres.url);
    limiters.push(other);
    const waits = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? limiter : other).take('burst-test', 0.001, 4)),
    );
    expect(waits.filter((w) => w === 0)).toHaveLength(4);
    expect(waits.filter((w) => w > 0)).toHaveLength(6);
  });

  it('refills at the configured rate', async () => {
    const limiter = new PostgresRateLimiter(postgres.url);
    limiters.push(limiter);
    // 1000/s with a burst of 1: the second take right away waits, a later one passes.
    expect(await limiter.take('refill-test', 1000, 1)).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await limiter.take('refill-test', 1000, 1)).toBe(0);
  });

  it('without the shared store each instance has its own budget (the contrast)', async () => {
    const a = await instance(false);
    const b = await instance(false);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await get(i % 2 === 0 ? a : b)).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(8);
  });

  it('is what openRateLimitStore gives a config-file server on PostgreSQL', async () => {
    expect(await openRateLimitStore('sqlite:./x.db')).toBeUndefined();
    expect(await openRateLimitStore('memory:')).toBeUndefined();
    const file = loadServerConfig(
      JSON.stringify({
        title: 'T',
        cursorSecret: 'rate-secret-0123456789',
        storage: postgres.url,
        limits: { rateLimit: { perSecond: 0.001, burst: 2 } },
        auth: {
          apiKeys: [{ principal: 'cfg', hash: await hashApiKey('cfg-key-0123456789abcdef') }],
        },
        apiRoots: [
          { path: 'api', title: 'A', collections: [{ id: 'c', title: 'C', canRead: ['cfg'] }] },
        ],
      }),
    );
    const handlers = [];
    for (let i = 0; i < 2; i++) {
      const store = await openRateLimitStore(file.storage);
      expect(store).toBeInstanceOf(PostgresRateLimiter);
      limiters.push(store as PostgresRateLimiter);
      handlers.push(
        createTaxiiHandler(
          toTaxiiServerConfig(file, { storage: new MemoryStorage(), rateLimitStore: store! }),
        ),
      );
    }
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      const response = await handlers[i % 2]!(
        new Request('http://127.0.0.1/taxii2/', {
          headers: { accept: TAXII_MEDIA_TYPE, authorization: 'Bearer cfg-key-0123456789abcdef' },
        }),
      );
      statuses.push(response.status);
    }
    expect(statuses).toEqual([200, 200, 429]);
  });
});
