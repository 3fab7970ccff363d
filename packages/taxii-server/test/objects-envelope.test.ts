// The objects endpoint writes stored bytes straight into the envelope. These tests read the
// raw response bytes on every storage: they must be exactly the envelope JSON.stringify would
// make of the stored objects, non-ASCII text included, page after page.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTaxiiHandler, MemoryStorage, type TaxiiStorage } from '../src/index';
import { PostgresStorage } from '../src/postgres/index';
import { SqliteStorage } from '../src/sqlite/index';
import { indicator } from './support/objects';
import { type PostgresServer, startPostgres } from './support/postgres-server';

const dir = mkdtempSync(join(tmpdir(), 'taxii-envelope-'));
let postgres: PostgresServer | undefined;
afterAll(async () => {
  await postgres?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const KINDS: [string, () => Promise<TaxiiStorage>][] = [
  ['memory', async () => new MemoryStorage()],
  ['sqlite', async () => new SqliteStorage(join(dir, 'envelope.db'), { mmapBytes: 1 << 20 })],
  [
    'postgres',
    async () => {
      postgres ??= await startPostgres();
      return new PostgresStorage(postgres.url);
    },
  ],
];

// Two-, three- and four-byte UTF-8, escapes JSON keeps, and the separators JavaScript
// string literals once forbade: all must come back byte for byte.
const TEXTS = [
  'Zugriff über Köln',
  'ключ доступа',
  '鍵の交換',
  'crab 🦀 key 🔑',
  'quote " backslash \\ tab \t newline \n',
  'separators \u2028 and \u2029',
  'control \u0001 and del \u007f',
];

const objects = TEXTS.map((text, n) => ({
  ...indicator(n),
  name: text,
  description: `${text} ${n}`,
}));

const decoder = new TextDecoder('utf-8', { fatal: true });

describe.each(KINDS)('%s storage', (_name, open) => {
  it('answers pages whose bytes are the envelope of the stored objects, non-ASCII included', async () => {
    const storage = await open();
    try {
      const handler = createTaxiiHandler({
        title: 'Envelope',
        cursorSecret: 'envelope-secret-0123456789',
        storage,
        auth: { anonymous: 'anyone' },
        limits: { maxPageSize: 3 },
        apiRoots: [
          {
            path: 'api',
            title: 'API',
            collections: [{ id: 'c', title: 'C', canRead: ['*'], canWrite: ['*'] }],
          },
        ],
      });
      const posted = await handler(
        new Request('http://127.0.0.1/api/collections/c/objects/', {
          method: 'POST',
          headers: { 'content-type': 'application/taxii+json;version=2.1' },
          body: JSON.stringify({ objects }),
        }),
      );
      expect(posted.status).toBe(202);

      const seen: unknown[] = [];
      let next: string | undefined;
      let pages = 0;
      do {
        const query = next === undefined ? '' : `?next=${encodeURIComponent(next)}`;
        const response = await handler(
          new Request(`http://127.0.0.1/api/collections/c/objects/${query}`),
        );
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe('application/taxii+json;version=2.1');
        const bytes = new Uint8Array(await response.arrayBuffer());
        const text = decoder.decode(bytes);
        const page = JSON.parse(text) as { more: boolean; next?: string; objects: unknown[] };
        // The exact bytes: what JSON.stringify makes of the same envelope, encoded as UTF-8.
        const expected = {
          more: page.more,
          ...(page.next ? { next: page.next } : {}),
          objects: page.objects,
        };
        expect(bytes).toEqual(new Uint8Array(new TextEncoder().encode(JSON.stringify(expected))));
        seen.push(...page.objects);
        next = page.more ? page.next : undefined;
        pages++;
      } while (next !== undefined && pages < 10);
      expect(pages).toBe(3);
      expect(seen).toEqual(objects);
    } finally {
      await storage.close();
    }
  });

  it('answers an empty collection with an empty envelope and no date headers', async () => {
    const storage = await open();
    try {
      const handler = createTaxiiHandler({
        title: 'Envelope',
        cursorSecret: 'envelope-secret-0123456789',
        storage,
        auth: { anonymous: 'anyone' },
        apiRoots: [
          { path: 'api', title: 'API', collections: [{ id: 'empty', title: 'E', canRead: ['*'] }] },
        ],
      });
      const response = await handler(
        new Request('http://127.0.0.1/api/collections/empty/objects/'),
      );
      expect(await response.text()).toBe('{"more":false,"objects":[]}');
      expect(response.headers.get('x-taxii-date-added-first')).toBeNull();
      expect(response.headers.get('x-taxii-date-added-last')).toBeNull();
    } finally {
      await storage.close();
    }
  });
});
