import type { FeedIssue } from '../errors/feed-error-issue';
import { FeedTransportError } from '../errors/feed-transport-error';
import type { StixObject } from '../stix/stix-object';
import type { FeedMappingInput } from './feed-mapping';
import { type ParsedFeed, RowProcessor, rows } from './parse-feed';
import { RecordSplitter, type SplitPiece } from './record-splitter';

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
  /**
   * Aborts the parse, also while waiting for a chunk (a `ReadableStream` is cancelled); the
   * iteration then throws {@link FeedTransportError} `ABORTED`.
   */
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
 * @throws {FeedTransportError} `ABORTED` when `signal` aborts.
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
  const splitter = new RecordSplitter(delimiter, mapping.comment, maxLine);
  let line = 1;

  const take = (pieces: readonly SplitPiece[]) => {
    for (const piece of pieces) {
      if (piece.kind === 'text') {
        processor.process(rows(piece.text, mapping, issues, line, maxLine), objects, issues);
        line += countLines(piece.text);
        continue;
      }
      if (piece.kind === 'dropped') issues.push({ path: `line ${line}`, message: piece.message });
      line++;
    }
  };
  const batch = (): FeedBatch => {
    const out = { objects, issues, stats: { ...processor.stats } };
    objects = [];
    issues = [];
    return out;
  };
  const aborted = () =>
    new FeedTransportError('ABORTED', 'READ', 'feed stream', 'The parse was aborted.', {
      cause: options.signal?.reason,
    });

  if (options.signal?.aborted) throw aborted();
  for await (const chunk of chunksOf(source, options.signal)) {
    if (options.signal?.aborted) throw aborted();
    take(
      splitter.push(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true })),
    );
    if (objects.length >= batchSize) yield batch();
  }
  if (options.signal?.aborted) throw aborted();
  take(splitter.push(decoder.decode()));
  take(splitter.end());
  yield batch();
}

async function* chunksOf(
  source: FeedChunks,
  signal: AbortSignal | undefined,
): AsyncGenerator<Uint8Array | string> {
  // Not every browser makes ReadableStream async-iterable: read it by hand.
  if (typeof (source as ReadableStream).getReader === 'function') {
    const reader = (source as ReadableStream<Uint8Array | string>).getReader();
    // An abort cancels the body at once, even while a read waits on a slow server (the
    // pending read then ends, and the caller sees the signal).
    const onAbort = () => void reader.cancel(signal?.reason).catch(() => {});
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      // Leaving early (break, error, abort) cancels the body instead of leaking it.
      await reader.cancel().catch(() => {});
    }
  }
  if (!signal) {
    yield* source as AsyncIterable<Uint8Array | string>;
    return;
  }
  // Other iterables cannot be cancelled mid-read: stop waiting for them on abort.
  const iterator = (
    Symbol.asyncIterator in source
      ? (source as AsyncIterable<Uint8Array | string>)[Symbol.asyncIterator]()
      : (source as Iterable<Uint8Array | string>)[Symbol.iterator]()
  ) as AsyncIterator<Uint8Array | string> | Iterator<Uint8Array | string>;
  let onAbort: (() => void) | undefined;
  const abortedRead = new Promise<IteratorResult<Uint8Array | string>>((resolve) => {
    onAbort = () => resolve({ done: true, value: undefined });
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    for (;;) {
      const step = await Promise.race([iterator.next(), abortedRead]);
      if (step.done) return;
      yield step.value;
    }
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
    // Not awaited: a generator stuck in its own await would never answer `return`.
    Promise.resolve(iterator.return?.()).catch(() => {});
  }
}

function countLines(text: string): number {
  let count = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) count++;
  return count;
}
