// The timestamp functions are read character by character and formatted from cached day
// prefixes for speed. These tests pin them to the rules they replaced, written here once
// more the plain way (a regex, `Date.UTC` with a read-back, `toISOString`), for generated
// inputs around every boundary: calendar roll-over, leap years and seconds, years below
// 100, fraction lengths, and formatting before 1970, past 2^53 µs and past year 9999.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isTimestamp,
  microsToTimestamp,
  timestampToMicros,
  versionKey,
} from '../src/time/timestamps';

const REFERENCE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,12}))?Z$/;

function referenceParts(value: string) {
  if (value.length > 40) return undefined;
  const m = REFERENCE.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac = ''] = m;
  const epochMs = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!);
  const check = new Date(epochMs);
  if (
    Number.isNaN(epochMs) ||
    check.getUTCFullYear() !== +y! ||
    check.getUTCMonth() !== +mo! - 1 ||
    check.getUTCDate() !== +d! ||
    +h! > 23 ||
    +mi! > 59 ||
    +s! > 60
  ) {
    return undefined;
  }
  return { epochMs, fraction: frac, wholeSeconds: value.slice(0, 19) };
}

const referenceMicros = (value: string) => {
  const p = referenceParts(value);
  return p && p.epochMs * 1000 + Number(p.fraction.slice(0, 6).padEnd(6, '0'));
};
const referenceKey = (value: string) => {
  const p = referenceParts(value);
  return p && `${p.wholeSeconds}.${p.fraction.padEnd(9, '0')}`;
};

function referenceFormat(micros: number): string {
  const ms = Math.floor(micros / 1000);
  const iso = new Date(ms).toISOString();
  const frac = String(micros % 1_000_000).padStart(6, '0');
  return `${iso.slice(0, 19)}.${frac}Z`;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Timestamps near and past every validity boundary, with a few characters changed. */
const candidate = fc
  .tuple(
    fc.oneof(
      fc.integer({ min: 0, max: 9999 }),
      fc.constantFrom(0, 1, 99, 100, 101, 1600, 1900, 1970, 2000, 2024, 2100, 9999),
    ),
    fc.integer({ min: 0, max: 14 }),
    fc.oneof(fc.integer({ min: 0, max: 32 }), fc.constantFrom(28, 29, 30, 31)),
    fc.integer({ min: 0, max: 25 }),
    fc.oneof(fc.integer({ min: 0, max: 61 }), fc.constant(59)),
    fc.oneof(fc.integer({ min: 0, max: 61 }), fc.constantFrom(59, 60)),
    fc.oneof(fc.constant(undefined), fc.stringMatching(/^\d{0,14}$/)),
    fc.array(fc.tuple(fc.nat(40), fc.constantFrom('', 'x', '-', ':', '.', 'Z', 'T', '1', ' ')), {
      maxLength: 2,
    }),
  )
  .map(([y, mo, d, h, mi, s, fraction, edits]) => {
    let text = `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}${
      fraction === undefined ? '' : `.${fraction}`
    }Z`;
    for (const [at, replacement] of edits) {
      text = text.slice(0, at) + replacement + text.slice(at + (replacement === '' ? 1 : 0));
    }
    return text;
  });

describe('timestamps', () => {
  it('accept, convert and key exactly what the regex-and-Date rules do', () => {
    fc.assert(
      fc.property(fc.oneof(candidate, fc.string({ maxLength: 45 })), (value) => {
        expect(isTimestamp(value)).toBe(referenceParts(value) !== undefined);
        expect(versionKey(value)).toBe(referenceKey(value));
        const micros = referenceMicros(value);
        if (micros === undefined) {
          expect(() => timestampToMicros(value, 'added_after')).toThrow(
            expect.objectContaining({ status: 400 }),
          );
        } else {
          expect(timestampToMicros(value, 'added_after')).toBe(micros);
        }
      }),
      { numRuns: 20_000 },
    );
  });

  it('keep the calendar edges', () => {
    const cases: [string, boolean][] = [
      ['2024-02-29T00:00:00Z', true],
      ['2023-02-29T00:00:00Z', false],
      ['1900-02-29T00:00:00Z', false],
      ['2000-02-29T00:00:00Z', true],
      ['2024-04-31T00:00:00Z', false],
      ['2024-06-30T12:30:60Z', true],
      ['2024-06-30T23:59:60Z', false],
      ['0099-01-01T00:00:00Z', false],
      ['0100-01-01T00:00:00Z', true],
      ['2024-01-01T00:00:00.Z', false],
      ['2024-01-01T00:00:00.123456789012Z', true],
      ['2024-01-01T00:00:00.1234567890123Z', false],
      ['２024-01-01T00:00:00Z', false],
    ];
    for (const [value, valid] of cases) {
      expect(isTimestamp(value), value).toBe(valid);
      expect(referenceParts(value) !== undefined, value).toBe(valid);
    }
    expect(timestampToMicros('2024-06-30T12:30:60.0000019Z', 'x')).toBe(
      referenceMicros('2024-06-30T12:30:60.0000019Z'),
    );
  });

  it('format microseconds exactly as toISOString-based formatting does', () => {
    const day = 86_400_000_000;
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
          fc.integer({ min: 0, max: 4_102_444_800_000_000 }),
          fc.integer({ min: 0, max: 30_000 }).map((d) => d * day),
          fc
            .tuple(fc.integer({ min: 1, max: 30_000 }), fc.integer({ min: -2, max: 1 }))
            .map(([d, delta]) => d * day + delta),
          fc.integer({ min: -1_000_000_000_000, max: 0 }),
          fc.integer({ min: 2 ** 53, max: 8.64e18 }),
          fc.double({ min: 0, max: 4e15, noNaN: true }),
        ),
        (micros) => {
          let expected: string | Error;
          try {
            expected = referenceFormat(micros);
          } catch (error) {
            expected = error as Error;
          }
          if (expected instanceof Error) expect(() => microsToTimestamp(micros)).toThrow();
          else expect(microsToTimestamp(micros)).toBe(expected);
        },
      ),
      { numRuns: 20_000 },
    );
    for (const micros of [
      0,
      1,
      999_999,
      1_000_000,
      day - 1,
      day,
      951_782_400_000_000, // 2000-02-29
      253_402_300_800_000_000 - 1024, // late 9999-12-31 (not a safe integer)
      253_402_300_800_000_000, // 10000-01-01
      Number.MAX_SAFE_INTEGER,
      -1,
      1.5,
    ]) {
      expect(microsToTimestamp(micros), String(micros)).toBe(referenceFormat(micros));
    }
  });

  it('formats the same instant the same way whatever was formatted before it', () => {
    const a = 1_733_456_789_012_345;
    const b = a + 86_400_000_000;
    expect([a, b, a, a, b, b].map(microsToTimestamp)).toEqual(
      [a, b, a, a, b, b].map(referenceFormat),
    );
    expect(microsToTimestamp(a)).toBe('2024-12-06T03:46:29.012345Z');
  });
});
