import type { RE2JS } from 're2js';
import type { ComparisonTest, ExistsTest, PatternLiteral } from './ast';
import { type IpNetwork, isSubnetOf, parseIpNetwork } from './cidr';
import { compileLike } from './like';
import { nfc } from './nfc';
import { type JsonObject, type ReferenceResolver, resolvePath } from './object-path';
import { PatternError } from './pattern-error';
import { compileRegex } from './regex';

/** A comparison test with its literal pre-processed once (regex, LIKE, CIDR, time). */
export interface PreparedTest {
  node: ComparisonTest | ExistsTest;
  test: (value: unknown, path: string) => boolean;
}

function decodeBase64Latin1(text: string): string | undefined {
  try {
    return atob(text);
  } catch {
    return undefined;
  }
}

function decodeHexLatin1(text: string): string | undefined {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) return undefined;
  let out = '';
  for (let i = 0; i < text.length; i += 2) {
    out += String.fromCharCode(Number.parseInt(text.slice(i, i + 2), 16));
  }
  return out;
}

/** Parses an RFC 3339 timestamp to epoch milliseconds, or NaN. */
export function timestampMs(text: unknown): number {
  if (typeof text !== 'string' || text.length > 40) return Number.NaN;
  return Date.parse(text);
}

type Comparable = string | number | boolean;

/**
 * How a property holds bytes: `bin` for base64 (`*_bin`), `hex` for hexadecimal
 * (`*_hex`), undefined for a property that is not binary. STIX 2.1 names every binary
 * property with the `_bin` suffix and every hex property with `_hex` (§2.4, §2.7), and
 * custom binary properties follow the same rule.
 */
export type BinaryEncoding = 'bin' | 'hex' | undefined;

/** The binary encoding of the property a path ends at. */
export function binaryEncoding(node: ComparisonTest | ExistsTest): BinaryEncoding {
  const name = lastPropertyName(node);
  if (name.endsWith('_bin')) return 'bin';
  if (name.endsWith('_hex')) return 'hex';
  return undefined;
}

/** An observed binary value as a string of bytes (one char per byte), or undefined. */
function observedBytes(value: unknown, encoding: BinaryEncoding): string | undefined {
  if (typeof value !== 'string' || encoding === undefined) return undefined;
  return encoding === 'bin' ? decodeBase64Latin1(value) : decodeHexLatin1(value);
}

/**
 * Turns an observed value into something comparable with the literal, or undefined when
 * it is of another type than the literal (STIX 2.1 §9.5: values of different types are
 * not equal, and not ordered). Strings compare in NFC; `h''` and `b''` literals compare
 * as bytes with binary properties only.
 */
function comparableValue(
  lit: PatternLiteral,
  value: unknown,
  encoding: BinaryEncoding,
): Comparable | undefined {
  switch (lit.kind) {
    case 'string':
      return typeof value === 'string' ? nfc(value) : undefined;
    case 'int':
    case 'float':
      return typeof value === 'number' ? value : undefined;
    case 'boolean':
      return typeof value === 'boolean' ? value : undefined;
    case 'timestamp': {
      const ms = timestampMs(value);
      return Number.isNaN(ms) ? undefined : ms;
    }
    case 'hex':
    case 'binary':
      return observedBytes(value, encoding);
  }
}

/** The literal in comparable form, or undefined when it can equal nothing. */
function comparableLiteral(lit: PatternLiteral): Comparable | undefined {
  switch (lit.kind) {
    case 'string':
      return nfc(lit.value);
    case 'timestamp':
      return Date.parse(lit.value);
    case 'hex':
      return decodeHexLatin1(lit.value);
    case 'binary':
      return decodeBase64Latin1(lit.value);
    default:
      return lit.value;
  }
}

function ordered(op: string, a: Comparable, b: Comparable): boolean {
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '>':
      return a > b;
    case '<':
      return a < b;
    case '>=':
      return a >= b;
    default:
      return a <= b;
  }
}

/** The last property name of a path: decides binary (`*_bin`) and hex (`*_hex`) handling. */
function lastPropertyName(node: ComparisonTest | ExistsTest): string {
  for (let i = node.path.steps.length - 1; i >= 0; i--) {
    const s = node.path.steps[i]!;
    if (s.kind === 'property') return s.name;
  }
  return '';
}

/**
 * Prepares one comparison test: compiles its regex/LIKE/CIDR once and returns a
 * predicate over a single observed value (STIX 2.1 §9.5 comparison operators).
 */
export function prepareTest(node: ComparisonTest | ExistsTest): PreparedTest {
  if (node.kind === 'exists') return { node, test: () => true };
  const op = node.operator;
  const encoding = binaryEncoding(node);
  if (op === 'IN') {
    const items = (node.value as PatternLiteral[]).map((lit) => ({
      lit,
      value: comparableLiteral(lit),
    }));
    return {
      node,
      test: (value) =>
        items.some(
          ({ lit, value: want }) =>
            want !== undefined && comparableValue(lit, value, encoding) === want,
        ),
    };
  }
  const lit = node.value as PatternLiteral;
  const text = lit.kind === 'string' ? lit.value : '';
  switch (op) {
    case 'LIKE':
    case 'MATCHES': {
      // STIX 2.1 §9.5: on a binary property the pattern applies to the decoded bytes;
      // on text, both sides are compared in NFC.
      const matches =
        op === 'LIKE'
          ? compileLike(encoding ? text : nfc(text))
          : regexTest(compileRegex(encoding ? text : nfc(text), lit.loc));
      return {
        node,
        test: (value) => {
          if (typeof value !== 'string') return false;
          const subject = encoding ? observedBytes(value, encoding) : nfc(value);
          return subject !== undefined && matches(subject);
        },
      };
    }
    case 'ISSUBSET':
    case 'ISSUPERSET': {
      const net = parseIpNetwork(text);
      if (!net) {
        throw new PatternError(
          'PATTERN_SYNTAX',
          `${op} needs an IPv4 or IPv6 address or CIDR block, not \`${text.slice(0, 60)}\``,
          lit.loc,
        );
      }
      return {
        node,
        test: (value) => {
          if (typeof value !== 'string') return false;
          const seen: IpNetwork | undefined = parseIpNetwork(value);
          if (!seen) return false;
          return op === 'ISSUBSET' ? isSubnetOf(seen, net) : isSubnetOf(net, seen);
        },
      };
    }
    default: {
      const want = comparableLiteral(lit);
      return {
        node,
        test: (value) => {
          const got = comparableValue(lit, value, encoding);
          // §9.5: values of different types are unequal, so `!=` holds and the other
          // operators do not.
          if (got === undefined || want === undefined) return op === '!=';
          return ordered(op, got, want);
        },
      };
    }
  }
}

function regexTest(re: RE2JS): (subject: string) => boolean {
  return (subject) => re.test(subject);
}

/**
 * Evaluates a prepared test against one root SCO. A path that reaches no value makes
 * every comparison false, with or without `NOT`; only `EXISTS` tests presence. With
 * several values (lists, `[*]`), the comparison holds when any value satisfies it and
 * `NOT` negates that.
 */
export function evaluateTest(
  prepared: PreparedTest,
  root: JsonObject,
  resolve: ReferenceResolver,
): boolean {
  const node = prepared.node;
  const values = resolvePath(root, node.path.steps, resolve);
  if (node.kind === 'exists') return values.length > 0;
  if (values.length === 0) return false;
  let any = false;
  for (const v of values) {
    if (prepared.test(v, '')) {
      any = true;
      break;
    }
  }
  return node.negated ? !any : any;
}
