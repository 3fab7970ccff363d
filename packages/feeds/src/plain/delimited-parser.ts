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
  let position = 0;
  let line = 1;
  const length = text.length;
  if (text.charCodeAt(0) === 0xfeff) position = 1;
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
    let i = start;
    for (; i < length; i++) {
      const ch = text[i]!;
      if (i - start > maxLine) {
        broken = `is longer than ${maxLine} characters`;
        break;
      }
      if (quoted) {
        if (ch === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i++;
          } else quoted = false;
        } else {
          if (ch === '\n') line++;
          field += ch;
        }
        continue;
      }
      if (ch === '"' && atFieldStart) {
        quoted = true;
        atFieldStart = false;
        continue;
      }
      if (ch === delimiter) {
        fields.push(field);
        field = '';
        atFieldStart = true;
        continue;
      }
      if (ch === '\n') break;
      if (ch === '\r' && text[i + 1] === '\n') continue;
      if (atFieldStart && (ch === ' ' || ch === '\t') && ch !== delimiter) continue;
      atFieldStart = false;
      field += ch;
    }
    if (quoted && !broken) broken = 'has an unterminated quoted field';
    if (broken) {
      issues.push({ path: `line ${startLine}`, message: broken });
      // Resynchronise on the next physical line after the row's first line.
      position = eol + 1;
      line = startLine + 1;
      continue;
    }
    fields.push(field);
    position = i + 1;
    line++;
    yield { line: startLine, fields: fields.map((f) => f.trimEnd()) };
  }
}
