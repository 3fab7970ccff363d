import { PatternError, type PatternPosition } from './pattern-error';

/** Token kinds of the STIX pattern lexer (STIX 2.1 Part 5, Appendix A lexer rules). */
export type TokenKind =
  | 'lbrack'
  | 'rbrack'
  | 'lparen'
  | 'rparen'
  | 'comma'
  | 'colon'
  | 'dot'
  | 'star'
  | 'op'
  | 'word'
  | 'string'
  | 'int'
  | 'float'
  | 'hex'
  | 'binary'
  | 'timestamp'
  | 'eof';

/** One token: its kind, source text or decoded value, and position. */
export interface Token {
  kind: TokenKind;
  /** Raw text for words/operators/numbers; decoded value for string-like literals. */
  text: string;
  offset: number;
  line: number;
  column: number;
}

enum Ch {
  Tab = 9,
  Lf = 10,
  Vt = 11,
  Ff = 12,
  Cr = 13,
  Space = 32,
  Bang = 33,
  Quote = 39,
  LParen = 40,
  RParen = 41,
  Star = 42,
  Plus = 43,
  Comma = 44,
  Minus = 45,
  Dot = 46,
  Slash = 47,
  Zero = 48,
  Nine = 57,
  Colon = 58,
  Lt = 60,
  Eq = 61,
  Gt = 62,
  LBrack = 91,
  Backslash = 92,
  RBrack = 93,
  Underscore = 95,
}

function isDigit(c: number): boolean {
  return c >= Ch.Zero && c <= Ch.Nine;
}

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === Ch.Underscore;
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || isDigit(c) || c === Ch.Minus;
}

function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

function isBase64Char(c: number): boolean {
  return (
    (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || isDigit(c) || c === Ch.Plus || c === Ch.Slash
  );
}

/**
 * A pull lexer over pattern text: `next()` returns one token at a time and never
 * backtracks, so lexing is linear in the input. Lines are tracked as it goes so every
 * token and error has a line and column without a second pass.
 */
export class Lexer {
  private pos = 0;
  private line = 1;
  private lineStart = 0;

  constructor(private readonly src: string) {}

  /** The current position, for errors at end of input. */
  position(): PatternPosition {
    return { offset: this.pos, line: this.line, column: this.pos - this.lineStart + 1 };
  }

  private fail(
    message: string,
    offset: number,
    line = this.line,
    lineStart = this.lineStart,
  ): never {
    throw new PatternError('PATTERN_SYNTAX', message, {
      offset,
      line,
      column: offset - lineStart + 1,
    });
  }

  private newline(at: number): void {
    this.line++;
    this.lineStart = at + 1;
  }

  private skipTrivia(): void {
    const src = this.src;
    for (;;) {
      const c = src.charCodeAt(this.pos);
      if (c === Ch.Space || c === Ch.Tab || c === Ch.Cr || c === Ch.Vt || c === Ch.Ff) {
        this.pos++;
      } else if (c === Ch.Lf) {
        this.newline(this.pos);
        this.pos++;
      } else if (c === 0x85 || c === 0xa0 || c === 0x2028 || c === 0x2029) {
        this.pos++;
      } else if (c === Ch.Slash && src.charCodeAt(this.pos + 1) === Ch.Star) {
        // Appendix A: block comments are skipped.
        const start = this.pos;
        const startLine = this.line;
        const startLineStart = this.lineStart;
        this.pos += 2;
        for (;;) {
          if (this.pos >= src.length) {
            this.fail('Unterminated comment', start, startLine, startLineStart);
          }
          const d = src.charCodeAt(this.pos);
          if (d === Ch.Star && src.charCodeAt(this.pos + 1) === Ch.Slash) {
            this.pos += 2;
            break;
          }
          if (d === Ch.Lf) this.newline(this.pos);
          this.pos++;
        }
      } else if (c === Ch.Slash && src.charCodeAt(this.pos + 1) === Ch.Slash) {
        while (this.pos < src.length && src.charCodeAt(this.pos) !== Ch.Lf) this.pos++;
      } else {
        return;
      }
    }
  }

  private tok(kind: TokenKind, offset: number, line: number, column: number, text: string): Token {
    return { kind, text, offset, line, column };
  }

  /** Reads the next token. */
  next(): Token {
    this.skipTrivia();
    const src = this.src;
    const start = this.pos;
    const line = this.line;
    const column = start - this.lineStart + 1;
    if (start >= src.length) return this.tok('eof', start, line, column, '');
    const c = src.charCodeAt(start);
    switch (c) {
      case Ch.LBrack:
        this.pos++;
        return this.tok('lbrack', start, line, column, '[');
      case Ch.RBrack:
        this.pos++;
        return this.tok('rbrack', start, line, column, ']');
      case Ch.LParen:
        this.pos++;
        return this.tok('lparen', start, line, column, '(');
      case Ch.RParen:
        this.pos++;
        return this.tok('rparen', start, line, column, ')');
      case Ch.Comma:
        this.pos++;
        return this.tok('comma', start, line, column, ',');
      case Ch.Colon:
        this.pos++;
        return this.tok('colon', start, line, column, ':');
      case Ch.Star:
        this.pos++;
        return this.tok('star', start, line, column, '*');
      case Ch.Eq:
        // STIX 2.1 Part 5 grammar (EQ : '=' | '=='): `==` is the same equality operator.
        this.pos += src.charCodeAt(start + 1) === Ch.Eq ? 2 : 1;
        return this.tok('op', start, line, column, '=');
      case Ch.Bang:
        if (src.charCodeAt(start + 1) === Ch.Eq) {
          this.pos += 2;
          return this.tok('op', start, line, column, '!=');
        }
        return this.fail('Unexpected character `!`', start);
      case Ch.Lt: {
        const d = src.charCodeAt(start + 1);
        if (d === Ch.Eq) {
          this.pos += 2;
          return this.tok('op', start, line, column, '<=');
        }
        if (d === Ch.Gt) {
          // Appendix A: `<>` is an alternative spelling of `!=`.
          this.pos += 2;
          return this.tok('op', start, line, column, '!=');
        }
        this.pos++;
        return this.tok('op', start, line, column, '<');
      }
      case Ch.Gt:
        if (src.charCodeAt(start + 1) === Ch.Eq) {
          this.pos += 2;
          return this.tok('op', start, line, column, '>=');
        }
        this.pos++;
        return this.tok('op', start, line, column, '>');
      case Ch.Quote:
        return this.tok('string', start, line, column, this.readQuoted(start + 1));
    }
    if (c === Ch.Dot) {
      if (isDigit(src.charCodeAt(start + 1))) return this.readNumber(start, line, column);
      this.pos++;
      return this.tok('dot', start, line, column, '.');
    }
    if (c === Ch.Plus || c === Ch.Minus || isDigit(c)) return this.readNumber(start, line, column);
    if (isIdentStart(c)) {
      if (src.charCodeAt(start + 1) === Ch.Quote) {
        if (c === 116) return this.tok('timestamp', start, line, column, this.readTimestamp(start));
        if (c === 104) return this.tok('hex', start, line, column, this.readHex(start));
        if (c === 98) return this.tok('binary', start, line, column, this.readBinary(start));
      }
      let end = start + 1;
      while (end < src.length && isIdentPart(src.charCodeAt(end))) end++;
      this.pos = end;
      return this.tok('word', start, line, column, src.slice(start, end));
    }
    const shown = String.fromCodePoint(src.codePointAt(start) ?? c);
    return this.fail(`Unexpected character \`${shown}\``, start);
  }

  /** Reads a quoted string body starting after the opening quote; returns the decoded value. */
  private readQuoted(bodyStart: number): string {
    const src = this.src;
    const open = bodyStart - 1;
    const openLine = this.line;
    const openLineStart = this.lineStart;
    let i = bodyStart;
    let chunkStart = bodyStart;
    let out = '';
    for (;;) {
      if (i >= src.length) this.fail('Unterminated string literal', open, openLine, openLineStart);
      const c = src.charCodeAt(i);
      if (c === Ch.Quote) break;
      if (c === Ch.Backslash) {
        const d = src.charCodeAt(i + 1);
        // Appendix A: only \' and \\ are escapes inside a StringLiteral.
        if (d !== Ch.Quote && d !== Ch.Backslash) {
          const shown = i + 1 < src.length ? src[i + 1] : 'end of input';
          this.fail(
            `Invalid escape \`\\${shown}\` in string literal (only \\' and \\\\ are allowed)`,
            i,
          );
        }
        out += src.slice(chunkStart, i) + (d === Ch.Quote ? "'" : '\\');
        i += 2;
        chunkStart = i;
        continue;
      }
      if (c === Ch.Lf) this.newline(i);
      i++;
    }
    this.pos = i + 1;
    return chunkStart === bodyStart ? src.slice(bodyStart, i) : out + src.slice(chunkStart, i);
  }

  private readRawQuoted(prefixStart: number, what: string): string {
    const src = this.src;
    const bodyStart = prefixStart + 2;
    const end = src.indexOf("'", bodyStart);
    if (end < 0) this.fail(`Unterminated ${what} literal`, prefixStart);
    this.pos = end + 1;
    return src.slice(bodyStart, end);
  }

  private readHex(start: number): string {
    const body = this.readRawQuoted(start, 'hex');
    for (let i = 0; i < body.length; i++) {
      if (!isHexDigit(body.charCodeAt(i)))
        this.fail("Invalid hex digit in h'' literal", start + 2 + i);
    }
    if (body.length % 2 !== 0) this.fail("A h'' literal needs an even number of hex digits", start);
    return body;
  }

  private readBinary(start: number): string {
    const body = this.readRawQuoted(start, 'binary');
    let padding = 0;
    for (let i = 0; i < body.length; i++) {
      const c = body.charCodeAt(i);
      if (c === Ch.Eq) {
        padding++;
      } else if (padding > 0 || !isBase64Char(c)) {
        this.fail("Invalid base64 character in b'' literal", start + 2 + i);
      }
    }
    if (body.length % 4 !== 0 || padding > 2) {
      this.fail("A b'' literal must be base64 with correct padding", start);
    }
    return body;
  }

  private readTimestamp(start: number): string {
    const body = this.readRawQuoted(start, 'timestamp');
    if (!isValidTimestamp(body)) {
      this.fail("Invalid timestamp literal (expected t'YYYY-MM-DDTHH:MM:SS[.s+]Z' in UTC)", start);
    }
    return body;
  }

  private readNumber(start: number, line: number, column: number): Token {
    const src = this.src;
    let i = start;
    const first = src.charCodeAt(i);
    if (first === Ch.Plus || first === Ch.Minus) i++;
    const intStart = i;
    while (isDigit(src.charCodeAt(i))) i++;
    const intDigits = i - intStart;
    let kind: TokenKind = 'int';
    if (src.charCodeAt(i) === Ch.Dot && isDigit(src.charCodeAt(i + 1))) {
      kind = 'float';
      i++;
      while (isDigit(src.charCodeAt(i))) i++;
    } else if (intDigits === 0) {
      this.fail('Expected a number after the sign', start);
    } else if (intDigits > 1 && src.charCodeAt(intStart) === Ch.Zero) {
      this.fail('Integer literals have no leading zeros', start);
    }
    if (i < src.length && isIdentStart(src.charCodeAt(i))) {
      this.fail('Unexpected character after a number', i);
    }
    if (i - start > 400) this.fail('Numeric literal is too long', start);
    this.pos = i;
    return { kind, text: src.slice(start, i), offset: start, line, column };
  }
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Checks the RFC 3339 UTC form the grammar's TimestampLiteral allows. */
export function isValidTimestamp(s: string): boolean {
  // YYYY-MM-DDTHH:MM:SS then optional .fraction, then Z
  if (s.length < 20) return false;
  const shape = 'dddd-dd-ddTdd:dd:dd';
  for (let i = 0; i < shape.length; i++) {
    const want = shape[i];
    const c = s.charCodeAt(i);
    if (want === 'd' ? !isDigit(c) : s[i] !== want) return false;
  }
  let i = 19;
  if (s[i] === '.') {
    i++;
    const fracStart = i;
    while (isDigit(s.charCodeAt(i))) i++;
    if (i === fracStart) return false;
  }
  if (s[i] !== 'Z' || i !== s.length - 1) return false;
  const year = Number(s.slice(0, 4));
  const month = Number(s.slice(5, 7));
  const day = Number(s.slice(8, 10));
  const hour = Number(s.slice(11, 13));
  const minute = Number(s.slice(14, 16));
  const second = Number(s.slice(17, 19));
  if (month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1]!) return false;
  if (month === 2 && day === 29 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0))) {
    return false;
  }
  return hour < 24 && minute < 60 && second < 60;
}
