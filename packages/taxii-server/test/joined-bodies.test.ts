// Property: a storage's joined page (`queryJoinedBodies`, what the objects endpoint writes)
// is exactly the bodies of `queryObjects` for the same query, joined by commas, with the same
// count, first/last `added` and `more`, whatever was added and deleted before.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  MemoryStorage,
  type ObjectQuery,
  type TaxiiStorage,
  type VersionSelector,
} from '../src/index';
import { SqliteStorage } from '../src/sqlite/index';
import { indicator, malware, toNew } from './support/objects';

const NAMES = [
  'plain',
  'Zugriff über Köln',
  'ключ доступа',
  '鍵',
  'emoji 🦀🔑',
  'quote " and \\ back',
  'line\u2028sep',
];

type Op =
  | { kind: 'add'; n: number; month: number; malware: boolean; name: number }
  | { kind: 'delete'; n: number; malware: boolean };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('add' as const),
      n: fc.nat(12),
      month: fc.integer({ min: 1, max: 6 }),
      malware: fc.boolean(),
      name: fc.nat(NAMES.length - 1),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('delete' as const),
      n: fc.nat(12),
      malware: fc.boolean(),
    }),
  },
);

const selector: fc.Arbitrary<VersionSelector> = fc.record({
  all: fc.boolean(),
  first: fc.boolean(),
  last: fc.boolean(),
  keys: fc.subarray(['20240101000000000000', '20240301000000000000', '20240601000000000000']),
});

const queryArb = fc.record({
  afterIndex: fc.nat(40),
  limit: fc.integer({ min: 1, max: 9 }),
  versions: selector,
  types: fc.option(fc.subarray(['indicator', 'malware'], { minLength: 1 }), { nil: undefined }),
  ids: fc.option(fc.subarray([0, 3, 7], { minLength: 1 }), { nil: undefined }),
  specVersions: fc.option(fc.constantFrom(['2.1'], ['2.0']), { nil: undefined }),
});

function objectFor(n: number, isMalware: boolean, month: number, name: number) {
  const modified = `2024-${String(month).padStart(2, '0')}-01T00:00:00.000Z`;
  const base = isMalware ? { ...malware(n), modified } : indicator(n, modified);
  return { ...base, name: `${NAMES[name]} ${n}` };
}

const decoder = new TextDecoder();
const dir = mkdtempSync(join(tmpdir(), 'taxii-joined-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let run = 0;
const factories: [string, () => TaxiiStorage][] = [
  ['memory', () => new MemoryStorage()],
  ['sqlite', () => new SqliteStorage(join(dir, `j${++run}.db`))],
  ['sqlite with a mirror', () => new SqliteStorage(join(dir, `j${++run}.db`), { mirror: true })],
];

describe.each(factories)('%s storage', (_name, open) => {
  it('joins exactly the bodies queryObjects returns, for any filters and history', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { minLength: 1, maxLength: 30 }),
        fc.array(queryArb, { minLength: 1, maxLength: 6 }),
        async (ops, queries) => {
          const storage = open();
          try {
            const added: number[] = [0];
            for (const o of ops) {
              if (o.kind === 'add') {
                const [result] = await storage.addObjects('c', [
                  toNew(objectFor(o.n, o.malware, o.month, o.name)),
                ]);
                added.push(result!.added);
              } else {
                const id = o.malware ? malware(o.n).id : indicator(o.n).id;
                await storage.deleteObject('c', id, {
                  all: true,
                  first: false,
                  last: false,
                  keys: [],
                });
              }
            }
            for (const q of queries) {
              const query: ObjectQuery = {
                after: added[q.afterIndex % added.length]!,
                limit: q.limit,
                versions: q.versions,
                ...(q.types ? { types: q.types } : {}),
                ...(q.ids ? { ids: q.ids.map((n) => indicator(n).id) } : {}),
                ...(q.specVersions ? { specVersions: q.specVersions } : {}),
              };
              const page = await storage.queryObjects('c', query);
              const joined = await storage.queryJoinedBodies!('c', query);
              expect(decoder.decode(joined.bodies)).toBe(
                page.objects.map((o) => decoder.decode(o.body)).join(','),
              );
              expect(joined.count).toBe(page.objects.length);
              expect(joined.more).toBe(page.more);
              if (page.objects.length > 0) {
                expect(joined.first).toBe(page.objects[0]!.added);
                expect(joined.last).toBe(page.objects.at(-1)!.added);
              }
            }
          } finally {
            await storage.close();
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('memory storage bodies', () => {
  it('keeps every body byte for byte across slabs, big bodies and freed slabs', async () => {
    const storage = new MemoryStorage();
    const filler = 'é'.repeat(500); // 1000 bytes of UTF-8
    const objects = Array.from({ length: 3000 }, (_, i) => ({
      ...indicator(i),
      description: i === 1500 ? `🦀${'x'.repeat(3 * 1024 * 1024)}` : `${filler} ${i}`,
    }));
    await storage.addObjects('c', objects.map(toNew));
    // delete nine in ten of the first ~2000 (the first slabs), so those slabs are given up
    const deleted = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      if (i % 10 === 0) continue;
      deleted.add(i);
      await storage.deleteObject('c', objects[i]!.id, {
        all: true,
        first: false,
        last: false,
        keys: [],
      });
    }
    const all = { all: true, first: false, last: false, keys: [] };
    const kept = objects.filter((_, i) => !deleted.has(i)).map((o) => JSON.stringify(o));
    const page = await storage.queryObjects('c', { after: 0, versions: all, limit: 5000 });
    expect(page.objects.map((o) => decoder.decode(o.body))).toEqual(kept);
    const joined = await storage.queryJoinedBodies('c', { after: 0, versions: all, limit: 5000 });
    expect(decoder.decode(joined.bodies)).toBe(kept.join(','));
    // what a page hands out is a copy: changing it leaves the stored bytes alone
    joined.bodies.fill(0x20);
    const again = await storage.queryJoinedBodies('c', { after: 0, versions: all, limit: 5000 });
    expect(decoder.decode(again.bodies)).toBe(kept.join(','));
  });
});
