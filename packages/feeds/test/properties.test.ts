import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaxiiClient } from '../src/index';
import { parseDelimited } from '../src/plain/delimited-parser';
import { FixtureTaxiiServer, makeObjects } from './support/taxii-fixture-server';

function toCsv(rows: string[][]): string {
  return rows
    .map((row) => row.map((field) => `"${field.replaceAll('"', '""')}"`).join(','))
    .join('\r\n');
}

describe('properties', () => {
  it('CSV: any quoted fields (commas, quotes, newlines) parse back to the same rows', () => {
    const field = fc.string({ maxLength: 12 }).map((s) => s.trim().replace(/^#/, 'x'));
    fc.assert(
      fc.property(
        fc.array(fc.array(field, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 8 }),
        (rows) => {
          const kept = rows.filter((row) => !(row.length === 1 && row[0] === ''));
          const parsed = [...parseDelimited(toCsv(kept))]
            .filter((r) => 'fields' in r)
            .map((r) => (r as { fields: string[] }).fields);
          expect(parsed).toEqual(kept.map((row) => row.map((f) => f.trimEnd())));
        },
      ),
      { numRuns: 300 },
    );
  });

  describe('TAXII paging under any combination of misbehaviour ends with exactly the server set', () => {
    let server: FixtureTaxiiServer;
    let base: string;
    beforeAll(async () => {
      server = new FixtureTaxiiServer();
      base = await server.start();
    });
    afterAll(() => server.stop());

    it('holds for random collections, page sizes and faults', async () => {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            count: fc.integer({ min: 0, max: 120 }),
            sameDate: fc.integer({ min: 1, max: 4 }),
            limit: fc.integer({ min: 5, max: 60 }),
            noNext: fc.boolean(),
            inclusive: fc.boolean(),
            maxPageSize: fc.option(fc.integer({ min: 3, max: 30 }), { nil: undefined }),
            repeatPages: fc.boolean(),
            fail500Every: fc.option(fc.integer({ min: 2, max: 5 }), { nil: undefined }),
            truncatedJsonEvery: fc.option(fc.integer({ min: 3, max: 6 }), { nil: undefined }),
          }),
          async (c) => {
            // Without `next`, no client can page past a timestamp shared by more objects than
            // the server's largest page; the client widens `limit` up to 16x, not past a cap.
            fc.pre(!c.noNext || c.sameDate < (c.maxPageSize ?? 16 * c.limit));
            const id = `prop-${run++}`;
            const rows = makeObjects(c.count, c.sameDate);
            server.addCollection(id, rows);
            server.misbehaviour = {
              noNext: c.noNext,
              inclusiveAddedAfter: c.inclusive,
              repeatPages: c.repeatPages,
              ...(c.maxPageSize === undefined ? {} : { maxPageSize: c.maxPageSize }),
              ...(c.fail500Every === undefined ? {} : { fail500Every: c.fail500Every }),
              ...(c.truncatedJsonEvery === undefined
                ? {}
                : { truncatedJsonEvery: c.truncatedJsonEvery }),
            };
            const client = new TaxiiClient({
              url: base,
              retry: { limit: 8, baseDelayMs: 1, maxDelayMs: 2 },
            });
            const got = await client
              .objects('api1/', id, { limit: c.limit, pageRetries: 8 })
              .toArray();
            expect(got.map((o) => o.id)).toEqual(rows.map((r) => r.object.id));
          },
        ),
        { numRuns: 60 },
      );
    }, 120_000);
  });
});
