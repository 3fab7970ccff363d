import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFixture } from '@intelshare/fixtures';
import { afterEach, describe, expect, it } from 'vitest';
import {
  feodoTrackerMapping,
  httpFeedSource,
  Poller,
  type PollerEvent,
  type SinkBatch,
  TaxiiClient,
  taxiiSource,
} from '../src/index';
import { FixtureTaxiiServer, makeObjects } from './support/taxii-fixture-server';

const servers: Server[] = [];
let taxii: FixtureTaxiiServer | undefined;
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  await taxii?.stop();
  taxii = undefined;
});

async function waitFor(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

describe('Poller', () => {
  it('polls TAXII and CSV sources, uses conditional requests, persists state, backs off a failing source', async () => {
    taxii = new FixtureTaxiiServer();
    const taxiiBase = await taxii.start();
    const rows = makeObjects(75);
    taxii.addCollection('c1', rows);

    const csv = readFixture('feeds/abusech/feodotracker-ipblocklist.csv');
    const csvRequests: (string | undefined)[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const csvBase = await serve(async (req, res) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 30));
      inFlight--;
      csvRequests.push(req.headers['if-none-match']);
      if (req.headers['if-none-match'] === '"v1"') {
        res.statusCode = 304;
        return res.end();
      }
      res.writeHead(200, { etag: '"v1"', 'content-type': 'text/csv' });
      res.end(csv);
    });
    const brokenBase = await serve((_req, res) => {
      res.statusCode = 500;
      res.end('down');
    });

    const batches: SinkBatch[] = [];
    const events: PollerEvent[] = [];
    const states = new Map<string, unknown>();
    const poller = new Poller({
      sources: [
        taxiiSource({
          id: 'taxii',
          client: new TaxiiClient({ url: taxiiBase, retry: 0 }),
          apiRoot: 'api1/',
          collectionId: 'c1',
          limit: 20,
          intervalMs: 60_000,
        }),
        httpFeedSource({
          id: 'feodo',
          url: `${csvBase}ipblocklist.csv`,
          mapping: feodoTrackerMapping,
          intervalMs: 60_000,
          batchSize: 10,
        }),
        httpFeedSource({
          id: 'feodo-mirror',
          url: `${csvBase}mirror.csv`,
          mapping: feodoTrackerMapping,
          intervalMs: 60_000,
        }),
        httpFeedSource({
          id: 'broken',
          url: brokenBase,
          mapping: feodoTrackerMapping,
          intervalMs: 60_000,
          http: { retry: 0 },
        }),
      ],
      concurrency: 2,
      sink: async (batch) => {
        batches.push(batch);
      },
      store: {
        get: (id) => states.get(id),
        set: (id, state) => void states.set(id, structuredClone(state)),
      },
      backoff: { baseMs: 1000, maxMs: 8000 },
      onEvent: (event) => events.push(event),
    });

    await poller.runOnce();
    expect(maxInFlight).toBeLessThanOrEqual(2);
    const taxiiIds = batches
      .filter((b) => b.sourceId === 'taxii')
      .flatMap((b) => b.objects.map((o) => o.id));
    expect(taxiiIds).toEqual(rows.map((r) => r.object.id));
    const feodo = batches.filter((b) => b.sourceId === 'feodo');
    expect(feodo.length).toBeGreaterThan(1); // batched by 10
    expect(feodo.flatMap((b) => b.objects).filter((o) => o.type === 'indicator')).toHaveLength(28);
    expect(states.get('feodo')).toEqual({ etag: '"v1"' });
    const failure = events.find((e) => e.type === 'poll-error');
    expect(failure).toMatchObject({ sourceId: 'broken', failures: 1 });
    expect((failure as { nextRunInMs: number }).nextRunInMs).toBeGreaterThanOrEqual(500);

    // Second round: the CSV answers 304, TAXII returns only what was added since.
    batches.length = 0;
    const extra = makeObjects(80)
      .slice(75)
      .map((row) => ({ ...row, dateAdded: '2030-01-01T00:00:00.000000Z' }));
    taxii.collections.get('c1')!.objects.push(...extra);
    await poller.runOnce();
    expect(csvRequests.slice(-2)).toEqual(['"v1"', '"v1"']);
    expect(batches.filter((b) => b.sourceId === 'feodo')).toEqual([]);
    expect(
      batches.filter((b) => b.sourceId === 'taxii').flatMap((b) => b.objects.map((o) => o.id)),
    ).toEqual(extra.map((r) => r.object.id));
    const second = events.filter((e) => e.type === 'poll-error');
    expect(second.at(-1)).toMatchObject({ sourceId: 'broken', failures: 2 });
  });

  it('runs on a schedule with start/stop and does not persist state when the sink fails', {
    timeout: 30_000,
  }, async () => {
    let served = 0;
    const base = await serve((_req, res) => {
      served++;
      res.end('http://a.example/x\n');
    });
    const events: PollerEvent[] = [];
    let fail = true;
    const states = new Map<string, unknown>();
    const poller = new Poller({
      sources: [
        httpFeedSource({
          id: 'list',
          url: base,
          mapping: {
            name: 'L',
            provider: 'P',
            format: 'lines',
            header: 'none',
            observable: { column: 0, kind: 'url' },
          },
          intervalMs: 40,
        }),
      ],
      sink: () => {
        if (fail) throw new Error('sink down');
      },
      store: { get: (id) => states.get(id), set: (id, state) => void states.set(id, state) },
      backoff: { baseMs: 20, maxMs: 40 },
      onEvent: (event) => events.push(event),
    });
    poller.start();
    await waitFor(() => events.some((e) => e.type === 'poll-error'));
    expect(states.has('list')).toBe(false);
    fail = false;
    await waitFor(() => states.has('list'));
    // The schedule keeps running: a second successful poll comes after `intervalMs`.
    await waitFor(() => events.filter((e) => e.type === 'poll-done').length >= 2);
    await poller.stop();
    expect(served).toBeGreaterThanOrEqual(3);
    const after = served;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(served).toBe(after);
  });
});

describe('httpFeedSource conditional requests', () => {
  it('sends If-Modified-Since from Last-Modified and skips a 304', async () => {
    const seen: (string | undefined)[] = [];
    const base = await serve((req, res) => {
      seen.push(req.headers['if-modified-since']);
      if (req.headers['if-modified-since'] === 'Wed, 01 Jan 2025 00:00:00 GMT') {
        res.statusCode = 304;
        return res.end();
      }
      res.writeHead(200, { 'last-modified': 'Wed, 01 Jan 2025 00:00:00 GMT' });
      res.end('https://phish.example/a\nhttps://phish.example/b\n');
    });
    const batches: SinkBatch[] = [];
    const poller = new Poller({
      sources: [
        httpFeedSource({
          id: 'p',
          url: base,
          mapping: {
            name: 'P',
            provider: 'P',
            format: 'lines',
            header: 'none',
            observable: { column: 0, kind: 'url' },
          },
          intervalMs: 1000,
        }),
      ],
      sink: (batch) => void batches.push(batch),
    });
    await poller.runOnce();
    await poller.runOnce();
    expect(seen).toEqual([undefined, 'Wed, 01 Jan 2025 00:00:00 GMT']);
    expect(batches).toHaveLength(1);
    expect(batches[0]!.objects.filter((o) => o.type === 'indicator')).toHaveLength(2);
  });
});
