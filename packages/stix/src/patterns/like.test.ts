import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileLike } from './like';

/** The textbook definition, by dynamic programming over code points: slow but plainly right. */
function reference(pattern: string, value: string): boolean {
  const p = Array.from(pattern);
  const v = Array.from(value);
  // can[j]: p[0, i) matches v[0, j)
  let can = v.map(() => false).concat(false);
  can[0] = true;
  for (const c of p) {
    const next = can.map(() => false);
    if (c === '%') {
      let any = false;
      for (let j = 0; j <= v.length; j++) {
        any ||= can[j]!;
        next[j] = any;
      }
    } else {
      for (let j = 1; j <= v.length; j++) next[j] = can[j - 1]! && (c === '_' || v[j - 1] === c);
    }
    can = next;
  }
  return can[v.length]!;
}

describe('compileLike', () => {
  it('agrees with the definition of SQL LIKE on generated patterns and values', () => {
    const char = fc.constantFrom('a', 'b', '\u{1F600}', '%', '_');
    const valueChar = fc.constantFrom('a', 'b', '\u{1F600}', '%', '_', 'c');
    fc.assert(
      fc.property(
        fc.array(char, { maxLength: 8 }).map((cs) => cs.join('')),
        fc.array(valueChar, { maxLength: 12 }).map((cs) => cs.join('')),
        (pattern, value) => {
          expect(compileLike(pattern)(value)).toBe(reference(pattern, value));
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('matches one code point with `_`, not one UTF-16 unit', () => {
    expect(compileLike('a_b')('a\u{1F600}b')).toBe(true);
    expect(compileLike('a__b')('a\u{1F600}b')).toBe(false);
  });

  it('uses segments longer than one 32-bit word', () => {
    const long = `${'ab'.repeat(40)}_`;
    expect(compileLike(`%${long}%`)(`xx${'ab'.repeat(40)}!yy`)).toBe(true);
    expect(compileLike(`%${long}%`)(`xx${'ab'.repeat(39)}a!yy`)).toBe(false);
  });

  it('answers a long plain segment against a long value (substring search, no backtracking)', () => {
    const like = compileLike(`%${'a'.repeat(3000)}b%`);
    expect(like('a'.repeat(500_000))).toBe(false);
    expect(like(`${'a'.repeat(500_000)}b`)).toBe(true);
  });
});
