import fc from 'fast-check';

/**
 * Names `Object.prototype` carries: as keys they can pollute or shadow, as lookup keys into
 * plain-object tables they return functions instead of `undefined`.
 */
export const PROTOTYPE_NAMES = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
  '__lookupGetter__',
] as const;

/** Strings that break naive text handling: lone surrogates, NUL, separators, BOM, escapes. */
export const AWKWARD_STRINGS = [
  '',
  '\ud800',
  '\udfff',
  '\udc00\ud800',
  '\u0000',
  '\u2028\u2029',
  '\ufeff',
  '😀',
  '\\',
  '"',
  "'",
  '%',
  '_',
  '\r\n',
  '\t',
  '-0',
  'NaN',
  'Infinity',
  '1e400',
  '9007199254740993',
  '0x10',
  '١٢٣',
  'İ',
] as const;

/** JSON number literals at and past the edges of IEEE 754 doubles and safe integers. */
export const HUGE_NUMBER_LITERALS = [
  '1e400',
  '-1e400',
  '1e-400',
  '-0',
  '9007199254740993',
  '18446744073709551616',
  '123456789012345678901234567890',
  '0.1e-2147483648',
  '4.9e-324',
  '1.7976931348623157e308',
] as const;

/** A key: a prototype name, an awkward string or an ordinary short one. */
export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...PROTOTYPE_NAMES), weight: 4 },
  { arbitrary: fc.constantFrom(...AWKWARD_STRINGS), weight: 2 },
  { arbitrary: fc.string({ maxLength: 12 }), weight: 2 },
);

/** A string value with hostile content, sometimes long (bounded to keep inputs under ~200 kB). */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...AWKWARD_STRINGS, ...PROTOTYPE_NAMES), weight: 4 },
  { arbitrary: fc.string({ maxLength: 40, unit: 'binary' }), weight: 3 },
  {
    arbitrary: fc
      .tuple(fc.constantFrom('a', '%', '_', '\\', '(a+)+', '\ud800', ' '), fc.nat(50_000))
      .map(([unit, n]) => unit.repeat(n)),
    weight: 1,
  },
);

/** Any JSON-able value with hostile keys and strings, nested up to `maxDepth`. */
export function hostileJsonValue(maxDepth = 4): fc.Arbitrary<unknown> {
  return fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', maxDepth },
      { arbitrary: hostileString, weight: 3 },
      {
        arbitrary: fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null)),
        weight: 2,
      },
      { arbitrary: fc.array(tie('value'), { maxLength: 4 }), weight: 1 },
      {
        arbitrary: fc
          .array(fc.tuple(hostileKey, tie('value')), { maxLength: 4 })
          .map((entries) => objectFromEntries(entries)),
        weight: 1,
      },
    ),
  })).value;
}

/**
 * Builds an object whose keys are own data properties even for `__proto__`, the way
 * `JSON.parse` creates them (a literal or `Object.fromEntries` would not, or would set the
 * prototype).
 */
export function objectFromEntries(entries: readonly (readonly [string, unknown])[]): object {
  const out: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    Object.defineProperty(out, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/** Text nesting `open`…`close` `depth` times around `inner` (deep-nesting bombs). */
export function nested(open: string, close: string, depth: number, inner: string): string {
  return open.repeat(depth) + inner + close.repeat(depth);
}

/** `JSON.stringify` that also writes own `__proto__` keys (it does by default) and never throws on cycles. */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value) ?? 'null';
}

/**
 * Replaces each key spelled `from` in JSON text by the same key with its first letter written
 * as a JSON `\u` escape, so a parser that compares raw bytes sees a different key from the
 * one `JSON.parse` produces.
 */
export function escapeKeyInJson(json: string, key: string): string {
  const escaped = `\\u${key.charCodeAt(0).toString(16).padStart(4, '0')}${key.slice(1)}`;
  return json.split(`"${key}":`).join(`"${escaped}":`);
}
