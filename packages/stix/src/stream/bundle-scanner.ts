/**
 * A purpose-built incremental scanner for STIX bundles: it finds the top-level `objects`
 * array (or a bare top-level array) and slices out each element's bytes, so one object at
 * a time is decoded. It tracks only nesting and strings; each element is then checked by
 * `JSON.parse`. Memory is bounded by the largest single element (capped by `maxBytes`).
 */

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const COMMA = 44;
const COLON = 58;

function isSpace(b: number): boolean {
  return b === 32 || b === 10 || b === 13 || b === 9;
}

/** A completed array element: its bytes, or `oversize` when it exceeded the limit. */
export interface ScannedElement {
  index: number;
  bytes: Uint8Array | undefined;
  size: number;
}

/** Top-level bundle properties captured on the way (small values only). */
export type BundleHeader = Record<string, string>;

enum State {
  Start,
  KeyWait,
  Key,
  Colon,
  ValueWait,
  SkipValue,
  ArrayWait,
  Element,
  AfterArray,
  Done,
}

const MAX_CAPTURE = 4096;

/** Thrown inside the scanner for structural errors; the stream turns it into an issue. */
export class ScanError extends Error {}

export class BundleScanner {
  /** 'array' for a bare top-level array, 'bundle' for an object with `objects`. */
  kind: 'array' | 'bundle' | undefined;
  readonly header: BundleHeader = Object.create(null);
  #state = State.Start;
  #index = 0;
  // Value scanning (elements and skipped values)
  #depth = 0;
  #inString = false;
  #escaped = false;
  #scalar = false;
  #parts: Uint8Array[] = [];
  #size = 0;
  #oversize = false;
  #key: number[] = [];
  #currentKey = '';
  #capture = false;
  readonly #maxBytes: number;
  readonly #decoder = new TextDecoder();

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** Feeds a chunk; returns the elements it completed. */
  push(chunk: Uint8Array): ScannedElement[] {
    const out: ScannedElement[] = [];
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      const b = chunk[i]!;
      switch (this.#state) {
        case State.Start:
          if (isSpace(b) || b === 0xef || b === 0xbb || b === 0xbf) i++;
          else if (b === OPEN_BRACKET) {
            this.kind = 'array';
            this.#state = State.ArrayWait;
            i++;
          } else if (b === OPEN_BRACE) {
            this.kind = 'bundle';
            this.#state = State.KeyWait;
            i++;
          } else throw new ScanError('Input must start with `{` or `[`.');
          break;
        case State.KeyWait:
          if (isSpace(b) || b === COMMA) i++;
          else if (b === QUOTE) {
            this.#key = [];
            this.#escaped = false;
            this.#state = State.Key;
            i++;
          } else if (b === CLOSE_BRACE) {
            this.#state = State.Done;
            i++;
          } else
            throw new ScanError(
              `Unexpected byte ${JSON.stringify(String.fromCharCode(b))} where a bundle key was expected.`,
            );
          break;
        case State.Key:
          if (this.#escaped) this.#escaped = false;
          else if (b === BACKSLASH) this.#escaped = true;
          else if (b === QUOTE) {
            this.#currentKey = this.#decoder.decode(new Uint8Array(this.#key));
            this.#state = State.Colon;
            i++;
            break;
          }
          if (this.#key.length > 1024) throw new ScanError('Bundle key is too long.');
          this.#key.push(b);
          i++;
          break;
        case State.Colon:
          if (isSpace(b)) i++;
          else if (b === COLON) {
            this.#state = State.ValueWait;
            i++;
          } else throw new ScanError('Expected `:` after a bundle key.');
          break;
        case State.ValueWait:
          if (isSpace(b)) i++;
          else if (this.#currentKey === 'objects' && b === OPEN_BRACKET) {
            this.#state = State.ArrayWait;
            i++;
          } else {
            this.#beginValue(b);
            this.#capture = true;
            this.#state = State.SkipValue;
          }
          break;
        case State.ArrayWait:
          if (isSpace(b) || b === COMMA) i++;
          else if (b === CLOSE_BRACKET) {
            this.#state = this.kind === 'array' ? State.Done : State.KeyWait;
            i++;
          } else {
            this.#beginValue(b);
            this.#capture = false;
            this.#state = State.Element;
          }
          break;
        case State.Element:
        case State.SkipValue: {
          const start = i;
          const end = this.#scan(chunk, i);
          const stop = end < 0 ? n : end;
          this.#collect(chunk.subarray(start, stop));
          i = stop;
          if (end >= 0) {
            if (this.#state === State.Element) {
              out.push(this.#finishElement());
              this.#state = State.ArrayWait;
            } else {
              this.#finishSkipped();
              this.#state = State.KeyWait;
            }
          }
          break;
        }
        case State.AfterArray:
        case State.Done:
          if (isSpace(b)) i++;
          else throw new ScanError('Unexpected content after the end of the input.');
          break;
      }
    }
    return out;
  }

  /** Signals the end of input; throws when the input stopped mid-way. */
  end(): void {
    if (this.#state === State.Element && this.#scalar && this.#depth === 0)
      throw new ScanError('Unexpected end of input inside the `objects` array.');
    if (this.#state !== State.Done) throw new ScanError('Unexpected end of input.');
  }

  #beginValue(b: number): void {
    this.#depth = 0;
    this.#inString = false;
    this.#escaped = false;
    this.#scalar = b !== OPEN_BRACE && b !== OPEN_BRACKET && b !== QUOTE;
    this.#parts = [];
    this.#size = 0;
    this.#oversize = false;
  }

  /** Scans a value from `i`; returns the index just past its end, or -1 when it continues. */
  #scan(chunk: Uint8Array, i: number): number {
    const n = chunk.length;
    if (this.#scalar) {
      for (; i < n; i++) {
        const b = chunk[i]!;
        if (b === COMMA || b === CLOSE_BRACE || b === CLOSE_BRACKET || isSpace(b)) return i;
      }
      return -1;
    }
    let depth = this.#depth;
    let inString = this.#inString;
    let escaped = this.#escaped;
    for (; i < n; i++) {
      const b = chunk[i]!;
      if (inString) {
        if (escaped) escaped = false;
        else if (b === BACKSLASH) escaped = true;
        else if (b === QUOTE) {
          inString = false;
          if (depth === 0) {
            this.#depth = depth;
            this.#inString = false;
            return i + 1;
          }
        }
      } else if (b === QUOTE) inString = true;
      else if (b === OPEN_BRACE || b === OPEN_BRACKET) depth++;
      else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
        depth--;
        if (depth === 0) {
          this.#depth = 0;
          this.#inString = false;
          return i + 1;
        }
        if (depth < 0) throw new ScanError('Unbalanced brackets.');
      }
    }
    this.#depth = depth;
    this.#inString = inString;
    this.#escaped = escaped;
    return -1;
  }

  #collect(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.#size += bytes.length;
    const limit = this.#capture ? MAX_CAPTURE : this.#maxBytes;
    if (this.#size > limit) {
      this.#oversize = true;
      this.#parts = [];
      return;
    }
    if (!this.#oversize) this.#parts.push(bytes.slice());
  }

  #join(): Uint8Array {
    if (this.#parts.length === 1) return this.#parts[0]!;
    const all = new Uint8Array(this.#size);
    let offset = 0;
    for (const part of this.#parts) {
      all.set(part, offset);
      offset += part.length;
    }
    return all;
  }

  #finishElement(): ScannedElement {
    const element: ScannedElement = {
      index: this.#index++,
      bytes: this.#oversize ? undefined : this.#join(),
      size: this.#size,
    };
    this.#parts = [];
    return element;
  }

  #finishSkipped(): void {
    if (!this.#oversize && this.#currentKey !== '__proto__') {
      this.header[this.#currentKey] = this.#decoder.decode(this.#join());
    }
    this.#parts = [];
  }
}
