/**
 * A purpose-built incremental scanner for STIX bundles: it finds the top-level `objects`
 * array (or a bare top-level array) and slices out each element's text, so one object at
 * a time is parsed. It tracks only nesting and strings; each element is then checked by
 * `JSON.parse`. It works on decoded text (the caller decodes UTF-8 in streaming mode), so
 * string contents are skipped with the engine's native `indexOf`. Memory is bounded by the
 * largest single element, capped by `maxChars` (UTF-16 code units).
 */

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const COMMA = 44;
const COLON = 58;
const BOM = 0xfeff;

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/** A completed array element: its text, or undefined when it exceeded the limit. */
export interface ScannedElement {
  index: number;
  text: string | undefined;
  size: number;
}

// States of the top-level walk (plain numbers: a hot switch).
const START = 0;
const KEY_WAIT = 1;
const KEY = 2;
const COLON_WAIT = 3;
const VALUE_WAIT = 4;
const SKIP_VALUE = 5;
const ARRAY_WAIT = 6;
const ELEMENT = 7;
const DONE = 8;

/** A structural error in the input; the stream turns it into an `INVALID_JSON` issue. */
export class ScanError extends Error {}

/** Decodes the escapes of a raw property name (the text between its quotes). */
function decodeKey(raw: string): string {
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    throw new ScanError('Invalid escape in a bundle property name.');
  }
}

export class BundleScanner {
  /** `array` for a bare top-level array, `bundle` for an object with `objects`. */
  kind: 'array' | 'bundle' | undefined;
  /**
   * Raw JSON text of the top-level properties other than an `objects` array, by decoded
   * name, in input order; `undefined` for a value past the size bound. A map, as the names
   * come from input.
   */
  readonly header = new Map<string, string | undefined>();
  /** Whether an `objects` array was streamed (its elements were returned by `push`). */
  sawObjectsArray = false;
  #headerChars = 0;
  #state = START;
  #index = 0;
  #depth = 0;
  #inString = false;
  #escaped = false;
  #scalar = false;
  #parts: string[] = [];
  #size = 0;
  #oversize = false;
  #key = '';
  #limit = 0;
  /** Index of the next backslash in `#backslashChunk` (-1: none left, -2: not searched yet). */
  #backslash = -2;
  /** Index of the next quote in `#backslashChunk`, cached the same way as `#backslash`. */
  #quote = -2;
  #backslashChunk = -1;
  #chunkSerial = 0;
  readonly #maxChars: number;

  constructor(maxChars: number) {
    this.#maxChars = maxChars;
  }

  /** Feeds decoded text; returns the elements it completed. */
  push(chunk: string): ScannedElement[] {
    const out: ScannedElement[] = [];
    this.#chunkSerial++;
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      const c = chunk.charCodeAt(i);
      switch (this.#state) {
        case START:
          if (isSpace(c) || c === BOM) i++;
          else if (c === OPEN_BRACKET) {
            this.kind = 'array';
            this.#state = ARRAY_WAIT;
            i++;
          } else if (c === OPEN_BRACE) {
            this.kind = 'bundle';
            this.#state = KEY_WAIT;
            i++;
          } else throw new ScanError('Input must start with `{` or `[`.');
          break;
        case KEY_WAIT:
          if (isSpace(c) || c === COMMA) i++;
          else if (c === QUOTE) {
            this.#key = '';
            this.#escaped = false;
            this.#state = KEY;
            i++;
          } else if (c === CLOSE_BRACE) {
            this.#state = DONE;
            i++;
          } else throw new ScanError('Expected a bundle property name.');
          break;
        case KEY: {
          // Keys are read raw (escapes kept); only `objects` matters and it has none.
          let j = i;
          while (j < n) {
            const k = chunk.charCodeAt(j);
            if (this.#escaped) this.#escaped = false;
            else if (k === BACKSLASH) this.#escaped = true;
            else if (k === QUOTE) break;
            j++;
          }
          this.#key += chunk.slice(i, j);
          if (this.#key.length > 1024) throw new ScanError('Bundle property name is too long.');
          if (j < n) {
            // JSON escapes name the same key (`"\u006fbjects"` is `objects`), as JSON.parse reads it.
            if (this.#key.includes('\\')) this.#key = decodeKey(this.#key);
            this.#state = COLON_WAIT;
            j++;
          }
          i = j;
          break;
        }
        case COLON_WAIT:
          if (isSpace(c)) i++;
          else if (c === COLON) {
            this.#state = VALUE_WAIT;
            i++;
          } else throw new ScanError('Expected `:` after a bundle property name.');
          break;
        case VALUE_WAIT:
          if (isSpace(c)) i++;
          else if (this.#key === 'objects' && c === OPEN_BRACKET) {
            this.header.delete('objects');
            this.sawObjectsArray = true;
            this.#state = ARRAY_WAIT;
            i++;
          } else {
            // Header values are kept up to the per-object bound in total: a top-level object
            // that is not a bundle is one STIX object, validated whole like `parseStix` does.
            this.#begin(c, Math.max(0, this.#maxChars - this.#headerChars));
            this.#state = SKIP_VALUE;
          }
          break;
        case ARRAY_WAIT:
          if (isSpace(c) || c === COMMA) i++;
          else if (c === CLOSE_BRACKET) {
            this.#state = this.kind === 'array' ? DONE : KEY_WAIT;
            i++;
          } else {
            this.#begin(c, this.#maxChars);
            this.#state = ELEMENT;
          }
          break;
        case ELEMENT:
        case SKIP_VALUE: {
          const end = this.#scan(chunk, i);
          const stop = end < 0 ? n : end;
          this.#collect(chunk, i, stop);
          i = stop;
          if (end >= 0) {
            if (this.#state === ELEMENT) {
              out.push({
                index: this.#index++,
                text: this.#oversize ? undefined : this.#join(),
                size: this.#size,
              });
              this.#state = ARRAY_WAIT;
            } else {
              // A repeated name keeps its last value, as JSON.parse does.
              this.header.delete(this.#key);
              this.header.set(this.#key, this.#oversize ? undefined : this.#join());
              this.#headerChars += this.#size;
              this.#state = KEY_WAIT;
            }
            this.#parts = [];
          }
          break;
        }
        default:
          if (isSpace(c)) i++;
          else throw new ScanError('Unexpected content after the end of the input.');
      }
    }
    return out;
  }

  /** Signals the end of input; throws when the input stopped mid-way. */
  end(): void {
    if (this.#state !== DONE) throw new ScanError('Unexpected end of input.');
  }

  #begin(c: number, limit: number): void {
    // A value cannot start with a closing or separating character (this also guarantees
    // that every value consumes input, so the scan always advances).
    if (c === CLOSE_BRACE || c === CLOSE_BRACKET || c === COMMA || c === COLON) {
      throw new ScanError(`Unexpected \`${String.fromCharCode(c)}\` where a value was expected.`);
    }
    this.#depth = 0;
    this.#inString = false;
    this.#escaped = false;
    this.#scalar = c !== OPEN_BRACE && c !== OPEN_BRACKET && c !== QUOTE;
    this.#parts = [];
    this.#size = 0;
    this.#oversize = false;
    this.#limit = limit;
  }

  /** Scans a value from `i`; returns the index just past its end, or -1 when it continues. */
  #scan(chunk: string, i: number): number {
    const n = chunk.length;
    if (this.#scalar) {
      for (; i < n; i++) {
        const c = chunk.charCodeAt(i);
        if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || isSpace(c)) return i;
      }
      return -1;
    }
    let depth = this.#depth;
    let inString = this.#inString;
    let escaped = this.#escaped;
    // Chunks are told apart by a serial number: equal text in two chunks is not one chunk.
    if (this.#backslashChunk !== this.#chunkSerial) {
      this.#backslashChunk = this.#chunkSerial;
      this.#backslash = -2;
      this.#quote = -2;
    }
    let backslash = this.#backslash;
    let quote = this.#quote;
    while (i < n) {
      if (inString) {
        if (escaped) {
          escaped = false;
          i++;
          continue;
        }
        // String contents are most of a STIX object: jump over them natively. The next
        // quote and the next backslash are each searched again only once passed, so every
        // position is looked at once per chunk. (Searching every time would be quadratic:
        // the backslash search runs to the chunk end for each string, the quote search to
        // the string end for each escape — `"\ud800\ud800…"` has one escape every 6 chars.)
        if (quote !== -1 && quote < i) quote = chunk.indexOf('"', i);
        if (backslash !== -1 && backslash < i) backslash = chunk.indexOf('\\', i);
        if (backslash !== -1 && (quote === -1 || backslash < quote)) {
          escaped = true;
          i = backslash + 1;
          continue;
        }
        if (quote === -1) {
          i = n;
          break;
        }
        inString = false;
        i = quote + 1;
        if (depth === 0) {
          this.#inString = false;
          this.#escaped = false;
          this.#backslash = backslash;
          this.#quote = quote;
          return i;
        }
        continue;
      }
      const c = chunk.charCodeAt(i);
      i++;
      if (c === QUOTE) inString = true;
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        depth--;
        if (depth === 0) {
          this.#depth = 0;
          this.#inString = false;
          this.#backslash = backslash;
          this.#quote = quote;
          return i;
        }
        if (depth < 0) throw new ScanError('Unbalanced brackets.');
      }
    }
    this.#depth = depth;
    this.#inString = inString;
    this.#escaped = escaped;
    this.#backslash = backslash;
    this.#quote = quote;
    return -1;
  }

  #collect(chunk: string, start: number, stop: number): void {
    if (stop <= start) return;
    this.#size += stop - start;
    if (this.#size > this.#limit) {
      this.#oversize = true;
      this.#parts = [];
      return;
    }
    if (!this.#oversize) this.#parts.push(chunk.slice(start, stop));
  }

  #join(): string {
    return this.#parts.length === 1 ? this.#parts[0]! : this.#parts.join('');
  }
}
