// Several TAXII server instances, each its own process, on one real PostgreSQL: readers
// send every page request to the next instance in turn (cursors issued by one instance
// continued by another) while writers POST through every instance. Each reader must see
// every object exactly once: no skip, no repeat. Rate limits hold across the processes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type InstanceProcesses,
  startInstances,
} from '../../taxii-server/test/support/instance-processes';
import {
  type PostgresServer,
  startPostgres,
} from '../../taxii-server/test/support/postgres-server';
import { indicator } from './support/stix';

const TAXII = 'application/taxii+json;version=2.1';
const READER = { accept: TAXII, authorization: 'Bearer reader-key-0123456789abcdef' };
const WRITER = { accept: TAXII, authorization: 'Bearer writer-key-0123456789abcdef' };
const SECRET = 'instances-share-this-secret-0123456789';

let pg: PostgresServer;
beforeAll(async () => {
  pg = await startPostgres();
}, 120_000);
afterAll(async () => {
  await pg?.stop();
});

interface Page {
  objects: { id: string }[];
  more: boolean;
  next?: string;
}

/** Pages through the feed, each request to the next instance, until `done()` and drained. */
async function readAll(urls: string[], limit: number, offset: number, done: () => boolean) {
  const counts = new Map<string, number>();
  let request = offset;
  let addedAfter: string | undefined;
  for (;;) {
    const finalPass = done();
    let next: string | undefined;
    do {
      const base = urls[request++ % urls.length]!;
      const query = new URLSearchParams({ limit: String(limit) });
      if (next) query.set('next', next);
      if (addedAfter) query.set('added_after', addedAfter);
      const response = await fetch(`${base}/api/collections/feed/objects/?${query}`, {
        headers: READER,
      });
      expect(response.status).toBe(200);
      const page = (await response.json()) as Page;
      for (const o of page.objects) counts.set(o.id, (counts.get(o.id) ?? 0) + 1);
      const last = response.headers.get('x-taxii-date-added-last');
      // continue the cursor while it lasts; afterwards resume from the last date_added
      next = page.more ? page.next : undefined;
      if (!next && last) {
        addedAfter = last;
      }
    } while (next);
    if (finalPass) return counts;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('instances in separate processes on one PostgreSQL', () => {
  let instances: InstanceProcesses;
  beforeAll(async () => {
    instances = await startInstances(3, { pgUrl: pg.url, cursorSecret: SECRET });
  }, 120_000);
  afterAll(async () => {
    await instances?.stop();
  });

  it('every reader sees every object exactly once while writers post through every instance', async () => {
    const written: string[] = [];
    let writing = true;
    const writers = Array.from({ length: 3 }, async (_, w) => {
      for (let b = 0; b < 8; b++) {
        const base = instances.urls[(w + b) % instances.urls.length]!;
        const objects = Array.from({ length: 15 }, (_, i) => indicator(b * 15 + i, 500 + w));
        const response = await fetch(`${base}/api/collections/feed/objects/`, {
          method: 'POST',
          headers: { ...WRITER, 'content-type': TAXII },
          body: JSON.stringify({ objects }),
        });
        expect(response.status).toBe(202);
        expect((await response.json()).success_count).toBe(15);
        written.push(...objects.map((o) => o.id));
      }
    });
    const readers = [7, 10, 23, 50].map((limit, r) =>
      readAll(instances.urls, limit, r, () => !writing),
    );
    await Promise.all(writers);
    writing = false;
    const results = await Promise.all(readers);
    expect(new Set(written).size).toBe(3 * 8 * 15);
    for (const counts of results) {
      expect(counts.size).toBe(written.length);
      for (const id of written) expect(counts.get(id)).toBe(1);
    }
  });

  it('honours a cursor issued by one instance on every other', async () => {
    const [a, b, c] = instances.urls as [string, string, string];
    const first = await fetch(`${a}/api/collections/feed/objects/?limit=5`, { headers: READER });
    const page = (await first.json()) as Page;
    expect(page.next).toBeDefined();
    const fromB = await (
      await fetch(`${b}/api/collections/feed/objects/?limit=5&next=${page.next}`, {
        headers: READER,
      })
    ).json();
    const fromC = await (
      await fetch(`${c}/api/collections/feed/objects/?limit=5&next=${page.next}`, {
        headers: READER,
      })
    ).json();
    expect(fromB).toEqual(fromC);
    const ids = (fromB as Page).objects.map((o) => o.id);
    expect(ids).toHaveLength(5);
    for (const id of ids) expect(page.objects.map((o) => o.id)).not.toContain(id);
  });
});

describe('rate limits across processes', () => {
  let instances: InstanceProcesses;
  beforeAll(async () => {
    // a refill slower than the test: the budget is exactly the burst of 5
    instances = await startInstances(2, { pgUrl: pg.url, cursorSecret: SECRET, rate: '0.001/5' });
  }, 120_000);
  afterAll(async () => {
    await instances?.stop();
  });

  it('holds one budget per principal whichever process answers', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const base = instances.urls[i % 2]!;
      const response = await fetch(`${base}/taxii2/`, { headers: WRITER });
      await response.arrayBuffer();
      statuses.push(response.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
  });
});
