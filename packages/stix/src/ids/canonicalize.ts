import { IntelshareError } from '../errors/intelshare-error';

/**
 * Serialises a JSON value per the JSON Canonicalization Scheme (RFC 8785): object keys
 * sorted by UTF-16 code units, no whitespace, numbers in ECMAScript shortest form, and
 * strings escaped as `JSON.stringify` does (which is exactly what RFC 8785 §3.2.2.2 asks).
 *
 * @param value - Any JSON value (objects, arrays, strings, finite numbers, booleans, null).
 * @returns The canonical JSON text.
 * @throws {IntelshareError} `INVALID_ARGUMENT` for values JSON cannot hold (NaN, Infinity, functions, bigint).
 *
 * @example
 * ```ts
 * import { canonicalize } from '@intelshare/stix';
 *
 * canonicalize({ b: 1, a: [true, null, 'x'] }); // '{"a":[true,null,"x"],"b":1}'
 * ```
 */
export function canonicalize(value: unknown): string {
  return write(value, '$');
}

function write(value: unknown, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'number':
      // RFC 8785 §3.2.2.3: ECMAScript Number.prototype.toString is the canonical form.
      if (!Number.isFinite(value)) {
        throw new IntelshareError(
          'INVALID_ARGUMENT',
          'JSON has no representation for NaN or Infinity.',
          { path },
        );
      }
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        return `[${value.map((item, index) => write(item, `${path}[${index}]`)).join(',')}]`;
      }
      const record = value as Record<string, unknown>;
      // Default sort compares UTF-16 code units, as RFC 8785 §3.2.3 requires.
      const keys = Object.keys(record)
        .filter((key) => record[key] !== undefined)
        .sort();
      return `{${keys.map((key) => `${JSON.stringify(key)}:${write(record[key], `${path}.${key}`)}`).join(',')}}`;
    }
    default:
      throw new IntelshareError(
        'INVALID_ARGUMENT',
        `JSON cannot hold a value of type ${typeof value}.`,
        { path },
      );
  }
}
