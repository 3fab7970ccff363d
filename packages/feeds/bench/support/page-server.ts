import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A TAXII-shaped server on 127.0.0.1 that serves `count` indicators from pre-built pages. */
export async function startPageServer(
  count: number,
): Promise<{ url: string; server: Server; bytes: (limit: number) => number }> {
  const objects: string[] = [];
  for (let i = 0; i < count; i++) {
    const hex = i.toString(16).padStart(12, '0');
    objects.push(
      JSON.stringify({
        type: 'indicator',
        spec_version: '2.1',
        id: `indicator--00000000-0000-4000-8000-${hex}`,
        created: '2024-01-01T00:00:00.000Z',
        modified: '2024-01-01T00:00:00.000Z',
        name: `C2 server ${i}`,
        description: 'Command-and-control endpoint observed in a phishing campaign.',
        indicator_types: ['malicious-activity'],
        pattern: `[ipv4-addr:value = '10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}']`,
        pattern_type: 'stix',
        valid_from: '2024-01-01T00:00:00Z',
        labels: ['botnet', 'c2'],
        external_references: [{ source_name: 'bench', external_id: `B-${i}` }],
      }),
    );
  }
  const cache = new Map<number, string[]>();
  const pages = (limit: number): string[] => {
    let list = cache.get(limit);
    if (!list) {
      list = [];
      for (let offset = 0; offset < count; offset += limit) {
        const end = Math.min(count, offset + limit);
        const more = end < count;
        list.push(
          `{"more":${more},${more ? `"next":"${end}",` : ''}"objects":[${objects.slice(offset, end).join(',')}]}`,
        );
      }
      cache.set(limit, list);
    }
    return list;
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const limit = Number(url.searchParams.get('limit') ?? 100);
    const offset = Number(url.searchParams.get('next') ?? 0);
    const body = pages(limit)[Math.floor(offset / limit)] ?? '{"more":false,"objects":[]}';
    res.writeHead(200, {
      'content-type': 'application/taxii+json;version=2.1',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    url,
    server,
    bytes: (limit) => pages(limit).reduce((sum, page) => sum + Buffer.byteLength(page), 0),
  };
}
