// Child process of `policy-view.bench.ts`: serves a policy view over an existing SQLite
// collection and measures, in a fresh process (so peak RSS is the view's own): the first
// page (the collection's facts scanned and the prepared projection cached), then pages of
// 1000 and 100 at random depths, each against `JSON.stringify` of the same envelope.
// Prints one JSON line.
import { readFileSync } from 'node:fs';
import { peakRssBytes } from '@intelshare/bench';
import { parseAgreement } from '@intelshare/policy';
import { createTaxiiHandler, policyView } from '../../src/index';
import { SqliteStorage } from '../../src/sqlite/index';
import { microsToTimestamp } from '../../src/time/timestamps';
import { percentiles, seededRandom } from './generate';
import { BENCH_AGREEMENT, BENCH_PARTNER } from './policy-world';

const [dbPath, positionsPath] = process.argv.slice(2);
const positions = JSON.parse(readFileSync(positionsPath!, 'utf8')) as number[];
const storage = new SqliteStorage(dbPath!);
const handler = createTaxiiHandler({
  title: 'Bench',
  cursorSecret: 'bench-secret-0123456789abcdef',
  storage,
  auth: { anonymous: 'bench' },
  limits: { maxPageSize: 1000, requestTimeoutMs: 1_800_000 },
  apiRoots: [
    {
      path: 'api',
      title: 'Bench',
      collections: [
        { id: 'bench', title: 'Bench', canRead: ['*'] },
        {
          id: 'partner',
          title: 'Partner',
          canRead: ['*'],
          view: policyView({
            source: 'bench',
            agreement: parseAgreement(BENCH_AGREEMENT),
            recipient: { identity: BENCH_PARTNER },
          }),
        },
      ],
    },
  ],
});

async function get(limit: number, after?: number) {
  const url = `http://bench/api/collections/partner/objects/?limit=${limit}${after ? `&added_after=${microsToTimestamp(after)}` : ''}`;
  const t = performance.now();
  const response = await handler(new Request(url));
  const text = await response.text();
  const ms = performance.now() - t;
  if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${text.slice(0, 300)}`);
  return { ms, text };
}

const rssBefore = process.memoryUsage().rss;
const first = await get(1000);
const firstPeakRss = peakRssBytes();
const firstObjects = (JSON.parse(first.text) as { objects?: unknown[] }).objects?.length ?? 0;

const random = seededRandom(11);
const results: Record<string, unknown> = {};
for (const [limit, runs] of [
  [1000, 60],
  [100, 200],
] as const) {
  const times: number[] = [];
  const baseline: number[] = [];
  let objects = 0;
  for (let i = 0; i < runs; i++) {
    const at = positions[Math.floor(random() * (positions.length - 2))]!;
    const page = await get(limit, at);
    times.push(page.ms);
    const envelope = JSON.parse(page.text) as { objects?: unknown[] };
    objects += envelope.objects?.length ?? 0;
    const t = performance.now();
    JSON.stringify(envelope);
    baseline.push(performance.now() - t);
  }
  const page = percentiles(times);
  const base = percentiles(baseline);
  results[`page${limit}`] = {
    ...page,
    stringifyP50Ms: base.p50Ms,
    ratioP50: Number((base.p50Ms / page.p50Ms).toFixed(4)),
    meanObjectsPerPage: Math.round(objects / runs),
  };
}
await storage.close();
console.log(
  JSON.stringify({
    firstPageMs: Math.round(first.ms),
    firstPageObjects: firstObjects,
    rssBeforeMb: Math.round(rssBefore / 2 ** 20),
    firstPagePeakRssMb: Math.round(firstPeakRss / 2 ** 20),
    peakRssMb: Math.round(peakRssBytes() / 2 ** 20),
    ...results,
  }),
);
