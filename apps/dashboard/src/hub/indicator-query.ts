import { z } from 'zod';
import type { HubDatabase } from './database';

/** The sort orders of the indicator table; each is an index range scan with `seq` as tie-break. */
export const INDICATOR_SORTS = {
  newest: { column: 'seq', direction: 'DESC' },
  value: { column: 'value', direction: 'ASC' },
  modified: { column: 'modified', direction: 'DESC' },
  confidence: { column: 'confidence', direction: 'DESC' },
} as const;

/** Query-string parameters of the indicator list, validated (bad values are errors, not guesses). */
export const indicatorQuerySchema = z.strictObject({
  q: z.string().max(200).optional(),
  type: z.string().max(100).optional(),
  tlp: z.enum(['clear', 'green', 'amber', 'amber+strict', 'red', 'unmarked']).optional(),
  source: z.string().max(100).optional(),
  minConfidence: z.coerce.number().int().min(0).max(100).optional(),
  validity: z.enum(['current', 'expired']).optional(),
  revoked: z.enum(['exclude', 'only', 'include']).default('exclude'),
  sort: z.enum(['newest', 'value', 'modified', 'confidence']).default('newest'),
  after: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type IndicatorQuery = z.output<typeof indicatorQuerySchema>;

export interface IndicatorRow {
  seq: number;
  id: string;
  name: string;
  value: string;
  ioc_type: string;
  tlp: string;
  source: string;
  confidence: number | null;
  valid_from: string | null;
  valid_until: string | null;
  revoked: number;
  modified: string;
}

export interface IndicatorPage {
  rows: IndicatorRow[];
  /** Cursor of the next page (keyset: the last row's sort key and seq), when there is one. */
  next?: string;
}

/** Reads the query string into a validated query; unknown or empty parameters are dropped. */
export function parseIndicatorQuery(params: URLSearchParams): IndicatorQuery | { error: string } {
  const raw: Record<string, string> = Object.create(null);
  for (const key of Object.keys(indicatorQuerySchema.shape)) {
    const value = params.get(key);
    if (value !== null && value !== '') raw[key] = value;
  }
  const result = indicatorQuerySchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    return { error: `${issue.path.join('.') || 'query'}: ${issue.message}` };
  }
  return result.data;
}

function encodeCursor(key: string | number | null, seq: number): string {
  return Buffer.from(JSON.stringify([key, seq])).toString('base64url');
}

function decodeCursor(cursor: string): [string | number | null, number] | undefined {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      (value[0] === null || typeof value[0] === 'string' || typeof value[0] === 'number') &&
      Number.isSafeInteger(value[1])
    )
      return value as [string | number | null, number];
  } catch {}
  return undefined;
}

/** An FTS5 phrase: the text in double quotes, inner quotes doubled (no operators get through). */
function ftsPhrase(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

/**
 * One page of indicators: search (3+ characters: substring of value, name or pattern via
 * the trigram index; shorter: value prefix), filters, sort and keyset pagination.
 */
export function queryIndicators(
  db: HubDatabase,
  query: IndicatorQuery,
  now = new Date(),
): IndicatorPage | { error: string } {
  const where: string[] = [];
  const params: Record<string, unknown> = Object.create(null);
  const sort = INDICATOR_SORTS[query.sort];
  // Sorted by anything but seq, the page is read along the sort column's index and the
  // filters are checked row by row (a unary + keeps SQLite off the filter columns' indexes,
  // which would make it sort every matching row instead). Sorted newest first, the
  // (column, seq) indexes give the rows of an equality filter already in seq order.
  const col = (name: string) => (sort.column === 'seq' ? name : `+${name}`);
  const q = query.q?.trim();
  if (q) {
    if ([...q].length >= 3) {
      where.push(
        'seq IN (SELECT rowid FROM hub_indicators_text WHERE hub_indicators_text MATCH @fts)',
      );
      params.fts = ftsPhrase(q);
    } else {
      where.push(`${col('value')} >= @prefix AND ${col('value')} < @prefixEnd`);
      params.prefix = q;
      params.prefixEnd = `${q}\u{10FFFF}`;
    }
  }
  if (query.type) {
    where.push(`${col('ioc_type')} = @type`);
    params.type = query.type;
  }
  if (query.tlp) {
    where.push(`${col('tlp')} = @tlp`);
    params.tlp = query.tlp;
  }
  if (query.source) {
    where.push(`${col('source')} = @source`);
    params.source = query.source;
  }
  if (query.minConfidence !== undefined) {
    where.push(`${col('confidence')} >= @minConfidence`);
    params.minConfidence = query.minConfidence;
  }
  if (query.validity) {
    params.now = now.toISOString();
    where.push(
      query.validity === 'current'
        ? '(valid_until IS NULL OR valid_until > @now) AND (valid_from IS NULL OR valid_from <= @now)'
        : 'valid_until IS NOT NULL AND valid_until <= @now',
    );
  }
  if (query.revoked === 'exclude') where.push('revoked = 0');
  else if (query.revoked === 'only') where.push('revoked = 1');

  const cmp = sort.direction === 'DESC' ? '<' : '>';
  if (query.after) {
    const cursor = decodeCursor(query.after);
    if (!cursor) return { error: 'after: not a cursor from this list' };
    params.afterSeq = cursor[1];
    if (sort.column === 'seq') where.push(`seq ${cmp} @afterSeq`);
    else if (cursor[0] === null) {
      // Past the last non-NULL key: only NULL keys remain (DESC order puts them last).
      where.push(`${sort.column} IS NULL AND seq ${cmp} @afterSeq`);
    } else {
      params.afterKey = cursor[0];
      // A row-value comparison, so SQLite starts the index scan at the cursor (no offset cost).
      where.push(
        `((${sort.column}, seq) ${cmp} (@afterKey, @afterSeq)${sort.direction === 'DESC' ? ` OR ${sort.column} IS NULL` : ''})`,
      );
    }
  }
  // SQLite sorts NULL below every value: last in DESC order, which is where a missing
  // confidence belongs (value and modified are never NULL), so the index order is the page order.
  const order =
    sort.column === 'seq' ? 'seq DESC' : `${sort.column} ${sort.direction}, seq ${sort.direction}`;
  const sql = `SELECT seq, id, name, value, ioc_type, tlp, source, confidence, valid_from, valid_until, revoked, modified
    FROM hub_indicators ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order} LIMIT ${query.limit + 1}`;
  const rows = db.prepare(sql).all(params) as IndicatorRow[];
  const page: IndicatorPage = { rows: rows.slice(0, query.limit) };
  if (rows.length > query.limit) {
    const last = page.rows.at(-1)!;
    const key =
      sort.column === 'seq'
        ? null
        : (last[sort.column as keyof IndicatorRow] as string | number | null);
    page.next = encodeCursor(key, last.seq);
  }
  return page;
}

/** Distinct values for the filter drop-downs (small tables: indicator types and sources). */
export function indicatorFacets(db: HubDatabase): { types: string[]; sources: string[] } {
  // Skip-scan over the (column, seq) indexes: one step per distinct value, not per row.
  const distinct = (column: string): string[] => {
    const out: string[] = [];
    const next = db
      .prepare(
        `SELECT ${column} FROM hub_indicators WHERE ${column} > ? ORDER BY ${column} LIMIT 1`,
      )
      .pluck();
    for (
      let value = next.get('') as string | undefined;
      value !== undefined && out.length < 200;
      value = next.get(value) as string | undefined
    )
      out.push(value);
    return out;
  };
  return { types: distinct('ioc_type'), sources: distinct('source') };
}
