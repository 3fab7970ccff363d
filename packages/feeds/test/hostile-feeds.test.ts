import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type FeedBatch,
  type FeedIssue,
  FeedTransportError,
  openPhishMapping,
  parseFeed,
  parseFeedStream,
  urlhausMapping,
} from '../src/index';
import { parseDelimited } from '../src/plain/delimited-parser';
import { RecordSplitter } from '../src/plain/record-splitter';

// Issue 19's reproductions: feed text written to make the parsers rescan. The work is
// counted (characters read by the quote-aware scans), not timed: it must stay within a
// small multiple of the input, whatever the chunking.

const NOW = new Date('2026-01-01T00:00:00Z');

async function collect(batches: AsyncIterable<FeedBatch>) {
  const objects: unknown[] = [];
  const issues: FeedIssue[] = [];
  let stats: FeedBatch['stats'] | undefined;
  for await (const batch of batches) {
    objects.push(...batch.objects);
    issues.push(...batch.issues);
    stats = batch.stats;
  }
  return { objects, issues, stats };
}

function chunks(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** Characters the streaming splitter reads for `text` cut into `size`-character chunks. */
function splitterWork(text: string, size: number): { scanned: number; text: string } {
  const splitter = new RecordSplitter(',', ['#'], 65_536);
  let kept = '';
  for (const chunk of chunks(text, size))
    for (const piece of splitter.push(chunk)) if (piece.kind === 'text') kept += piece.text;
  for (const piece of splitter.end()) if (piece.kind === 'text') kept += piece.text;
  return { scanned: splitter.scanned, text: kept };
}

describe('an unterminated quote costs its own line, not a rescan of the next 64 KiB', () => {
  const hostile = (rows: number) => 'x","\n'.repeat(rows);

  it('parseFeed of `x","\\n` x 32000: every line reported, in linear work', () => {
    const result = parseFeed(hostile(32_000), urlhausMapping, { now: NOW });
    expect(result.objects).toHaveLength(1); // the source identity only
    expect(result.stats).toEqual({
      rows: 0,
      indicators: 0,
      skipped: 0,
      filtered: 0,
      duplicates: 0,
    });
    expect(result.issues).toHaveLength(32_000);
    // Each line opens a quote that never closes: a line more than 65 536 characters from
    // the end runs past the limit, a later one reaches the end inside the quote.
    const length = 32_000 * 5;
    result.issues.forEach((issue, index) => {
      const long = length - 1 - index * 5 > 65_536;
      expect(issue).toEqual({
        path: `line ${index + 1}`,
        message: long ? 'is longer than 65536 characters' : 'has an unterminated quoted field',
      });
    });
    expect(result.issues.filter((i) => i.message.startsWith('is longer'))).toHaveLength(18_893);
  });

  it('the record-end scans read each character about once, at any size', () => {
    for (const rows of [4_000, 32_000, 64_000]) {
      const text = hostile(rows);
      const work = { scanned: 0 };
      const issues: FeedIssue[] = [];
      for (const _ of parseDelimited(text, { work }, issues));
      expect(issues).toHaveLength(rows);
      // It was up to 65 536 characters per line before.
      expect(work.scanned).toBeLessThanOrEqual(2 * text.length);
    }
  });
});

describe('parseFeedStream: the safe-cut search does not rescan what it holds', () => {
  it('`"` + 4000 lines of 50 characters in 1-byte chunks: the same result as parseFeed', async () => {
    const text = `"${`${'a'.repeat(50)}\n`.repeat(4000)}`;
    const streamed = await collect(parseFeedStream(chunks(text, 1), urlhausMapping, { now: NOW }));
    const whole = parseFeed(text, urlhausMapping, { now: NOW });
    expect(streamed.issues).toEqual(whole.issues);
    expect(streamed.objects).toEqual(whole.objects);
    expect(streamed.issues).toHaveLength(4000);
    expect(streamed.issues[0]).toEqual({
      path: 'line 1',
      message: 'is longer than 65536 characters',
    });
    expect(streamed.issues[1]).toEqual({ path: 'line 2', message: 'has 1 fields, expected 9' });
    expect(streamed.stats?.rows).toBe(3999);
    const work = splitterWork(text, 1);
    expect(work.scanned).toBeLessThanOrEqual(3 * text.length);
    expect(work.text).toBe(text.slice(text.indexOf('\n') + 1)); // only the long record dropped
  });

  it('`x","\\n` x 20000 in 1 kB chunks: the same 20000 reports as parseFeed, linear work', async () => {
    const text = 'x","\n'.repeat(20_000);
    const streamed = await collect(
      parseFeedStream(chunks(text, 1024), urlhausMapping, { now: NOW }),
    );
    const whole = parseFeed(text, urlhausMapping, { now: NOW });
    expect(streamed.issues).toEqual(whole.issues);
    expect(streamed.issues).toHaveLength(20_000);
    for (const size of [1, 7, 1024, 65_536]) {
      expect(splitterWork(text, size).scanned).toBeLessThanOrEqual(3 * text.length);
    }
  });

  it('good multi-line quoted records between hostile ones come through whole', async () => {
    const good = (n: number) =>
      `"${n}","2024-01-01 00:00:00","http://h${n}.example/","online","","malware_download","a\nb ""c""","https://urlhaus.abuse.ch/url/${n}/","r"\n`;
    const text = `id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter\n${good(1)}x","\n${good(2)}${'x","\n'.repeat(50)}${good(3)}`;
    for (const size of [1, 3, 64]) {
      const streamed = await collect(
        parseFeedStream(chunks(text, size), urlhausMapping, { now: NOW, maxLineLength: 400 }),
      );
      const whole = parseFeed(text, urlhausMapping, { now: NOW });
      expect(streamed.stats?.indicators).toBe(whole.stats.indicators);
      expect(streamed.issues.length).toBeGreaterThan(0);
    }
  });
});

describe('parseFeedStream: a long record in 1-byte chunks costs O(1) per chunk', () => {
  // Fuzz item 5: every chunk searched the held chunks for a newline from the oldest one, so
  // a 64 KiB record in 1-byte chunks looked at ~2·10⁹ chunks. Counted, not timed: the
  // chunks looked at (found, searched, cut, dropped) stay a small multiple of the input.
  const record = 65_000;
  const cases: [string, string, string | null][] = [
    ['a 64 KiB unquoted record', `${'a'.repeat(record)}\n`, ','],
    ['a 64 KiB quoted cell', `"${'a'.repeat(record)}"\n`, ','],
    ['a record over the limit', `${'a'.repeat(70_000)}\nb\n`, ','],
    ['a blank line over the limit', ' '.repeat(140_000), ','],
    ['a stray quote before 1751 lines', `"${`${'a'.repeat(50)}\n`.repeat(1751)}`, ','],
    ['a 64 KiB line of a one-value-per-line feed', `${'a'.repeat(record)}\n`, null],
  ];
  for (const [name, text, delimiter] of cases) {
    it(`${name}: the held chunks are looked at a bounded number of times per chunk`, () => {
      const splitter = new RecordSplitter(delimiter, ['#'], 65_536);
      let kept = '';
      for (const chunk of chunks(text, 1))
        for (const piece of splitter.push(chunk)) if (piece.kind === 'text') kept += piece.text;
      for (const piece of splitter.end()) if (piece.kind === 'text') kept += piece.text;
      // About 6 per character today; it was ~32 000 per character for a 64 KiB record.
      expect(splitter.chunkSteps).toBeLessThanOrEqual(8 * text.length);
      expect(splitter.scanned).toBeLessThanOrEqual(3 * text.length);
      if (text.length <= 65_536) expect(kept).toBe(text); // nothing lost under the limit
    });
  }

  it('the 64 KiB record streamed in 1-byte chunks reads as parseFeed reads it', async () => {
    const text = `"${'a'.repeat(record)}",b\nhttp://x.example/\n`;
    const streamed = await collect(parseFeedStream(chunks(text, 1), urlhausMapping, { now: NOW }));
    const whole = parseFeed(text, urlhausMapping, { now: NOW });
    expect(streamed.issues).toEqual(whole.issues);
    expect(streamed.stats).toEqual(whole.stats);
  });
});

describe('parseFeedStream aborted: a typed feeds error', () => {
  it('between chunks', async () => {
    const controller = new AbortController();
    const text = Array.from({ length: 5000 }, (_, i) => `https://a${i}.example/\n`).join('');
    const error = await (async () => {
      for await (const _ of parseFeedStream(chunks(text, 100), openPhishMapping, {
        signal: controller.signal,
        batchSize: 10,
      }))
        controller.abort(new Error('stop'));
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FeedTransportError);
    expect((error as FeedTransportError).code).toBe('ABORTED');
    expect(((error as FeedTransportError).cause as Error).message).toBe('stop');
  });

  it('while waiting for a chunk that never comes (the body is cancelled)', async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('https://a.example/\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    const controller = new AbortController();
    const pending = collect(parseFeedStream(body, urlhausMapping, { signal: controller.signal }));
    setTimeout(() => controller.abort(), 50);
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FeedTransportError);
    expect((error as FeedTransportError).code).toBe('ABORTED');
    expect(cancelled).toBe(true);
  });

  it('an iterable that never yields again is left on abort', async () => {
    async function* stalled() {
      yield 'https://a.example/\n';
      await new Promise(() => {});
    }
    const controller = new AbortController();
    const pending = collect(
      parseFeedStream(stalled(), urlhausMapping, { signal: controller.signal }),
    );
    setTimeout(() => controller.abort(), 50);
    const error = await pending.catch((e: unknown) => e);
    expect((error as FeedTransportError).code).toBe('ABORTED');
  });

  it('already aborted: nothing is read', async () => {
    const error = await collect(
      parseFeedStream(['a\n'], urlhausMapping, { signal: AbortSignal.abort() }),
    ).catch((e: unknown) => e);
    expect((error as FeedTransportError).code).toBe('ABORTED');
  });
});

describe('the streaming splitter reads records exactly as the whole-text parser', () => {
  // Small limits and an alphabet of quotes, delimiters, newlines and comment marks, so
  // over-long records, stray quotes, the detached scans and their joins all come up.
  const alphabet = fc.constantFrom('a', 'b', ',', '"', '"', '\n', '\n', '\r', ' ', '#');
  it('gives the same rows and reports for any text, limit and chunking', () => {
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 200 }).map((chars) => chars.join('')),
        fc.integer({ min: 1, max: 24 }),
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 40 }),
        (text, maxLineLength, sizes) => {
          const wholeIssues: FeedIssue[] = [];
          // Comment lines are skipped by the feed parser either way (an over-long one is
          // not even held by the stream), so rows and reports are what must agree.
          const rowsOnly = (items: Iterable<object>) =>
            [...items].filter((item) => !('comment' in item));
          const whole = rowsOnly(parseDelimited(text, { maxLineLength }, wholeIssues));

          const splitter = new RecordSplitter(',', ['#'], maxLineLength);
          const streamIssues: FeedIssue[] = [];
          const streamed: unknown[] = [];
          let line = 1;
          const take = (pieces: ReturnType<RecordSplitter['push']>) => {
            for (const piece of pieces) {
              if (piece.kind === 'text') {
                const options = { maxLineLength, firstLine: line };
                streamed.push(...rowsOnly(parseDelimited(piece.text, options, streamIssues)));
                line += piece.text.split('\n').length - 1;
              } else {
                if (piece.kind === 'dropped')
                  streamIssues.push({ path: `line ${line}`, message: piece.message });
                line++;
              }
            }
          };
          let at = 0;
          for (let i = 0; at < text.length; i++) {
            const size = sizes[i % sizes.length]!;
            take(splitter.push(text.slice(at, at + size)));
            at += size;
          }
          take(splitter.end());
          expect(streamed).toEqual(whole);
          expect(streamIssues).toEqual(wholeIssues);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
