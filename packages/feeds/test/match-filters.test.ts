import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaxiiClient, taxiiQuery } from '../src/index';

describe('taxiiQuery', () => {
  it('writes the standard filters and extra match fields, form-encoded', () => {
    expect(
      taxiiQuery({
        addedAfter: '2024-01-01T00:00:00.000Z',
        limit: 10,
        match: { type: ['indicator', 'malware'], specVersion: '2.1', confidence: '80' },
      }),
    ).toBe(
      'added_after=2024-01-01T00%3A00%3A00.000Z&limit=10&match%5Btype%5D=indicator%2Cmalware&match%5Bspec_version%5D=2.1&match%5Bconfidence%5D=80',
    );
    expect(taxiiQuery({ match: { 'external_references.source_name': 'mitre-attack' } })).toBe(
      'match%5Bexternal_references.source_name%5D=mitre-attack',
    );
    // Same bytes as URLSearchParams.
    const value = "a b&c=d!'()~*é";
    expect(taxiiQuery({ match: { x_label: value } })).toBe(
      new URLSearchParams({ 'match[x_label]': value }).toString(),
    );
  });

  it('refuses field names that are not STIX property names', () => {
    for (const field of ['Type', 'x-y', 'a]b', 'a[b', '', 'a..b', '__proto__x]', 'a&b', 'ä']) {
      expect(() => taxiiQuery({ match: { [field]: 'v' } }), field).toThrow(TypeError);
    }
    expect(() => taxiiQuery({ match: { specVersion: '2.1', spec_version: '2.0' } })).toThrow(
      /given twice/,
    );
    expect(() => taxiiQuery({ match: { labels: ['a,b', 'c'] } })).toThrow(/comma/);
    expect(() => taxiiQuery({ match: { labels: [1 as unknown as string] } })).toThrow(TypeError);
  });
});

describe('extra match fields against a server on 127.0.0.1', () => {
  const seen: URL[] = [];
  const server = createServer((req, res) => {
    seen.push(new URL(req.url ?? '/', 'http://x'));
    res.writeHead(200, { 'content-type': 'application/taxii+json;version=2.1' });
    res.end('{"more":false,"objects":[]}');
  });
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it('sends them encoded, so a value cannot add a parameter', async () => {
    const client = new TaxiiClient({ url, retry: 0 });
    await client.getObjects('api1/', 'c1', {
      match: { type: 'indicator', x_opencti_score: '80&limit=1&match[type]=malware' },
    });
    await client
      .objects('api1/', 'c1', { filters: { match: { labels: ['c2', 'botnet'] } } })
      .toArray();
    const [first, second] = seen;
    expect(first!.pathname).toBe('/api1/collections/c1/objects/');
    expect(first!.searchParams.getAll('match[type]')).toEqual(['indicator']);
    expect(first!.searchParams.get('match[x_opencti_score]')).toBe(
      '80&limit=1&match[type]=malware',
    );
    expect(first!.searchParams.has('limit')).toBe(false);
    expect(second!.searchParams.get('match[labels]')).toBe('c2,botnet');
  });
});
