import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type IndicatorRow, indicatorQuerySchema } from '../src/hub/indicator-query';
import { SqliteHubStore } from '../src/hub/store/sqlite-hub-store';

let db: SqliteHubStore;
const N = 500;

beforeAll(async () => {
  db = new SqliteHubStore(join(mkdtempSync(join(tmpdir(), 'hub-query-')), 'store.sqlite'));
  const objects = Array.from({ length: N }, (_, n) => ({
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`,
    created: '2026-01-01T00:00:00.000Z',
    modified: `2026-01-01T00:00:${String(n % 60).padStart(2, '0')}.000Z`,
    name: `Indicator ${n}`,
    pattern: `[domain-name:value = 'host-${n % 50}.example']`,
    pattern_type: 'stix',
    valid_from: '2026-01-01T00:00:00.000Z',
    ...(n % 7 === 0 ? {} : { confidence: n % 13 }),
    ...(n % 10 === 0 ? { revoked: true } : {}),
  }));
  await db.recordObjects(`source-${0}`, objects.slice(0, 250));
  await db.recordObjects(`source-${1}`, objects.slice(250));
});

/** Every row of a query, following the keyset cursor page by page. */
async function allPages(input: Record<string, unknown>, limit: number): Promise<IndicatorRow[]> {
  const rows: IndicatorRow[] = [];
  let after: string | undefined;
  for (let i = 0; i < 1000; i++) {
    const page = await db.queryIndicators(
      indicatorQuerySchema.parse({ ...input, limit, ...(after ? { after } : {}) }),
    );
    if ('error' in page) throw new Error(page.error);
    rows.push(...page.rows);
    if (!page.next) return rows;
    after = page.next;
  }
  throw new Error('did not end');
}

describe('indicator query', () => {
  it.each(['newest', 'value', 'modified', 'confidence'] as const)(
    'pages sorted by %s see every row once, in the order of one big query',
    async (sort) => {
      const whole = await allPages({ sort, revoked: 'include' }, 200);
      const paged = await allPages({ sort, revoked: 'include' }, 7);
      expect(whole).toHaveLength(N);
      expect(paged.map((r) => r.id)).toEqual(whole.map((r) => r.id));
      if (sort === 'confidence') {
        // Missing confidence last, as the page order promises.
        const firstNull = paged.findIndex((r) => r.confidence === null);
        expect(paged.slice(firstNull).every((r) => r.confidence === null)).toBe(true);
        expect(paged.slice(0, firstNull).map((r) => r.confidence)).toEqual(
          paged
            .slice(0, firstNull)
            .map((r) => r.confidence)
            .sort((a, b) => b! - a!),
        );
      }
    },
  );

  it('combines filters and hides revoked indicators unless asked', async () => {
    const rows = await allPages({ source: 'source-1', minConfidence: 10, sort: 'value' }, 5);
    expect(rows.length).toBeGreaterThan(0);
    expect(
      rows.every((r) => r.source === 'source-1' && (r.confidence ?? -1) >= 10 && r.revoked === 0),
    ).toBe(true);
    expect(await allPages({ revoked: 'only' }, 50)).toHaveLength(N / 10);
  });

  it('searches substrings of 3+ characters and prefixes of shorter ones, with FTS syntax taken literally', async () => {
    expect(await allPages({ q: 'host-42.ex', revoked: 'include' }, 50)).toHaveLength(N / 50);
    expect(
      (await allPages({ q: 'Indicator 49', revoked: 'include' }, 50)).map((r) => r.name).sort(),
    ).toEqual(
      ['Indicator 49', ...Array.from({ length: 10 }, (_, i) => `Indicator ${490 + i}`)].sort(),
    );
    expect(await allPages({ q: 'ho', revoked: 'include' }, 100)).toHaveLength(N);
    expect(await allPages({ q: '" OR host NEAR(', revoked: 'include' }, 50)).toHaveLength(0);
  });

  it('rejects a forged cursor', async () => {
    const page = await db.queryIndicators(
      indicatorQuerySchema.parse({ after: 'bm90IGEgY3Vyc29y' }),
    );
    expect(page).toEqual({ error: 'after: not a cursor from this list' });
  });
});
