import { z } from 'zod';
import { OBSERVABLE_KINDS } from '../stix/observable';

const observableKind = z.enum(OBSERVABLE_KINDS);

const column = z.union([z.string().min(1), z.number().int().nonnegative()]);

/**
 * A declarative description of a CSV/TSV/list/JSON-lines feed: which column holds the
 * observable and of what kind, and which columns give dates, confidence, tags and
 * references. Columns are names (from the header or `columns`) or 0-based indexes; for
 * JSON lines they are property names.
 *
 * @example
 * ```ts
 * import { feedMappingSchema } from '@intelshare/feeds';
 *
 * const mapping = feedMappingSchema.parse({ name: 'List', provider: 'Me', format: 'lines', observable: { column: 0, kind: 'url' } });
 * console.log(mapping.comment); // ['#']
 * ```
 */
export const feedMappingSchema = z.object({
  /** Feed name, used for provenance (`external_references[].source_name`). */
  name: z.string().min(1),
  /** The source's identity name (`created_by_ref` points at an identity with this name). */
  provider: z.string().min(1),
  /** Where the feed is published, recorded as the external reference URL. */
  url: z.string().optional(),
  /** `csv` (default), `tsv`, `lines` (one value per line) or `jsonl`. */
  format: z.enum(['csv', 'tsv', 'lines', 'jsonl']).default('csv'),
  /** Field separator for `csv` (default `,`). */
  delimiter: z.string().length(1).optional(),
  /** Comment prefixes; comment lines are banners or trailers (default `['#']`). */
  comment: z.array(z.string().min(1)).default(['#']),
  /** Column names, when the feed has no header row (or hides it in a comment). */
  columns: z.array(z.string()).optional(),
  /** Whether the first data row is a header (`auto`: when it equals `columns` or no `columns`). */
  header: z.enum(['auto', 'row', 'none']).default('auto'),
  /** For `lines`: text after this separator is kept as the row's reference id (Spamhaus `; SBL123`). */
  inlineComment: z.string().min(1).optional(),
  /** The observable column and its kind; `typeColumn` + `typeMap` when a column names the kind. */
  observable: z.object({
    column,
    kind: observableKind.optional(),
    typeColumn: column.optional(),
    typeMap: z.record(z.string(), observableKind.or(z.literal('ip:port'))).optional(),
  }),
  /** A port column, added to the pattern as `network-traffic:dst_port`. */
  port: column.optional(),
  /** Column with when the observable was first seen (UTC). */
  firstSeen: column.optional(),
  /** Column with when it was last seen (UTC). */
  lastSeen: column.optional(),
  /** A fixed confidence (0–100) or a column holding one. */
  confidence: z.union([z.number().int().min(0).max(100), z.object({ column })]).optional(),
  /** Columns whose values become labels (split on `,`; `None`/`n/a` ignored). */
  labels: z.array(column).default([]),
  /** Labels added to every indicator. */
  tags: z.array(z.string()).default([]),
  /** Column with the source's id of the row. */
  externalId: column.optional(),
  /** Column with the source's URL for the row. */
  externalUrl: column.optional(),
  /** Column used as the indicator description. */
  description: column.optional(),
  /** Rows whose column equals one of these values are skipped (e.g. `c2_status: offline`). */
  skip: z.array(z.object({ column, equals: z.array(z.string()) })).default([]),
  /** STIX `indicator_types` (default `['malicious-activity']`). */
  indicatorTypes: z.array(z.string()).default(['malicious-activity']),
});

/** A feed mapping as written by users (defaults optional). */
export type FeedMappingInput = z.input<typeof feedMappingSchema>;
/** A feed mapping with defaults applied. */
export type FeedMapping = z.output<typeof feedMappingSchema>;
