/**
 * Compiles a STIX `LIKE` pattern (SQL LIKE: `%` any run, `_` one character; STIX 2.1
 * §9.5) into a matcher that runs without regular expressions or backtracking: segments
 * between `%` are found left to right at their earliest position, which is optimal for
 * `%`-only wildcards, so the cost is O(length × pattern) at worst.
 *
 * @param pattern - The LIKE pattern.
 * @returns A predicate over strings.
 *
 * @example
 * ```ts
 * import { compileLike } from '@intelshare/stix/patterns';
 *
 * compileLike('%.example.com')('www.example.com'); // true
 * ```
 */
export function compileLike(pattern: string): (value: string) => boolean {
  const segments = Array.from(pattern.split('%'), (s) => Array.from(s));
  if (segments.length === 1) {
    const only = segments[0]!;
    if (!only.includes('_')) return (value) => value === pattern;
    return (value) => {
      const chars = Array.from(value);
      return chars.length === only.length && segmentAt(chars, 0, only);
    };
  }
  const first = segments[0]!;
  const last = segments[segments.length - 1]!;
  const middle = segments.slice(1, -1).filter((s) => s.length > 0);
  const fast = !pattern.includes('_');
  if (fast) {
    const f = first.join('');
    const l = last.join('');
    const m = middle.map((s) => s.join(''));
    return (value) => {
      if (value.length < f.length + l.length) return false;
      if (!value.startsWith(f) || !value.endsWith(l)) return false;
      let pos = f.length;
      const end = value.length - l.length;
      for (const seg of m) {
        const at = value.indexOf(seg, pos);
        if (at < 0 || at + seg.length > end) return false;
        pos = at + seg.length;
      }
      return true;
    };
  }
  return (value) => {
    const chars = Array.from(value);
    if (chars.length < first.length + last.length) return false;
    if (!segmentAt(chars, 0, first)) return false;
    const end = chars.length - last.length;
    if (!segmentAt(chars, end, last)) return false;
    let pos = first.length;
    for (const seg of middle) {
      let found = -1;
      for (let at = pos; at + seg.length <= end; at++) {
        if (segmentAt(chars, at, seg)) {
          found = at;
          break;
        }
      }
      if (found < 0) return false;
      pos = found + seg.length;
    }
    return true;
  };
}

function segmentAt(chars: readonly string[], at: number, seg: readonly string[]): boolean {
  for (let i = 0; i < seg.length; i++) {
    const s = seg[i];
    if (s !== '_' && chars[at + i] !== s) return false;
  }
  return true;
}
