import type { FeedIssue } from '../errors/feed-error-issue';
import type { StixObject } from '../stix/stix-object';
import type { FeedMappingInput } from './feed-mapping';
import { type ParsedFeed, RowProcessor, rows } from './parse-feed';

/** What {@link parseFeedStream} reads: a web stream or any (async) iterable of chunks. */
export type FeedChunks =
  | ReadableStream<Uint8Array | string>
  | AsyncIterable<Uint8Array | string>
  | Iterable<Uint8Array | string>;

/** Options of {@link parseFeedStream}. */
export interface ParseFeedStreamOptions {
  /** The time used for `created`/`valid_from` when a row has no first-seen date (default now). */
  now?: Date;
  /** Objects per batch (default 1000); a batch may be smaller, never much larger. */
  batchSize?: number;
  /** Most rows turned into indicators (default unlimited); the rest are reported. */
  maxRows?: number;
  /**
   * Longest accepted line (record) in characters; longer ones are reported and skipped
   * without being held. Default 65 536 (1 048 576 for JSON lines).
   */
  maxLineLength?: number;
  /**
   * Object ids remembered to drop repeats inside the stream: at least half this many, at
   * most all (default 50 000). Ids are deterministic, so a repeat beyond the window is the
   * same object again and a store keeps it once.
   */
  dedupeWindow?: number;
  /** Aborts the parse between chunks. */
  signal?: AbortSignal;
}

/** One batch from {@link parseFeedStream}. */
export interface FeedBatch {
  /** New objects (the source identity comes first in the first batch). */
  objects: StixObject[];
  /** Rows skipped since the previous batch, each with its line number. */
  issues: FeedIssue[];
  /** Counts so far, over the whole stream (the same counts {@link parseFeed} gives). */
  stats: ParsedFeed['stats'];
}

/**
 * Parses a plain feed (CSV, TSV, lists, JSON lines) from a stream of chunks in bounded
 * memory and yields the STIX objects in batches: a multi-hundred-MB feed is never held
 * whole. Only the last, incomplete record is carried between chunks (quoted fields may span
 * chunks and lines); a record longer than `maxLineLength` is reported and skipped. Output,
 * ids and bad-row reports (with line numbers) are the same as {@link parseFeed}'s.
 *
 * @param source - A `ReadableStream` (e.g. `response.body`), or an (async) iterable of
 *   `Uint8Array` (UTF-8) or string chunks.
 * @param mappingInput - How to read the feed; see the presets.
 * @returns Batches of objects with the issues found since the previous batch.
 * @throws {FeedValidationError} `FEED_FORMAT` when the mapping itself is invalid.
 *
 * @example
 * ```ts
 * import { parseFeedStream, urlhausMapping } from '@intelshare/feeds';
 *
 * const response = await fetch('https://urlhaus.abuse.ch/downloads/csv_recent/');
 * if (!response.body) throw new Error('no body');
 * for await (const batch of parseFeedStream(response.body, urlhausMapping)) {
 *   console.log(batch.objects.length, batch.issues.length, batch.stats.rows);
 * }
 * ```
 */
export async function* parseFeedStream(
  source: FeedChunks,
  mappingInput: FeedMappingInput,
  options: ParseFeedStreamOptions = {},
): AsyncGenerator<FeedBatch, void, undefined> {
  const processor = new RowProcessor(
    mappingInput,
    options.now,
    options.maxRows ?? Number.POSITIVE_INFINITY,
    options.dedupeWindow ?? 50_000,
  );
  const mapping = processor.mapping;
  const batchSize = Math.max(1, options.batchSize ?? 1000);
  const maxLine = options.maxLineLength ?? (mapping.format === 'jsonl' ? 1_048_576 : 65_536);
  const delimiter =
    mapping.format === 'lines' || mapping.format === 'jsonl'
      ? null
      : mapping.format === 'tsv'
        ? '\t'
        : (mapping.delimiter ?? ',');
  let objects: StixObject[] = [processor.identity];
  let issues: FeedIssue[] = [];
  const decoder = new TextDecoder();
  let carry = '';
  let line = 1;
  // After an over-long record: drop text until the end of its first physical line.
  let skipping = false;

  const take = (text: string) => {
    processor.process(rows(text, mapping, issues, line, maxLine), objects, issues);
    line += countLines(text);
  };
  const batch = (): FeedBatch => {
    const out = { objects, issues, stats: { ...processor.stats } };
    objects = [];
    issues = [];
    return out;
  };

  for await (const chunk of chunksOf(source)) {
    if (options.signal?.aborted) throw options.signal.reason;
    carry += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (skipping) {
      const eol = carry.indexOf('\n');
      if (eol === -1) {
        carry = '';
        continue;
      }
      carry = carry.slice(eol + 1);
      line++;
      skipping = false;
    }
    const cut = safeCut(carry, delimiter, mapping.comment, maxLine);
    if (cut > 0) {
      take(carry.slice(0, cut));
      carry = carry.slice(cut);
    }
    if (carry.length > maxLine + 1) {
      // No record ends within the limit: report it, as the whole-text parser would.
      issues.push({ path: `line ${line}`, message: `is longer than ${maxLine} characters` });
      const eol = carry.indexOf('\n');
      if (eol === -1) {
        carry = '';
        skipping = true;
      } else {
        carry = carry.slice(eol + 1);
        line++;
      }
    }
    if (objects.length >= batchSize) yield batch();
  }
  carry += decoder.decode();
  if (carry !== '' && !skipping) take(carry);
  yield batch();
}

async function* chunksOf(source: FeedChunks): AsyncGenerator<Uint8Array | string> {
  // Not every browser makes ReadableStream async-iterable: read it by hand.
  if (typeof (source as ReadableStream).getReader === 'function') {
    const reader = (source as ReadableStream<Uint8Array | string>).getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    } finally {
      // Leaving early (break, error, abort) cancels the body instead of leaking it.
      await reader.cancel().catch(() => {});
    }
  }
  yield* source as AsyncIterable<Uint8Array | string>;
}

function countLines(text: string): number {
  let count = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) count++;
  return count;
}

/**
 * Where the text can be cut so that every record before the cut is complete: just after the
 * last newline that ends a record (not one inside a quoted field). Follows the delimited
 * parser's rules exactly — comment and blank lines, quotes opening only at a field start,
 * over-long records resuming on the next physical line — so parsing the pieces gives what
 * parsing the whole would.
 */
export function safeCut(
  text: string,
  delimiter: string | null,
  comments: readonly string[],
  maxLine: number,
): number {
  const length = text.length;
  const delimiterCode = delimiter === null ? -1 : delimiter.charCodeAt(0);
  let position = 0;
  let safe = 0;
  while (position < length) {
    const eol = text.indexOf('\n', position);
    if (eol === -1) break;
    if (delimiter === null) {
      position = eol + 1;
      safe = position;
      continue;
    }
    const trimmed = text.slice(position, eol).trim();
    if (trimmed === '' || comments.some((prefix) => trimmed.startsWith(prefix))) {
      position = eol + 1;
      safe = position;
      continue;
    }
    let quoted = false;
    let atFieldStart = true;
    let end = -1;
    let broken = false;
    for (let i = position; i < length; i++) {
      if (i - position > maxLine) {
        broken = true;
        break;
      }
      const code = text.charCodeAt(i);
      if (quoted) {
        if (code === 34 /* " */) {
          if (i + 1 >= length) break; // `"` or `""`? The next chunk decides.
          if (text.charCodeAt(i + 1) === 34) i++;
          else quoted = false;
        }
        continue;
      }
      if (code === 34 && atFieldStart) {
        quoted = true;
        atFieldStart = false;
        continue;
      }
      if (code === delimiterCode) {
        atFieldStart = true;
        continue;
      }
      if (code === 10 /* \n */) {
        end = i;
        break;
      }
      if (code === 13 /* \r */ && text.charCodeAt(i + 1) === 10) continue;
      if (atFieldStart && (code === 32 || code === 9)) continue;
      atFieldStart = false;
    }
    if (broken) {
      // The parser reports it and resumes after the record's first physical line.
      position = eol + 1;
      safe = position;
      continue;
    }
    if (end === -1) break;
    position = end + 1;
    safe = position;
  }
  return safe;
}
