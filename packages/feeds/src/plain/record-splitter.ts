/** What {@link RecordSplitter} hands on, in stream order. */
export type SplitPiece =
  /** Complete records, blank and comment lines: parse them as whole text. */
  | { kind: 'text'; text: string }
  /** One record dropped (its first physical line), to be reported at the current line. */
  | { kind: 'dropped'; message: string }
  /** One physical line skipped without a report (an over-long comment line). */
  | { kind: 'skipped' };

/** The quoting state of one scan (RFC 4180 rules, as in the delimited parser). */
interface Scan {
  quoted: boolean;
  /** A `"` was just read inside quotes: `""` (an escaped quote) or the field's end. */
  afterQuote: boolean;
  atFieldStart: boolean;
  /** The next offset to read. */
  pos: number;
  /** Newlines this scan crossed inside quotes, in order (from `head` on). */
  crossed: number[];
  head: number;
}

/** The record the splitter is deciding on. */
interface Candidate {
  start: number;
  /** Its first newline, once found (-1 before). */
  firstEol: number;
  /** Whether the first line was checked for being blank or a comment. */
  classified: boolean;
  scan: Scan;
}

/** A scan whose record was dropped, kept at the frontier because later records may join it. */
interface Detached {
  scan: Scan;
  /** Where its record ends (a newline offset) once known. */
  end: number | undefined;
}

const NEWLINE = 10;
const QUOTE = 34;

/**
 * Cuts a stream of CSV/TSV/list text into pieces that the whole-text parser reads exactly as
 * it would read the whole, in bounded memory and linear time: every offset is read a fixed
 * number of times whatever the chunking (1-byte chunks included) and however hostile the
 * text, and at most about `maxLine` characters plus one chunk are held.
 *
 * Records longer than `maxLine` are dropped here (the parser would report them) and the
 * next record starts on the line after the dropped record's first line. A stray quote
 * makes every following record scan the same quoted stretch; but scans that cross one
 * newline inside quotes are in the same state from there on, so a record that meets the
 * dropped record's scan at such a newline takes over that scan instead of reading again.
 */
export class RecordSplitter {
  readonly #delimiter: number;
  readonly #lines: boolean;
  readonly #comments: readonly string[];
  readonly #maxLine: number;
  readonly #held = new HeldText();
  #emitFrom = 0;
  #candidate: Candidate;
  #detached: Detached | undefined;
  /** Dropping text up to the end of an over-long first line. */
  #skipping = false;
  /**
   * While skipping a line that may still turn out blank or a comment (only whitespace seen
   * so far, or the start of a comment prefix): its first non-blank characters.
   */
  #skipHead: string | undefined;
  readonly #longestPrefix: number;
  /** For one-value-per-line formats: where the next newline search starts. */
  #lineScan = 0;
  #out: SplitPiece[] = [];
  /** Characters read by the quote-aware scans so far (tests check it stays linear). */
  scanned = 0;

  /** Held chunks looked at to find, search and cut text so far (tests check it stays linear). */
  get chunkSteps(): number {
    return this.#held.steps;
  }

  constructor(delimiter: string | null, comments: readonly string[], maxLine: number) {
    this.#lines = delimiter === null;
    this.#delimiter = delimiter === null ? -1 : delimiter.charCodeAt(0);
    this.#comments = comments;
    this.#longestPrefix = Math.max(0, ...comments.map((prefix) => prefix.length));
    this.#maxLine = maxLine;
    this.#candidate = candidate(0);
  }

  /** Adds text; returns the pieces that became complete. */
  push(text: string): SplitPiece[] {
    if (text === '') return [];
    const held = this.#held;
    if (this.#skipping) {
      const eol = text.indexOf('\n');
      if (this.#skipHead !== undefined) {
        const part = eol === -1 ? text : text.slice(0, eol);
        const head = this.#skipHead === '' ? part.trimStart() : part;
        this.#skipHead += head.slice(0, this.#longestPrefix + 1);
        this.#judgeSkipped(eol !== -1);
      }
      if (eol === -1) {
        held.skip(text.length);
        return this.#drain();
      }
      // The skipped line was counted when it was dropped.
      held.skip(eol + 1);
      this.#skipping = false;
      this.#restart(held.end);
      text = text.slice(eol + 1);
      if (text === '') return this.#drain();
    }
    held.append(text);
    if (this.#lines) this.#cutLines();
    else {
      this.#advance();
      // Everything before the record being decided is complete: hand it on as one piece.
      if (!this.#skipping) this.#emit(this.#candidate.start);
    }
    return this.#drain();
  }

  /** Ends the stream: the rest, complete or not, is handed on for the parser to judge. */
  end(): SplitPiece[] {
    if (this.#skipping) this.#judgeSkipped(true);
    else if (this.#held.end > this.#emitFrom)
      this.#out.push({ kind: 'text', text: this.#held.slice(this.#emitFrom, this.#held.end) });
    this.#emitFrom = this.#held.end;
    return this.#drain();
  }

  #drain(): SplitPiece[] {
    const out = this.#out;
    this.#out = [];
    return out;
  }

  #restart(at: number): void {
    this.#emitFrom = at;
    this.#candidate = candidate(at);
    this.#lineScan = at;
    this.#held.dropBefore(at);
  }

  /** Emits the complete text before `upTo`. */
  #emit(upTo: number): void {
    if (upTo > this.#emitFrom)
      this.#out.push({ kind: 'text', text: this.#held.slice(this.#emitFrom, upTo) });
    this.#emitFrom = upTo;
    this.#held.dropBefore(upTo);
  }

  // One value per line: cut after the last newline; a line without one past the limit is
  // reported and skipped without being held.
  #cutLines(): void {
    const held = this.#held;
    let last = -1;
    for (let at = held.indexOfNewline(this.#lineScan); at !== -1; at = held.indexOfNewline(at + 1))
      last = at;
    this.#lineScan = held.end;
    if (last !== -1) this.#emit(last + 1);
    if (held.end - this.#emitFrom > this.#maxLine + 1) {
      this.#out.push({ kind: 'dropped', message: `is longer than ${this.#maxLine} characters` });
      this.#skipping = true;
      held.dropBefore(held.end);
      this.#emitFrom = held.end;
    }
  }

  #advance(): void {
    const held = this.#held;
    const maxLine = this.#maxLine;
    for (;;) {
      // The detached scan runs ahead first, so records that join it find it at the frontier.
      const detached = this.#detached;
      if (detached && detached.end === undefined) {
        detached.end = this.#run(detached.scan, held.end, undefined) as number | undefined;
      }
      const record = this.#candidate;
      if (!record.classified) {
        if (record.firstEol === -1) {
          record.firstEol = held.indexOfNewline(Math.max(record.start, record.scan.pos));
          if (record.firstEol === -1) {
            record.scan.pos = held.end;
            if (held.end - record.start <= maxLine + 1) return;
            // A first line longer than the limit, never held whole: skip to its end. It is a
            // comment or blank line (skipped silently, as the parser would) or an over-long
            // record (reported), which its first non-blank characters decide.
            this.#skipHead = held
              .slice(record.start, held.end)
              .trimStart()
              .slice(0, this.#longestPrefix + 1);
            this.#emit(record.start);
            this.#judgeSkipped(false);
            this.#skipping = true;
            this.#detached = undefined;
            held.dropBefore(held.end);
            this.#emitFrom = held.end;
            return;
          }
        }
        const first = held.slice(record.start, record.firstEol).trim();
        record.classified = true;
        record.scan.pos = record.start;
        if (first === '' || this.#isComment(first)) {
          this.#candidate = candidate(record.firstEol + 1);
          continue;
        }
      }
      const limit = Math.min(held.end, record.start + maxLine + 1);
      const end = this.#run(record.scan, limit, this.#detached);
      if (end === JOINED) {
        // The record met the detached scan, so it ends where that scan ends: it takes the
        // scan over at the frontier, or settles at once when that end is known. A finished
        // scan stays, for the records after this one.
        const joined = this.#detached!;
        if (joined.end === undefined) {
          this.#detached = undefined;
          record.scan = joined.scan;
          continue;
        }
        this.#settle(record, joined.end);
        continue;
      }
      if (end !== undefined) {
        this.#settle(record, end);
        continue;
      }
      // No end within the limit yet. It is over-long once the character after the limit
      // exists (the whole-text parser's rule: a record ending at the text's end may be one
      // character longer).
      if (held.end <= record.start + maxLine + 1) return; // wait for more text
      // Longer than the limit: drop it; the next record starts on its second line. Its
      // scan goes on detached, for the records that will join it.
      this.#drop(record);
      this.#detached = { scan: record.scan, end: undefined };
    }
  }

  #settle(record: Candidate, end: number): void {
    if (end - record.start > this.#maxLine) this.#drop(record);
    else this.#candidate = candidate(end + 1);
  }

  #drop(record: Candidate): void {
    this.#emit(record.start);
    this.#out.push({ kind: 'dropped', message: `is longer than ${this.#maxLine} characters` });
    this.#emitFrom = record.firstEol + 1;
    // The dropped record's scan may go on detached from inside its first line: keep that.
    this.#held.dropBefore(Math.min(record.scan.pos, this.#emitFrom));
    this.#candidate = candidate(record.firstEol + 1);
  }

  /**
   * Reads `scan` on to `limit`. Returns the offset of the newline that ends its record,
   * `JOINED` when it crosses a newline inside quotes that `join`'s scan crossed the same
   * way, or `undefined` when it reached `limit` first.
   */
  #run(scan: Scan, limit: number, join: Detached | undefined): number | typeof JOINED | undefined {
    const held = this.#held;
    const delimiter = this.#delimiter;
    const other = join?.scan;
    let pos = scan.pos;
    let quoted = scan.quoted;
    let afterQuote = scan.afterQuote;
    let atFieldStart = scan.atFieldStart;
    let result: number | typeof JOINED | undefined;
    // Chunk by chunk: reading through the chunk list per character cost a third more.
    reading: while (pos < limit) {
      const chunk = held.chunkAt(pos);
      const base = held.chunkStart;
      const stop = Math.min(limit, base + chunk.length);
      for (; pos < stop; pos++) {
        const code = chunk.charCodeAt(pos - base);
        if (quoted) {
          if (afterQuote) {
            afterQuote = false;
            if (code === QUOTE) continue; // `""`: an escaped quote, still quoted
            quoted = false;
            atFieldStart = false;
            // The closing quote was read; this character is outside quotes.
          } else {
            if (code === QUOTE) afterQuote = true;
            else if (code === NEWLINE) {
              if (other && crossedAt(other, pos)) {
                result = JOINED;
                pos++;
                break reading;
              }
              scan.crossed.push(pos);
            }
            continue;
          }
        }
        if (code === QUOTE && atFieldStart) {
          quoted = true;
          atFieldStart = false;
        } else if (code === delimiter) atFieldStart = true;
        else if (code === NEWLINE) {
          result = pos;
          pos++;
          break reading;
        } else if (!(atFieldStart && (code === 32 || code === 9))) atFieldStart = false;
      }
    }
    this.scanned += pos - scan.pos;
    scan.pos = pos;
    scan.quoted = quoted;
    scan.afterQuote = afterQuote;
    scan.atFieldStart = atFieldStart;
    return result;
  }

  /** Reports the line being skipped once its first characters (or its end) decide what it is. */
  #judgeSkipped(atLineEnd: boolean): void {
    const head = this.#skipHead;
    if (head === undefined) return;
    const trimmed = atLineEnd ? head.trim() : head;
    if (trimmed === '' ? atLineEnd : this.#isComment(trimmed)) {
      this.#out.push({ kind: 'skipped' });
    } else if (
      !atLineEnd &&
      (head === '' ||
        this.#comments.some((prefix) => prefix.length > head.length && prefix.startsWith(head)))
    ) {
      return; // it may still be blank or a comment
    } else {
      this.#out.push({ kind: 'dropped', message: `is longer than ${this.#maxLine} characters` });
    }
    this.#skipHead = undefined;
  }

  #isComment(trimmed: string): boolean {
    for (const prefix of this.#comments) if (trimmed.startsWith(prefix)) return true;
    return false;
  }
}

const JOINED = Symbol('joined');

function candidate(start: number): Candidate {
  return {
    start,
    firstEol: -1,
    classified: false,
    scan: {
      quoted: false,
      afterQuote: false,
      atFieldStart: true,
      pos: start,
      crossed: [],
      head: 0,
    },
  };
}

/** Whether `scan` crossed the newline at `pos` inside quotes (later lookups only go forward). */
function crossedAt(scan: Scan, pos: number): boolean {
  const crossed = scan.crossed;
  while (scan.head < crossed.length && crossed[scan.head]! < pos) scan.head++;
  if (scan.head > 1024 && scan.head * 2 > crossed.length) {
    crossed.splice(0, scan.head);
    scan.head = 0;
  }
  return crossed[scan.head] === pos;
}

/**
 * The text held between chunks, as the chunks themselves (joining them on every chunk
 * would copy the held text each time: quadratic with small chunks). Offsets are absolute
 * stream offsets; reads move a cursor, so sequential reads cost O(1).
 */
class HeldText {
  #chunks: string[] = [];
  #starts: number[] = [];
  #head = 0;
  #cursor = 0;
  #end = 0;
  /** Chunks looked at by look-ups, searches, cuts and drops (tests check it stays linear). */
  steps = 0;

  get end(): number {
    return this.#end;
  }

  append(text: string): void {
    this.#chunks.push(text);
    this.#starts.push(this.#end);
    this.#end += text.length;
  }

  /** Counts text that is dropped without being held (a skipped line). */
  skip(length: number): void {
    this.#end += length;
  }

  /** Where the chunk returned by the last {@link HeldText.chunkAt} starts. */
  chunkStart = 0;

  /** The held chunk containing `pos` (which must be held). */
  chunkAt(pos: number): string {
    const at = this.#locate(pos);
    this.chunkStart = this.#starts[at]!;
    return this.#chunks[at]!;
  }

  /**
   * The index of the held chunk containing `pos` (or the first chunk after it). Sequential
   * reads hit the cursor or its neighbour in O(1); any other position is found by binary
   * search, never by walking the held chunks (with 1-byte chunks, a walk from the oldest
   * held chunk on every new chunk made a long record quadratic).
   */
  #locate(pos: number): number {
    const starts = this.#starts;
    const chunks = this.#chunks;
    const count = chunks.length;
    let at = Math.max(this.#cursor, this.#head);
    this.steps++;
    if (at < count && pos >= starts[at]!) {
      if (pos < starts[at]! + chunks[at]!.length) return at;
      at++;
      if (at >= count || pos < starts[at]! + chunks[at]!.length) {
        this.#cursor = Math.min(at, count - 1);
        return at;
      }
    }
    // The first chunk that ends after `pos`.
    let low = this.#head;
    let high = count;
    while (low < high) {
      const mid = (low + high) >>> 1;
      this.steps++;
      if (starts[mid]! + chunks[mid]!.length <= pos) low = mid + 1;
      else high = mid;
    }
    if (low < count) this.#cursor = low;
    return low;
  }

  indexOfNewline(from: number): number {
    if (from >= this.#end) return -1;
    const starts = this.#starts;
    const chunks = this.#chunks;
    for (let at = this.#locate(from); at < chunks.length; at++) {
      this.steps++;
      const found = chunks[at]!.indexOf('\n', Math.max(0, from - starts[at]!));
      if (found !== -1) return starts[at]! + found;
    }
    return -1;
  }

  slice(from: number, to: number): string {
    const end = Math.min(to, this.#end);
    let out = '';
    if (from >= end) return out;
    for (let at = this.#locate(from); at < this.#chunks.length; at++) {
      const start = this.#starts[at]!;
      const chunk = this.#chunks[at]!;
      this.steps++;
      if (start >= end) break;
      out += chunk.slice(Math.max(0, from - start), end - start);
    }
    return out;
  }

  /** Forgets the text before `pos`. */
  dropBefore(pos: number): void {
    const chunks = this.#chunks;
    while (
      this.#head < chunks.length &&
      this.#starts[this.#head]! + chunks[this.#head]!.length <= pos
    ) {
      this.#head++;
      this.steps++;
    }
    if (this.#head === chunks.length) {
      this.#chunks = [];
      this.#starts = [];
      this.#head = 0;
      this.#cursor = 0;
    } else if (this.#head > 64 && this.#head * 2 > chunks.length) {
      this.steps += chunks.length - this.#head;
      this.#chunks = chunks.slice(this.#head);
      this.#starts = this.#starts.slice(this.#head);
      this.#cursor = Math.max(0, this.#cursor - this.#head);
      this.#head = 0;
    }
  }
}
