// STIX 2.1 §9.5 comparison semantics (issue 15, "Patterns"): bytes for binary
// properties, values of different types, NFC normalisation; §9.6 START/STOP windows.
import { describe, expect, it } from 'vitest';
import { matchPattern, type ObservedDataLike } from './matcher';

function observed(
  objects: Record<string, unknown>[],
  when = '2026-01-01T00:00:00Z',
): ObservedDataLike {
  return {
    id: 'observed-data--1',
    first_observed: when,
    last_observed: when,
    number_observed: 1,
    objects: Object.fromEntries(objects.map((o, i) => [String(i), o])),
  };
}

const one = (pattern: string, object: Record<string, unknown>) =>
  matchPattern(pattern, [observed([object])]).matched;

describe('binary properties compare as bytes (§9.5)', () => {
  // "Hello" as base64 and as hex; 0xFF 0xD8 (a JPEG's magic number).
  const artifact = { type: 'artifact', payload_bin: 'SGVsbG8=' };
  const file = { type: 'file', magic_number_hex: 'FFD8' };
  const cases: [string, Record<string, unknown>, boolean][] = [
    ["[artifact:payload_bin = h'48656c6c6f']", artifact, true],
    ["[artifact:payload_bin = h'48656C6C6F']", artifact, true],
    ["[artifact:payload_bin = b'SGVsbG8=']", artifact, true],
    ["[artifact:payload_bin = h'48656c6c6e']", artifact, false],
    ["[artifact:payload_bin != h'48656c6c6e']", artifact, true],
    ["[artifact:payload_bin > h'48']", artifact, true],
    ["[artifact:payload_bin IN (h'00', b'SGVsbG8=')]", artifact, true],
    ["[artifact:payload_bin LIKE 'He_l%']", artifact, true],
    ["[artifact:payload_bin LIKE 'SG%']", artifact, false],
    ["[artifact:payload_bin MATCHES '^Hel+o$']", artifact, true],
    ["[file:magic_number_hex = b'/9g=']", file, true],
    ["[file:magic_number_hex = h'ffd8']", file, true],
    ["[file:magic_number_hex = h'ffd9']", file, false],
    ["[file:magic_number_hex LIKE 'ÿ%']", file, true],
    ["[file:magic_number_hex MATCHES '^\\\\xff\\\\xd8$']", file, true],
    // A value that does not decode is not bytes: unequal, so only `!=` holds.
    ["[artifact:payload_bin = h'00']", { type: 'artifact', payload_bin: '***' }, false],
    ["[artifact:payload_bin != h'00']", { type: 'artifact', payload_bin: '***' }, true],
    // Byte literals against a property that is not binary: different types.
    ["[x-t:v = h'61']", { type: 'x-t', v: 'a' }, false],
    ["[x-t:v != h'61']", { type: 'x-t', v: 'a' }, true],
    // Custom binary properties follow the same suffix rule.
    ["[x-t:blob_hex = h'0aff']", { type: 'x-t', blob_hex: '0AFF' }, true],
  ];
  it.each(cases)('%s → %s', (pattern, object, expected) => {
    expect(one(pattern, object)).toBe(expected);
  });
});

describe('values of different types (§9.5)', () => {
  const file = { type: 'file', name: 'a.exe', size: 10, created: '2026-01-01T00:00:00Z' };
  const cases: [string, boolean][] = [
    ["[file:size != '10']", true],
    ["[file:size = '10']", false],
    ["[file:size > '1']", false],
    ["[file:size < '1']", false],
    ["[file:size >= '1']", false],
    ['[file:name != 5]', true],
    ['[file:name NOT != 5]', false],
    ['[file:name = 5]', false],
    ['[file:name != true]', true],
    ["[file:name != t'2026-01-01T00:00:00Z']", true],
    ["[file:created != t'2026-01-01T00:00:00Z']", false],
    ['[file:name NOT IN (1, 2)]', true],
    ["[file:name IN (1, 'a.exe')]", true],
    // A path that reaches nothing makes every comparison false, `!=` included.
    ["[file:missing != 'x']", false],
  ];
  it.each(cases)('%s → %s', (pattern, expected) => {
    expect(one(pattern, file)).toBe(expected);
  });
});

describe('strings compare in NFC (§9.5)', () => {
  const composed = 'caf\u00e9';
  const decomposed = 'cafe\u0301';
  it.each([
    [`[x-t:v = '${composed}']`, decomposed],
    [`[x-t:v = '${decomposed}']`, composed],
    [`[x-t:v IN ('x', '${composed}')]`, decomposed],
    [`[x-t:v LIKE 'caf\u00e9%']`, `${decomposed} noir`],
    [`[x-t:v LIKE 'caf_']`, decomposed],
    [`[x-t:v MATCHES '^caf\u00e9$']`, decomposed],
    [`[x-t:v MATCHES '^cafe\u0301$']`, composed],
  ])('%s matches %j', (pattern, value) => {
    expect(one(pattern, { type: 'x-t', v: value })).toBe(true);
    expect(one(pattern.replace('[x-t:v ', '[x-t:v NOT '), { type: 'x-t', v: value })).toBe(false);
  });

  it('does not equate compatibility forms (NFC, not NFKC)', () => {
    expect(one("[x-t:v = 'fi']", { type: 'x-t', v: '\ufb01' })).toBe(false);
  });
});

describe('START/STOP windows (§9.6)', () => {
  const seen = observed([{ type: 'x-t', v: 'a' }], '2026-06-01T00:00:00Z');
  it.each([
    "[x-t:v = 'a'] START t'2030-01-01T00:00:00Z' STOP t'2031-01-01T00:00:00Z'",
    "[x-t:v = 'a'] START t'2020-01-01T00:00:00Z' STOP t'2021-01-01T00:00:00Z'",
    "[x-t:v = 'a'] START t'2026-06-01T00:00:00.001Z' STOP t'2026-06-01T00:00:00.002Z'",
  ])('a window holding no observation is a non-match: %s', (pattern) => {
    const result = matchPattern(pattern, [seen]);
    expect(result).toMatchObject({ matched: false, evidence: [], bindings: [], truncated: false });
    expect(matchPattern(pattern, []).matched).toBe(false);
  });

  it('a window holding the observation matches', () => {
    expect(
      matchPattern("[x-t:v = 'a'] START t'2026-01-01T00:00:00Z' STOP t'2027-01-01T00:00:00Z'", [
        seen,
      ]).evidence,
    ).toEqual(['observed-data--1']);
  });
});
