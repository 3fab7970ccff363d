import type { RE2JS } from 're2js';
import type { ComparisonTest, ExistsTest, PatternLiteral } from './ast';
import { type IpNetwork, isSubnetOf, parseIpNetwork } from './cidr';
import { compileLike } from './like';
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
 * Turns an observed value into something comparable with the literal, or undefined when
 * the types do not fit (a type mismatch makes the comparison false, never an error).
 */
function comparableValue(lit: PatternLiteral, value: unknown): Comparable | undefined {
  switch (lit.kind) {
    case 'string':
      return typeof value === 'string' ? value : undefined;
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
      return typeof value === 'string' ? value.toLowerCase() : undefined;
    case 'binary':
      return typeof value === 'string' ? decodeBase64Latin1(value) : undefined;
  }
}

function comparableLiteral(lit: PatternLiteral): Comparable {
  switch (lit.kind) {
    case 'timestamp':
      return Date.parse(lit.value);
    case 'hex':
      return lit.value.toLowerCase();
    case 'binary':
      return decodeBase64Latin1(lit.value) ?? '';
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
function lastPropertyName(node: ComparisonTest): string {
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
  if (op === 'IN') {
    const items = (node.value as PatternLiteral[]).map((lit) => ({
      lit,
      value: comparableLiteral(lit),
    }));
    return {
      node,
      test: (value) => items.some(({ lit, value: want }) => comparableValue(lit, value) === want),
    };
  }
  const lit = node.value as PatternLiteral;
  const text = lit.kind === 'string' ? lit.value : '';
  switch (op) {
    case 'LIKE': {
      const like = compileLike(text);
      return { node, test: (value) => typeof value === 'string' && like(value) };
    }
    case 'MATCHES': {
      const re: RE2JS = compileRegex(text, lit.loc);
      const prop = lastPropertyName(node);
      // STIX 2.1 §9.5: for binary properties the regex applies to the decoded bytes.
      const decode = prop.endsWith('_bin')
        ? decodeBase64Latin1
        : prop.endsWith('_hex')
          ? decodeHexLatin1
          : (v: string) => v;
      return {
        node,
        test: (value) => {
          if (typeof value !== 'string') return false;
          const subject = decode(value);
          return subject !== undefined && re.test(subject);
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
          const got = comparableValue(lit, value);
          return got !== undefined && ordered(op, got, want);
        },
      };
    }
  }
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
