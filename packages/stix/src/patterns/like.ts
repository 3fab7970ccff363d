/** Stands for `_` (any one character) in a segment of code points. */
const ANY = -1;

/**
 * A compiled `LIKE` pattern that also reports the work of its last test, so tests can
 * check the time bound without timing anything.
 *
 * @internal
 */
export interface LikeMatcher {
  /** Tells whether `value` matches the pattern. */
  test(value: string): boolean;
  /**
   * Steps the last `test` took: characters read and compared plus 32-bit state words
   * updated. For a pattern without `_` the segments are found by the engine's substring
   * search, which is not counted: this is then the length of the value and pattern.
   */
  readonly work: number;
}

function codePoints(text: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.codePointAt(i)!;
    out.push(c);
    if (c > 0xffff) i++;
  }
  return out;
}

/**
 * A segment between two `%` that holds `_`, searched with the bit-parallel Shift-And
 * algorithm: one bit of state per segment position, advanced for every character of the
 * value, so finding the earliest occurrence costs O(value × ⌈segment / 32⌉) and never
 * backtracks, whatever the pattern.
 */
class WildcardSegment {
  readonly length: number;
  private readonly words: number;
  private readonly masks = new Map<number, Uint32Array>();
  /** The mask of a character that appears nowhere in the segment: only `_` accepts it. */
  private readonly anyMask: Uint32Array;
  private readonly state: Uint32Array;
  private readonly lastWord: number;
  private readonly lastBit: number;

  constructor(readonly points: readonly number[]) {
    this.length = points.length;
    this.words = Math.ceil(points.length / 32);
    this.anyMask = new Uint32Array(this.words);
    this.state = new Uint32Array(this.words);
    this.lastWord = (points.length - 1) >> 5;
    this.lastBit = 1 << ((points.length - 1) & 31);
    points.forEach((c, j) => {
      if (c === ANY) this.anyMask[j >> 5]! |= 1 << (j & 31);
    });
    points.forEach((c, j) => {
      if (c === ANY) return;
      let mask = this.masks.get(c);
      if (!mask) {
        mask = this.anyMask.slice();
        this.masks.set(c, mask);
      }
      mask[j >> 5]! |= 1 << (j & 31);
    });
  }

  /**
   * The start of the earliest occurrence in `value[from, to)`, or -1; adds its steps to
   * `counter.work`.
   */
  find(value: readonly number[], from: number, to: number, counter: { work: number }): number {
    const state = this.state;
    state.fill(0);
    const words = this.words;
    // Only words up to `top` can hold set bits: a match advances one bit per character.
    let top = 0;
    for (let i = from; i < to; i++) {
      const mask = this.masks.get(value[i]!) ?? this.anyMask;
      let carry = 1;
      const limit = Math.min(top + 1, words - 1);
      for (let w = 0; w <= limit; w++) {
        const current = state[w]!;
        state[w] = ((current << 1) | carry) & mask[w]!;
        carry = current >>> 31;
      }
      counter.work += limit + 1;
      if (state[limit] !== 0) top = limit;
      if ((state[this.lastWord]! & this.lastBit) !== 0) return i - this.length + 1;
    }
    return -1;
  }
}

function segmentAt(
  value: readonly number[],
  at: number,
  seg: readonly number[],
  counter: { work: number },
): boolean {
  counter.work += seg.length;
  for (let i = 0; i < seg.length; i++) {
    const s = seg[i]!;
    if (s !== ANY && value[at + i] !== s) return false;
  }
  return true;
}

/**
 * Compiles a `LIKE` pattern into a matcher that runs in time linear in the value for a
 * given pattern (see {@link compileLike}) and reports its work.
 *
 * @internal
 */
export function likeMatcher(pattern: string): LikeMatcher {
  const counter = { work: 0 };
  const pieces = pattern.split('%');
  if (!pattern.includes('_')) {
    // Without `_`, segments are plain substrings: the engine's substring search is used,
    // and the earliest occurrence of each segment, left to right, is the right choice.
    const test =
      pieces.length === 1
        ? (value: string) => value === pattern
        : plainSegments(pieces[0]!, pieces[pieces.length - 1]!, pieces.slice(1, -1));
    return {
      test(value) {
        counter.work = value.length + pattern.length;
        return test(value);
      },
      get work() {
        return counter.work;
      },
    };
  }
  const toPoints = (piece: string) => codePoints(piece).map((c) => (c === 95 ? ANY : c));
  const segments = pieces.map(toPoints);
  const first = segments[0]!;
  const last = segments[segments.length - 1]!;
  const middle = segments
    .slice(1, -1)
    .filter((s) => s.length > 0)
    .map((s) => new WildcardSegment(s));
  return {
    test(text) {
      counter.work = 0;
      const value = codePoints(text);
      counter.work += value.length;
      if (segments.length === 1) {
        return value.length === first.length && segmentAt(value, 0, first, counter);
      }
      if (value.length < first.length + last.length) return false;
      if (!segmentAt(value, 0, first, counter)) return false;
      const end = value.length - last.length;
      if (!segmentAt(value, end, last, counter)) return false;
      // Each segment at its earliest position leaves the most room for the next ones, so
      // one left-to-right pass decides the match.
      let pos = first.length;
      for (const seg of middle) {
        if (end - pos < seg.length) return false;
        const at = seg.find(value, pos, end, counter);
        if (at < 0) return false;
        pos = at + seg.length;
      }
      return true;
    },
    get work() {
      return counter.work;
    },
  };
}

function plainSegments(first: string, last: string, middle: string[]): (value: string) => boolean {
  const inner = middle.filter((s) => s.length > 0);
  return (value) => {
    if (value.length < first.length + last.length) return false;
    if (!value.startsWith(first) || !value.endsWith(last)) return false;
    let pos = first.length;
    const end = value.length - last.length;
    for (const seg of inner) {
      const at = value.indexOf(seg, pos);
      if (at < 0 || at + seg.length > end) return false;
      pos = at + seg.length;
    }
    return true;
  };
}

/**
 * Compiles a STIX `LIKE` pattern (SQL LIKE: `%` any run, `_` one character; STIX 2.1
 * §9.5) into a matcher that never backtracks: the segments between `%` are found left to
 * right at their earliest position, plain segments with the engine's substring search
 * and segments holding `_` with a bit-parallel automaton, so a test costs
 * O(value × ⌈segment / 32⌉) at worst, whatever the pattern.
 *
 * @param pattern - The LIKE pattern.
 * @returns A predicate over strings.
 *
 * @example
 * ```ts
 * import { compileLike } from '@intelshare/stix/patterns';
 *
 * compileLike('%.example.com')('www.example.com'); // true
 * compileLike('evil_._xe')('evil.exe'); // false
 * ```
 */
export function compileLike(pattern: string): (value: string) => boolean {
  const matcher = likeMatcher(pattern);
  return (value) => matcher.test(value);
}
