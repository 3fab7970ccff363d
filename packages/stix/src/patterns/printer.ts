import type {
  ComparisonExpression,
  ObjectPath,
  ObservationExpression,
  Pattern,
  PatternLiteral,
  Qualifier,
} from './ast';
import { comparisonOperands, observationOperands } from './chains';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const OBJECT_TYPE = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const RESERVED = new Set([
  'AND',
  'OR',
  'NOT',
  'FOLLOWEDBY',
  'LIKE',
  'MATCHES',
  'ISSUBSET',
  'ISSUPERSET',
  'EXISTS',
  'IN',
  'START',
  'STOP',
  'SECONDS',
  'WITHIN',
  'REPEATS',
  'TIMES',
  'true',
  'false',
]);

/**
 * Prints a pattern syntax tree as canonical STIX pattern text: single spaces around
 * operators, parentheses only where precedence needs them, property names quoted only
 * when they are not plain identifiers. `parsePattern(printPattern(ast))` gives back `ast`
 * (positions aside).
 *
 * @param pattern - A tree from {@link parsePattern} or built by hand.
 * @returns The pattern text.
 * @throws {TypeError} When an object type is not a valid identifier.
 *
 * @example
 * ```ts
 * import { parsePattern, printPattern } from '@intelshare/stix/patterns';
 *
 * printPattern(parsePattern("[file:hashes.'MD5'='abc'] WITHIN 5 SECONDS"));
 * // "[file:hashes.MD5 = 'abc'] WITHIN 5 SECONDS"
 * ```
 * @see https://intelshare.dev/patterns/patterns/
 */
export function printPattern(pattern: Pattern): string {
  return printObservation(pattern.expression);
}

const OBS_PRECEDENCE = { FOLLOWEDBY: 1, OR: 2, AND: 3 } as const;

function obsPrecedence(e: ObservationExpression): number {
  return e.kind === 'observation-op' ? OBS_PRECEDENCE[e.operator] : 4;
}

function printObservation(e: ObservationExpression): string {
  switch (e.kind) {
    case 'observation':
      return `[${printComparison(e.comparison)}]`;
    case 'qualified': {
      const inner = printObservation(e.expression);
      // A qualifier kind applies once per expression (STIX 2.1 §9.6), so a repeated kind
      // qualifies a parenthesised expression.
      const wrapped =
        obsPrecedence(e.expression) < 4 || qualifiedWith(e.expression, e.qualifier.kind)
          ? `(${inner})`
          : inner;
      return `${wrapped} ${printQualifier(e.qualifier)}`;
    }
    case 'observation-op': {
      const p = OBS_PRECEDENCE[e.operator];
      // Left-associative: the first operand needs parentheses only at lower precedence,
      // the others also at equal precedence. A chain is printed as a list (no recursion
      // per operator), so long chains cannot exhaust the stack.
      return observationOperands(e)
        .map((operand, i) => {
          const text = printObservation(operand);
          const q = obsPrecedence(operand);
          return q < p || (i > 0 && q === p) ? `(${text})` : text;
        })
        .join(` ${e.operator} `);
    }
  }
}

/** Whether the qualifiers printed right before this one include `kind`. */
function qualifiedWith(e: ObservationExpression, kind: Qualifier['kind']): boolean {
  for (let node = e; node.kind === 'qualified'; node = node.expression) {
    if (node.qualifier.kind === kind) return true;
  }
  return false;
}

function printQualifier(q: Qualifier): string {
  switch (q.kind) {
    case 'within':
      return `WITHIN ${formatNumber(q.seconds, Number.isInteger(q.seconds) ? 'int' : 'float')} SECONDS`;
    case 'repeats':
      return `REPEATS ${q.times} TIMES`;
    case 'start-stop':
      return `START t'${q.start}' STOP t'${q.stop}'`;
  }
}

function cmpPrecedence(e: ComparisonExpression): number {
  return e.kind === 'comparison-op' ? (e.operator === 'OR' ? 1 : 2) : 3;
}

function printComparison(e: ComparisonExpression): string {
  switch (e.kind) {
    case 'exists':
      return `EXISTS ${printPath(e.path)}`;
    case 'comparison': {
      const op = e.negated ? `NOT ${e.operator}` : e.operator;
      const value = Array.isArray(e.value)
        ? `(${e.value.map(printLiteral).join(', ')})`
        : printLiteral(e.value);
      return `${printPath(e.path)} ${op} ${value}`;
    }
    case 'comparison-op': {
      const p = cmpPrecedence(e);
      return comparisonOperands(e)
        .map((operand, i) => {
          const text = printComparison(operand);
          const q = cmpPrecedence(operand);
          return q < p || (i > 0 && q === p) ? `(${text})` : text;
        })
        .join(` ${e.operator} `);
    }
  }
}

/**
 * Prints an object path (`type:prop.sub[0]`), quoting keys that are not identifiers.
 *
 * @param path - The path node.
 * @returns The path text.
 * @throws {TypeError} When the object type is not a valid identifier.
 *
 * @example
 * ```ts
 * import { parsePattern, printPath } from '@intelshare/stix/patterns';
 *
 * const ast = parsePattern("[file:hashes.'SHA-256' = 'x']");
 * if (ast.expression.kind === 'observation' && ast.expression.comparison.kind === 'comparison') {
 *   printPath(ast.expression.comparison.path); // "file:hashes.'SHA-256'"
 * }
 * ```
 */
export function printPath(path: ObjectPath): string {
  if (!OBJECT_TYPE.test(path.objectType) || RESERVED.has(path.objectType)) {
    throw new TypeError(`\`${path.objectType}\` is not a valid object type in a pattern.`);
  }
  let out = `${path.objectType}:`;
  path.steps.forEach((step, i) => {
    if (step.kind === 'index') {
      out += `[${step.index}]`;
    } else {
      const key =
        IDENTIFIER.test(step.name) && !RESERVED.has(step.name) ? step.name : quote(step.name);
      out += i === 0 ? key : `.${key}`;
    }
  });
  return out;
}

function quote(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

/**
 * Prints one literal in pattern syntax (strings quoted and escaped, `t''`, `h''`, `b''`).
 *
 * @param literal - The literal node.
 * @returns The literal text.
 *
 * @example
 * ```ts
 * import { printLiteral } from '@intelshare/stix/patterns';
 *
 * printLiteral({ kind: 'string', value: "O'Brien", loc: { offset: 0, line: 1, column: 1 } });
 * // "'O\\'Brien'"
 * ```
 */
export function printLiteral(literal: PatternLiteral): string {
  switch (literal.kind) {
    case 'string':
      return quote(literal.value);
    case 'int':
      return formatNumber(literal.value, 'int');
    case 'float':
      return formatNumber(literal.value, 'float');
    case 'boolean':
      return literal.value ? 'true' : 'false';
    case 'timestamp':
      return `t'${literal.value}'`;
    case 'hex':
      return `h'${literal.value}'`;
    case 'binary':
      return `b'${literal.value}'`;
  }
}

/** Formats a number without exponent notation, which the pattern grammar has no syntax for. */
function formatNumber(value: number, kind: 'int' | 'float'): string {
  if (!Number.isFinite(value)) throw new TypeError('Pattern numbers must be finite.');
  const negative = value < 0;
  let digits = expandExponent(String(Math.abs(value)));
  if (kind === 'float' && !digits.includes('.')) digits += '.0';
  if (kind === 'int' && digits.includes('.'))
    throw new TypeError('Integer literal is not an integer.');
  return negative ? `-${digits}` : digits;
}

function expandExponent(s: string): string {
  const e = s.indexOf('e');
  if (e < 0) return s;
  const mantissa = s.slice(0, e);
  const exponent = Number(s.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const intPart = dot < 0 ? mantissa : mantissa.slice(0, dot);
  const frac = dot < 0 ? '' : mantissa.slice(dot + 1);
  const all = intPart + frac;
  const point = intPart.length + exponent;
  if (point <= 0) return `0.${'0'.repeat(-point)}${all}`;
  if (point >= all.length) return all + '0'.repeat(point - all.length);
  return `${all.slice(0, point)}.${all.slice(point)}`;
}
