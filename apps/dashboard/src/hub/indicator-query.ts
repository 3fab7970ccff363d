import { z } from 'zod';

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

export function encodeCursor(key: string | number | null, seq: number): string {
  return Buffer.from(JSON.stringify([key, seq])).toString('base64url');
}

export function decodeCursor(cursor: string): [string | number | null, number] | undefined {
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

/** The cursor of the page after `rows` (the last row's sort key and seq), when more rows exist. */
export function pageOf(rows: IndicatorRow[], query: IndicatorQuery): IndicatorPage {
  const sort = INDICATOR_SORTS[query.sort];
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

/**
 * The keyset position `query.after` names, checked against the sort (a key of the wrong type
 * is refused here, so no store ever compares a text column with a number).
 */
export function readCursor(
  query: IndicatorQuery,
): { key: string | number | null; seq: number } | { error: string } | undefined {
  if (!query.after) return undefined;
  const cursor = decodeCursor(query.after);
  const column = INDICATOR_SORTS[query.sort].column;
  const fits =
    cursor !== undefined &&
    (column === 'seq'
      ? true
      : column === 'confidence'
        ? cursor[0] === null || Number.isSafeInteger(cursor[0])
        : typeof cursor[0] === 'string');
  if (!cursor || !fits) return { error: 'after: not a cursor from this list' };
  return { key: column === 'seq' ? null : cursor[0], seq: cursor[1] };
}
