// Property: whatever the interleaving of writes and page reads, a reader that follows the
// `added` cursor sees every stored version exactly once, in insertion order.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryStorage, type TaxiiStorage, type VersionSelector } from '../src/index';
import { SqliteStorage } from '../src/sqlite/index';
import { indicator, toNew } from './support/objects';

const ALL: VersionSelector = { all: true, first: false, last: false, keys: [] };

type Op = { kind: 'add'; ids: number[]; month: number } | { kind: 'read'; limit: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('add' as const),
    ids: fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 8 }),
    month: fc.integer({ min: 1, max: 12 }),
  }),
  fc.record({ kind: fc.constant('read' as const), limit: fc.integer({ min: 1, max: 6 }) }),
);

const dir = mkdtempSync(join(tmpdir(), 'taxii-props-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let run = 0;
const factories: [string, () => TaxiiStorage][] = [
  ['memory', () => new MemoryStorage()],
  ['sqlite', () => new SqliteStorage(join(dir, `p${++run}.db`))],
  ['sqlite with a mirror', () => new SqliteStorage(join(dir, `p${++run}.db`), { mirror: true })],
];

describe.each(factories)('%s storage', (_name, open) => {
  it('a cursor reader sees every stored version once, in order, under any interleaving', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
        const storage = open();
        try {
          const stored: string[] = [];
          const seen: string[] = [];
          let after = 0;
          const read = async (limit: number) => {
            const page = await storage.queryObjects('c', { after, versions: ALL, limit });
            expect(page.objects.length).toBeLessThanOrEqual(limit);
            for (const o of page.objects) seen.push(`${o.id}@${o.versionKey}`);
            if (page.objects.length > 0) after = page.objects.at(-1)!.added;
            return page.more;
          };
          for (const o of ops) {
            if (o.kind === 'read') {
              await read(o.limit);
              continue;
            }
            const modified = `2024-${String(o.month).padStart(2, '0')}-01T00:00:00Z`;
            const objects = o.ids.map((n) => toNew(indicator(n, modified)));
            const results = await storage.addObjects('c', objects);
            objects.forEach((obj, i) => {
              if (results[i]!.inserted) stored.push(`${obj.id}@${obj.versionKey}`);
            });
          }
          while (await read(4));
          expect(seen).toEqual(stored);
          expect(new Set(stored).size).toBe(stored.length);
        } finally {
          await storage.close();
        }
      }),
      { numRuns: 60 },
    );
  });
});
