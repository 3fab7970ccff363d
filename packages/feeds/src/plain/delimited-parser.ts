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
    const fields: string[] = [];
    let field = '';
    let quoted = false;
    let atFieldStart = true;
    let broken: string | undefined;
    // Fields are sliced out in runs between special characters rather than built one
    // character at a time (which allocated a string per character).
    let run = start;
    let i = start;
    for (; i < length; i++) {
      if (i - start > maxLine) {
        broken = `is longer than ${maxLine} characters`;
        break;
      }
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
      if (code === 10 /* \n */) break;
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
    if (quoted && !broken) broken = 'has an unterminated quoted field';
    if (broken) {
      issues.push({ path: `line ${startLine}`, message: broken });
      // Resynchronise on the next physical line after the row's first line.
      position = eol + 1;
      line = startLine + 1;
      continue;
    }
    fields.push(field + text.slice(run, i));
    position = i + 1;
    line++;
    yield { line: startLine, fields: fields.map((f) => f.trimEnd()) };
  }
}
