// Throughput of N = 1, 2, 4 server instances, each its own process, on one PostgreSQL:
// TAXII_INSTANCES_READERS clients (default 8) page through a preloaded collection
// (TAXII_INSTANCES_OBJECTS, default 100 000) with `next` cursors, each request to the next
// instance in turn, while 2 writers POST batches of 50 through every instance. Reports
// pages/s and objects/s read and objects/s written per N over TAXII_INSTANCES_SECONDS
// (default 8) each, after TAXII_INSTANCES_WARMUP_SECONDS (default 3) of the same load
// unmeasured. Instances share nothing but the database and the cursor secret, so
// this measures what adding processes buys on this machine (its cores bound the gain).
// Each N runs twice: pages read from the database, and from each instance's mirror.
import { cpus } from 'node:os';
import { writeBenchResult } from '@intelshare/bench';
import { PostgresStorage } from '../src/postgres/index';
import { startInstances } from '../test/support/instance-processes';
import { startPostgres } from '../test/support/postgres-server';
import { generatedObject } from './support/generate';

const OBJECTS = Number(process.env.TAXII_INSTANCES_OBJECTS ?? 100_000);
const READERS = Number(process.env.TAXII_INSTANCES_READERS ?? 8);
const SECONDS = Number(process.env.TAXII_INSTANCES_SECONDS ?? 8);
const WARMUP_SECONDS = Number(process.env.TAXII_INSTANCES_WARMUP_SECONDS ?? 3);
const LIMIT = 100;
const TAXII = 'application/taxii+json;version=2.1';
const READER = { accept: TAXII, authorization: 'Bearer reader-key-0123456789abcdef' };
const WRITER = { accept: TAXII, authorization: 'Bearer writer-key-0123456789abcdef' };

const pg = await startPostgres();
const rows: Record<string, unknown>[] = [];
try {
  const storage = new PostgresStorage(pg.url);
  for (let i = 0; i < OBJECTS; i += 20_000) {
    await storage.addObjects(
      'feed',
      Array.from({ length: Math.min(20_000, OBJECTS - i) }, (_, k) => generatedObject(i + k)),
    );
  }
  await storage.analyze();
  await storage.close();
  let written = OBJECTS;

  for (const [n, mirror] of [1, 2, 4].flatMap(
    (n) =>
      [
        [n, false],
        [n, true],
      ] as const,
  )) {
    const instances = await startInstances(n, {
      pgUrl: pg.url,
      cursorSecret: 'bench-instances-secret-0123456789',
      mirror,
    });
    let request = 0;
    const nextUrl = () => instances.urls[request++ % n]!;
    // The same load, first unmeasured: every instance's code is compiled and its pool
    // connected before the timed window, so N = 4 is not timed while four processes warm up.
    const drive = async (seconds: number) => {
      const until = performance.now() + seconds * 1000;
      let pages = 0;
      let objectsRead = 0;
      let objectsWritten = 0;
      const readers = Array.from({ length: READERS }, async () => {
        let next: string | undefined;
        while (performance.now() < until) {
          const query = `limit=${LIMIT}${next ? `&next=${next}` : ''}`;
          const response = await fetch(`${nextUrl()}/api/collections/feed/objects/?${query}`, {
            headers: READER,
          });
          const page = (await response.json()) as {
            objects: unknown[];
            more: boolean;
            next?: string;
          };
          if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
          pages++;
          objectsRead += page.objects.length;
          next = page.more ? page.next : undefined;
        }
      });
      const writers = Array.from({ length: 2 }, async () => {
        while (performance.now() < until) {
          const objects = Array.from({ length: 50 }, () =>
            JSON.parse(generatedObject(written++).body),
          );
          const response = await fetch(`${nextUrl()}/api/collections/feed/objects/`, {
            method: 'POST',
            headers: { ...WRITER, 'content-type': TAXII },
            body: JSON.stringify({ objects }),
          });
          if (response.status !== 202) throw new Error(`POST: HTTP ${response.status}`);
          objectsWritten += ((await response.json()) as { success_count: number }).success_count;
        }
      });
      const started = performance.now();
      await Promise.all([...readers, ...writers]);
      return { pages, objectsRead, objectsWritten, seconds: (performance.now() - started) / 1000 };
    };
    await drive(WARMUP_SECONDS);
    const { pages, objectsRead, objectsWritten, seconds } = await drive(SECONDS);
    await instances.stop();
    rows.push({
      instances: n,
      pages: mirror ? 'mirror' : 'database',
      pagesPerSec: Math.round(pages / seconds),
      objectsReadPerSec: Math.round(objectsRead / seconds),
      objectsWrittenPerSec: Math.round(objectsWritten / seconds),
    });
  }
  for (const row of rows) {
    const one = rows.find((r) => r.instances === 1 && r.pages === row.pages)!;
    row.readRatioToOne = Number(
      ((row.pagesPerSec as number) / (one.pagesPerSec as number)).toFixed(2),
    );
  }
  console.log(
    `\ntaxii-server-instances — ${READERS} readers (pages of ${LIMIT}, round-robin) + 2 writers, ${SECONDS} s per N, ${cpus().length} cores`,
  );
  console.table(rows);
  writeBenchResult('taxii-server-instances', {
    name: 'taxii-server-instances',
    description: `N server processes on one PostgreSQL (TCP on 127.0.0.1), pages from the database or from each instance's mirror; ${READERS} readers round-robin pages of ${LIMIT} across them while 2 writers POST batches of 50; ${OBJECTS} objects preloaded; ${WARMUP_SECONDS} s warm-up, then ${SECONDS} s measured per N`,
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    results: rows,
  });
} finally {
  await pg.stop();
}
