import { fileURLToPath } from 'node:url';
import { measureInChild, runBenchSuite } from '@intelshare/bench';
import { TaxiiClient } from '@intelshare/feeds';
import { startPageServer } from './support/page-server';

const COUNT = 100_000;
const { url, server, bytes } = await startPageServer(COUNT);
const client = new TaxiiClient({ url, retry: 0 });

async function bare(limit: number): Promise<number> {
  let count = 0;
  let next: string | undefined;
  for (;;) {
    const query = `limit=${limit}${next ? `&next=${next}` : ''}`;
    const response = await fetch(`${url}api1/collections/bench/objects/?${query}`, {
      headers: { accept: 'application/taxii+json;version=2.1' },
    });
    const page = (await response.json()) as { more?: boolean; next?: string; objects?: unknown[] };
    count += page.objects?.length ?? 0;
    if (!page.more || !page.next) return count;
    next = page.next;
  }
}

async function pull(limit: number): Promise<number> {
  let count = 0;
  for await (const page of client.objects('api1/', 'bench', { limit }).pages())
    count += page.length;
  return count;
}

if ((await bare(1000)) !== COUNT || (await pull(1000)) !== COUNT)
  throw new Error('bench server/client mismatch');

// Peak RSS of a fresh process pulling growing collections: flat means bounded memory.
const child = fileURLToPath(new URL('./support/pull-child.ts', import.meta.url));
const rss: Record<string, number> = {};
for (const size of [25_000, 50_000, 100_000]) {
  const sized = size === COUNT ? { url, server } : await startPageServer(size);
  const result = await measureInChild(child, [sized.url, '1000']);
  if (Number(result.stdout.trim()) !== size)
    throw new Error(`child pulled ${result.stdout.trim()} of ${size}`);
  rss[`${size / 1000}k objects`] = Math.round(result.peakRssBytes / 1e6);
  if (sized.server !== server) sized.server.close();
}

// A 100k-object pull must fit in a 64 MB old space: the collection (~52 MB of JSON) is
// never held at once.
const capped = await measureInChild(child, [url, '1000'], { maxOldSpaceMb: 64 });
if (Number(capped.stdout.trim()) !== COUNT) throw new Error('capped-heap pull did not finish');

await runBenchSuite({
  name: 'feeds-taxii-pull',
  description: `TaxiiClient.objects() pulling ${COUNT} objects from a local server vs bare fetch + JSON.parse`,
  baseline: {
    name: 'bare fetch+json, limit 1000',
    run: () => bare(1000),
    items: COUNT,
    bytes: bytes(1000),
  },
  cases: [
    {
      name: 'TaxiiClient.objects, limit 1000',
      run: () => pull(1000),
      items: COUNT,
      bytes: bytes(1000),
    },
    { name: 'bare fetch+json, limit 100', run: () => bare(100), items: COUNT, bytes: bytes(100) },
    {
      name: 'TaxiiClient.objects, limit 100',
      run: () => pull(100),
      items: COUNT,
      bytes: bytes(100),
    },
  ],
  iterations: 3,
  time: 500,
  extra: {
    objects: COUNT,
    peakRssMbPerCollectionSize: rss,
    peakRssMbWithMaxOldSpace64: Math.round(capped.peakRssBytes / 1e6),
    target: '>= 0.8x bare baseline; RSS flat',
  },
});
server.closeAllConnections();
server.close();
