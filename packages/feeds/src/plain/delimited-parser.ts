import type { FeedIssue } from '../errors/feed-error-issue';

/** One parsed row with the 1-based line it starts on. */
export interface DelimitedRow {
  line: number;
  fields: string[];
}

/** Options of {@link parseDelimited}. */
export interface DelimitedOptions {
  /** Field separator (default `,`); `null` for one value per line. */
  delimiter?: string | null;
  /** Line prefixes that mark comment lines (default `['#']`). */
  comment?: readonly string[];
  /** Longest accepted line in characters (default 65 536); longer rows are reported. */
  maxLineLength?: number;
  /** Line number of the text's first line (default 1), when it continues a stream. */
  firstLine?: number;
  /** Receives how many characters the record-end scans read (tests check it stays linear). */
  work?: { scanned: number };
}

/**
 * Splits CSV/TSV/list text into rows in one linear pass (RFC 4180 quoting, `""` escapes,
 * quoted newlines), skipping blank lines and comment lines (banners and trailers). Rows
 * that cannot be parsed are reported with their line number and skipped.
 */
export function* parseDelimited(
  text: string,
  options: DelimitedOptions = {},
  issues: FeedIssue[] = [],
): Generator<{ comment: string; line: number } | DelimitedRow> {
  const delimiter = options.delimiter === undefined ? ',' : options.delimiter;
  const comments = options.comment ?? ['#'];
  const maxLine = options.maxLineLength ?? 65_536;
  const delimiterCode = delimiter !== null && delimiter.length === 1 ? delimiter.charCodeAt(0) : -1;
  let position = 0;
  let line = options.firstLine ?? 1;
  const length = text.length;
  if (line === 1 && text.charCodeAt(0) === 0xfeff) position = 1;
  const ends = new RecordEnds(text, delimiterCode);
  while (position < length) {
    const start = position;
    const startLine = line;
    // Find the raw end of this physical line to check comments and blanks cheaply.
    let eol = text.indexOf('\n', position);
    if (eol === -1) eol = length;
    const raw = text.slice(position, eol).replace(/\r$/, '');
    const trimmed = raw.trim();
    if (trimmed === '' || comments.some((prefix) => trimmed.startsWith(prefix))) {
      if (trimmed !== '') yield { comment: trimmed, line };
      position = eol + 1;
      line++;
      continue;
    }
    if (delimiter === null) {
      position = eol + 1;
      line++;
      if (raw.length > maxLine) {
        issues.push({ path: `line ${startLine}`, message: `is longer than ${maxLine} characters` });
        continue;
      }
      yield { line: startLine, fields: [trimmed] };
      continue;
    }
    // Where this record ends, found without building fields (see `RecordEnds`), so that a
    // row broken by a stray quote costs its own first line, not a rescan of the rest.
    const end = ends.from(start);
    const last = end >= 0 && end < length ? end : length - 1;
    let broken: string | undefined;
    if (last - start > maxLine) broken = `is longer than ${maxLine} characters`;
    else if (end === -1) broken = 'has an unterminated quoted field';
    if (broken) {
      if (options.work) options.work.scanned = ends.scanned;
      issues.push({ path: `line ${startLine}`, message: broken });
      // Resynchronise on the next physical line after the row's first line.
      position = eol + 1;
      line = startLine + 1;
      continue;
    }
    const stop = end === -1 ? length : end;
    const fields: string[] = [];
    let field = '';
    let quoted = false;
    let atFieldStart = true;
    // Fields are sliced out in runs between special characters rather than built one
    // character at a time (which allocated a string per character).
    let run = start;
    let i = start;
    for (; i < stop; i++) {
      const code = text.charCodeAt(i);
      if (quoted) {
        if (code === 34 /* " */) {
          if (text.charCodeAt(i + 1) === 34) {
            field += text.slice(run, i + 1);
            i++;
          } else {
            field += text.slice(run, i);
            quoted = false;
          }
          run = i + 1;
        } else if (code === 10) line++;
        continue;
      }
      if (code === 34 && atFieldStart) {
        quoted = true;
        atFieldStart = false;
        run = i + 1;
        continue;
      }
      if (code === delimiterCode) {
        fields.push(field + text.slice(run, i));
        field = '';
        atFieldStart = true;
        run = i + 1;
        continue;
      }
      if (code === 13 /* \r */ && text.charCodeAt(i + 1) === 10) {
        field += text.slice(run, i);
        run = i + 1;
        continue;
      }
      if (atFieldStart && (code === 32 || code === 9)) {
        run = i + 1;
        continue;
      }
      atFieldStart = false;
    }
    fields.push(field + text.slice(run, i));
    if (options.work) options.work.scanned = ends.scanned;
    position = i + 1;
    line++;
    yield { line: startLine, fields: fields.map((f) => f.trimEnd()) };
  }
}

/**
 * Finds where a record starting at a given offset ends: the newline outside quotes that
 * closes it, `text.length` when the text ends outside quotes, or -1 when it ends inside a
 * quoted field. A record broken by a stray quote is skipped by its first line only, so the
 * next record starts one line later and would scan the same quoted stretch again: up to
 * `maxLineLength` per line, quadratic on hostile input. But every scan that crosses a
 * given newline inside quotes is in the same state there, so it ends where the first one
 * did: those newlines remember the end, and each character is scanned about once.
 */
export class RecordEnds {
  readonly #text: string;
  readonly #delimiter: number;
  readonly #known = new Map<number, number>();
  /** Characters read so far, over all calls. */
  scanned = 0;

  constructor(text: string, delimiterCode: number) {
    this.#text = text;
    this.#delimiter = delimiterCode;
  }

  /** The end of the record starting at `start` (at a field start, outside quotes). */
  from(start: number): number {
    const text = this.#text;
    const length = text.length;
    const delimiter = this.#delimiter;
    const known = this.#known;
    let crossed: number[] | undefined;
    let quoted = false;
    let atFieldStart = true;
    let end: number | undefined;
    let i = start;
    for (; i < length; i++) {
      const code = text.charCodeAt(i);
      if (quoted) {
        if (code === 34) {
          if (text.charCodeAt(i + 1) === 34) i++;
          else quoted = false;
        } else if (code === 10) {
          const remembered = known.get(i);
          if (remembered !== undefined) {
            end = remembered;
            break;
          }
          if (crossed === undefined) crossed = [i];
          else crossed.push(i);
        }
        continue;
      }
      if (code === 34 && atFieldStart) {
        quoted = true;
        atFieldStart = false;
      } else if (code === delimiter) atFieldStart = true;
      else if (code === 10) {
        end = i;
        break;
      } else if (!(atFieldStart && (code === 32 || code === 9))) atFieldStart = false;
    }
    end ??= quoted ? -1 : length;
    if (crossed) for (const at of crossed) known.set(at, end);
    this.scanned += i - start;
    return end;
  }
}
