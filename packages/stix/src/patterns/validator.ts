import { describeHashForm, hasHashForm, hashAlgorithmName } from '../model/hash-algorithms';
import type {
  ComparisonExpression,
  ComparisonTest,
  ObjectPath,
  ObservationExpression,
  Pattern,
  PatternLiteral,
} from './ast';
import { comparisonOperands, observationOperands } from './chains';
import { parseIpNetwork } from './cidr';
import { type ParsePatternOptions, parsePattern } from './parser';
import { isPatternError } from './pattern-error';
import { compileRegex } from './regex';
import { knownScoProperties, type PropertyKind, propertyKind } from './sco-properties';

/** One finding of {@link validatePattern}. */
export interface PatternIssue {
  /** `error`: the pattern is wrong or can never work; `warning`: suspicious or custom. */
  severity: 'error' | 'warning';
  /** A stable code to branch on, e.g. `unknown-object-type`. */
  code: string;
  /** One sentence naming the problem. */
  message: string;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
  /** 0-based offset. */
  offset: number;
}

/** The result of {@link validatePattern}. */
export interface PatternValidation {
  /** True when there is no error (warnings allowed). */
  valid: boolean;
  /** Errors and warnings in source order. */
  issues: PatternIssue[];
  /** The syntax tree, when the pattern parsed. */
  pattern: Pattern | undefined;
}

const LITERAL_FITS: Record<PatternLiteral['kind'], readonly PropertyKind[]> = {
  string: ['string', 'hex', 'binary', 'ref'],
  int: ['integer', 'float'],
  float: ['float', 'integer'],
  boolean: ['boolean'],
  timestamp: ['timestamp'],
  hex: ['hex', 'binary'],
  binary: ['binary', 'hex'],
};

/**
 * Checks a pattern beyond syntax (STIX 2.1 §9): unknown object types and properties
 * (warnings, since custom objects are allowed), literals whose type does not fit the
 * property, hash literals without the form of their algorithm (`invalid-hash`, §10.7),
 * unsafe or invalid `MATCHES` regexes, bad CIDR literals, and qualifier sanity
 * (`WITHIN 0`, `REPEATS 0`, `START` not before `STOP`). Never throws, whatever it is
 * given: text that does not parse, or a value that is not a pattern, is an issue.
 *
 * @param pattern - Pattern text or a parsed tree.
 * @param options - Parser limits.
 * @returns Issues with line and column, and the tree when it parsed.
 *
 * @example
 * ```ts
 * import { validatePattern } from '@intelshare/stix/patterns';
 *
 * const { valid, issues } = validatePattern("[file:sise = 10] REPEATS 0 TIMES");
 * valid; // false
 * issues.map((i) => `${i.line}:${i.column} ${i.code}`);
 * // ['1:2 unknown-property', '1:18 invalid-qualifier']
 * ```
 * @see https://intelshare.dev/patterns/patterns/
 */
export function validatePattern(
  pattern: string | Pattern,
  options: ParsePatternOptions = {},
): PatternValidation {
  try {
    return validate(pattern, options);
  } catch (error) {
    // Only a malformed hand-built tree gets here; text is always parsed first.
    const message = error instanceof Error ? error.message : String(error);
    return invalid('invalid-tree', `The pattern tree cannot be read: ${message}`);
  }
}

function invalid(code: string, message: string): PatternValidation {
  return {
    valid: false,
    pattern: undefined,
    issues: [{ severity: 'error', code, message, line: 1, column: 1, offset: 0 }],
  };
}

/** The hash algorithm a path compares, when it ends in `hashes.<name>`. */
function hashKey(path: ObjectPath): string | undefined {
  const steps = path.steps;
  const last = steps[steps.length - 1];
  const before = steps[steps.length - 2];
  if (last?.kind !== 'property' || before?.kind !== 'property' || before.name !== 'hashes') {
    return undefined;
  }
  return last.name;
}

function validate(pattern: string | Pattern, options: ParsePatternOptions): PatternValidation {
  let ast: Pattern;
  if (typeof pattern !== 'string') {
    if (typeof pattern !== 'object' || pattern === null || pattern.kind !== 'pattern') {
      return invalid('invalid-input', 'A pattern is text or a tree from `parsePattern`.');
    }
  }
  if (typeof pattern === 'string') {
    try {
      ast = parsePattern(pattern, options);
    } catch (error) {
      if (!isPatternError(error)) throw error;
      return {
        valid: false,
        pattern: undefined,
        issues: [
          {
            severity: 'error',
            code: error.code === 'LIMIT_EXCEEDED' ? 'limit-exceeded' : 'syntax',
            message: error.message,
            line: error.line,
            column: error.column,
            offset: error.offset,
          },
        ],
      };
    }
  } else {
    ast = pattern;
  }
  const issues: PatternIssue[] = [];
  const add = (
    severity: PatternIssue['severity'],
    code: string,
    message: string,
    at: { line: number; column: number; offset: number },
  ) =>
    issues.push({ severity, code, message, line: at.line, column: at.column, offset: at.offset });

  const checkPath = (path: ObjectPath): PropertyKind | undefined => {
    const known = knownScoProperties(path.objectType);
    if (!known) {
      if (path.objectType.startsWith('x-')) {
        add(
          'warning',
          'custom-object-type',
          `\`${path.objectType}\` is a custom object type.`,
          path.loc,
        );
      } else {
        add(
          'warning',
          'unknown-object-type',
          `\`${path.objectType}\` is not a STIX 2.1 SCO type.`,
          path.loc,
        );
      }
      return undefined;
    }
    for (const step of path.steps) {
      if (step.kind === 'index' && typeof step.index === 'number' && step.index < 0) {
        add('error', 'invalid-index', 'List indexes must not be negative.', path.loc);
      }
    }
    const first = path.steps[0];
    if (first?.kind !== 'property') return undefined;
    const kind = propertyKind(path.objectType, first.name);
    if (kind === undefined) {
      if (first.name.startsWith('x_')) {
        add(
          'warning',
          'custom-property',
          `\`${first.name}\` is a custom property of \`${path.objectType}\`.`,
          path.loc,
        );
      } else {
        add(
          'warning',
          'unknown-property',
          `\`${path.objectType}\` has no property \`${first.name}\`.`,
          path.loc,
        );
      }
      return undefined;
    }
    // Only a direct property (or a hash value) has a known kind; deeper paths are not typed here.
    if (path.steps.length === 1) return kind;
    if (kind === 'hashes' && path.steps.length === 2) return 'string';
    return undefined;
  };

  const checkLiteral = (
    test: ComparisonTest,
    kind: PropertyKind | undefined,
    lit: PatternLiteral,
  ) => {
    if (kind === undefined || LITERAL_FITS[lit.kind].includes(kind)) return;
    add(
      'warning',
      'literal-type',
      `A ${lit.kind} literal is compared with \`${test.path.objectType}:${(test.path.steps[0] as { name: string }).name}\`, which holds ${kind} values.`,
      lit.loc,
    );
  };

  const visitComparison = (c: ComparisonExpression, types: Set<string>) => {
    if (c.kind === 'comparison-op') {
      // A chain is a list of operands: its length costs no stack.
      const operands = comparisonOperands(c);
      if (c.operator === 'AND') {
        const left = new Set<string>();
        visitComparison(operands[0]!, left);
        for (let k = 1; k < operands.length; k++) {
          const right = new Set<string>();
          visitComparison(operands[k]!, right);
          if (left.size === 1 && right.size === 1 && [...left][0] !== [...right][0]) {
            add(
              'warning',
              'mixed-types-and',
              'Comparisons joined by AND inside one observation should use the same object type.',
              c.loc,
            );
          }
          for (const t of right) left.add(t);
        }
        for (const t of left) types.add(t);
      } else {
        for (const operand of operands) visitComparison(operand, types);
      }
      return;
    }
    types.add(c.path.objectType);
    const kind = checkPath(c.path);
    if (c.kind === 'exists') return;
    const lits = Array.isArray(c.value) ? c.value : [c.value];
    if (c.operator === 'IN' && lits.length === 0) {
      add('warning', 'empty-set', 'An empty IN set never matches.', c.loc);
    }
    if (c.operator === 'MATCHES' || c.operator === 'LIKE') {
      if (kind !== undefined && kind !== 'string' && kind !== 'binary' && kind !== 'hex') {
        add(
          'warning',
          'operator-type',
          `${c.operator} applies to strings, not ${kind} values.`,
          c.loc,
        );
      }
      if (c.operator === 'MATCHES') {
        const lit = lits[0]!;
        try {
          compileRegex(lit.kind === 'string' ? lit.value : '', lit.loc);
        } catch (error) {
          if (!isPatternError(error)) throw error;
          add(
            'error',
            error.code === 'PATTERN_SYNTAX' ? 'invalid-regex' : 'unsafe-regex',
            error.message,
            lit.loc,
          );
        }
      }
      return;
    }
    if (c.operator === 'ISSUBSET' || c.operator === 'ISSUPERSET') {
      const lit = lits[0]!;
      if (lit.kind === 'string' && !parseIpNetwork(lit.value)) {
        add('error', 'invalid-cidr', `${c.operator} needs an IP address or CIDR block.`, lit.loc);
      }
      return;
    }
    for (const lit of lits) checkLiteral(c, kind, lit);
    const algorithm = hashKey(c.path);
    const name = algorithm === undefined ? undefined : hashAlgorithmName(algorithm);
    if (name !== undefined && (c.operator === '=' || c.operator === '!=' || c.operator === 'IN')) {
      // STIX 2.1 §10.7 hash-algorithm-ov: a digest of a known algorithm has its form.
      for (const lit of lits) {
        if (lit.kind === 'string' && hasHashForm(name, lit.value) === false) {
          add(
            'error',
            'invalid-hash',
            `A ${name} hash is ${describeHashForm(name)}, which this literal is not.`,
            lit.loc,
          );
        }
      }
    }
  };

  const visitObservation = (e: ObservationExpression) => {
    if (e.kind === 'observation') {
      visitComparison(e.comparison, new Set());
      return;
    }
    if (e.kind === 'observation-op') {
      for (const operand of observationOperands(e)) visitObservation(operand);
      return;
    }
    visitObservation(e.expression);
    const q = e.qualifier;
    if (q.kind === 'within' && q.seconds <= 0) {
      add('error', 'invalid-qualifier', 'WITHIN needs a positive number of seconds.', q.loc);
    } else if (q.kind === 'repeats' && q.times < 1) {
      add('error', 'invalid-qualifier', 'REPEATS needs a count of at least 1.', q.loc);
    } else if (q.kind === 'start-stop' && Date.parse(q.start) >= Date.parse(q.stop)) {
      add('error', 'invalid-qualifier', 'START must be earlier than STOP.', q.loc);
    }
  };

  visitObservation(ast.expression);
  issues.sort((a, b) => a.offset - b.offset);
  return { valid: !issues.some((i) => i.severity === 'error'), issues, pattern: ast };
}
