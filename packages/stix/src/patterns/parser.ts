import type {
  ComparisonExpression,
  ComparisonOperator,
  ObjectPath,
  ObservationExpression,
  PathStep,
  Pattern,
  PatternLiteral,
  Qualifier,
} from './ast';
import { Lexer, type Token } from './lexer';
import { PatternError, type PatternPosition } from './pattern-error';

/** Limits that keep parsing bounded on hostile input. */
export interface ParsePatternOptions {
  /** Longest pattern text accepted, in UTF-16 units. Default 1 MiB (1,048,576). */
  maxLength?: number;
  /**
   * Deepest nesting of brackets, parentheses and qualifiers (each qualifier on an
   * expression is one more level). Default 64; values above 256 are treated as 256, so
   * every tree the parser returns can be walked without exhausting the call stack.
   */
  maxDepth?: number;
  /**
   * Most comparison tests, observation expressions and qualifiers in one pattern.
   * Default 10,000.
   */
  maxTerms?: number;
  /**
   * Record each node's position in `loc` (default `true`). With `false` every node shares
   * one `{ offset: 0, line: 0, column: 0 }`, which saves memory when positions are not
   * needed (errors still carry real positions).
   */
  locations?: boolean;
}

/** The hard ceiling of `maxDepth`: walkers recurse once per nesting level. */
const MAX_DEPTH_CEILING = 256;

const NO_LOCATION: PatternPosition = Object.freeze({ offset: 0, line: 0, column: 0 });

const KEYWORDS = new Set([
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

const WORD_OPERATORS = new Set(['IN', 'LIKE', 'MATCHES', 'ISSUBSET', 'ISSUPERSET']);

const QUALIFIER_BIT: Record<Qualifier['kind'], number> = { within: 1, 'start-stop': 2, repeats: 4 };
const QUALIFIER_NAME: Record<Qualifier['kind'], string> = {
  within: 'WITHIN',
  'start-stop': 'START … STOP',
  repeats: 'REPEATS',
};

function loc(t: Token): PatternPosition {
  return { offset: t.offset, line: t.line, column: t.column };
}

function describe(t: Token): string {
  if (t.kind === 'eof') return 'end of input';
  if (t.kind === 'string') return 'a string literal';
  const text = t.text.length > 30 ? `${t.text.slice(0, 30)}…` : t.text;
  return `\`${text}\``;
}

class Parser {
  private readonly lexer: Lexer;
  private tok: Token;
  private depth = 0;
  private terms = 0;
  private readonly maxDepth: number;
  private readonly maxTerms: number;
  private readonly locations: boolean;

  constructor(text: string, options: ParsePatternOptions) {
    this.locations = options.locations ?? true;
    const depth = options.maxDepth ?? 64;
    // NaN would disable the check, so it gets the ceiling too.
    this.maxDepth = Number.isNaN(depth) ? MAX_DEPTH_CEILING : Math.min(depth, MAX_DEPTH_CEILING);
    this.maxTerms = options.maxTerms ?? 10_000;
    this.lexer = new Lexer(text);
    this.tok = this.lexer.next();
  }

  private node(t: Token): PatternPosition {
    return this.locations ? loc(t) : NO_LOCATION;
  }

  private advance(): Token {
    const t = this.tok;
    this.tok = this.lexer.next();
    return t;
  }

  private fail(message: string, at: Token = this.tok): never {
    throw new PatternError('PATTERN_SYNTAX', message, loc(at));
  }

  private expect(kind: Token['kind'], what: string): Token {
    if (this.tok.kind !== kind) this.fail(`Expected ${what} but found ${describe(this.tok)}`);
    return this.advance();
  }

  private isWord(word: string): boolean {
    return this.tok.kind === 'word' && this.tok.text === word;
  }

  private enter(at: Token): void {
    if (++this.depth > this.maxDepth) {
      throw new PatternError(
        'LIMIT_EXCEEDED',
        `Pattern nests deeper than ${this.maxDepth} levels`,
        loc(at),
      );
    }
  }

  private countTerm(at: Token): void {
    if (++this.terms > this.maxTerms) {
      throw new PatternError(
        'LIMIT_EXCEEDED',
        `Pattern has more than ${this.maxTerms} terms`,
        loc(at),
      );
    }
  }

  parsePattern(): Pattern {
    const start = this.tok;
    if (start.kind !== 'lbrack' && start.kind !== 'lparen') {
      this.fail(`A pattern starts with \`[\` or \`(\` but found ${describe(start)}`);
    }
    const expression = this.observationExpressions();
    if (this.tok.kind !== 'eof') this.fail(`Unexpected ${describe(this.tok)} after the pattern`);
    return { kind: 'pattern', expression, loc: this.node(start) };
  }

  // STIX 2.1 §9.7 precedence: qualifiers bind tightest, then AND, OR, FOLLOWEDBY; all left-associative.
  private observationExpressions(): ObservationExpression {
    let left = this.observationOr();
    while (this.isWord('FOLLOWEDBY')) {
      this.advance();
      const right = this.observationOr();
      left = { kind: 'observation-op', operator: 'FOLLOWEDBY', left, right, loc: left.loc };
    }
    return left;
  }

  private observationOr(): ObservationExpression {
    let left = this.observationAnd();
    while (this.isWord('OR')) {
      this.advance();
      const right = this.observationAnd();
      left = { kind: 'observation-op', operator: 'OR', left, right, loc: left.loc };
    }
    return left;
  }

  private observationAnd(): ObservationExpression {
    let left = this.observationUnit();
    while (this.isWord('AND')) {
      this.advance();
      const right = this.observationUnit();
      left = { kind: 'observation-op', operator: 'AND', left, right, loc: left.loc };
    }
    return left;
  }

  private observationUnit(): ObservationExpression {
    const start = this.tok;
    let expression: ObservationExpression;
    this.countTerm(start);
    if (start.kind === 'lbrack') {
      this.enter(start);
      this.advance();
      const comparison = this.comparisonOr();
      this.expect('rbrack', '`]` to close the observation expression');
      this.depth--;
      expression = { kind: 'observation', comparison, loc: this.node(start) };
    } else if (start.kind === 'lparen') {
      this.enter(start);
      this.advance();
      expression = this.observationExpressions();
      this.expect('rparen', '`)` to close the observation expression');
      this.depth--;
    } else {
      return this.fail(`Expected \`[\` or \`(\` but found ${describe(start)}`);
    }
    // STIX 2.1 §9.6: each qualifier kind applies at most once to one expression. Each
    // qualifier also wraps the tree one level deeper and is one more term.
    let seen = 0;
    let count = 0;
    for (;;) {
      const at = this.tok;
      const qualifier = this.qualifier();
      if (!qualifier) return expression;
      const bit = QUALIFIER_BIT[qualifier.kind];
      if ((seen & bit) !== 0) {
        this.fail(`${QUALIFIER_NAME[qualifier.kind]} is already applied to this expression`, at);
      }
      seen |= bit;
      this.countTerm(at);
      // The bracketed unit is one level, each qualifier around it one more.
      if (this.depth + 1 + ++count > this.maxDepth) {
        throw new PatternError(
          'LIMIT_EXCEEDED',
          `Pattern nests deeper than ${this.maxDepth} levels`,
          loc(at),
        );
      }
      expression = { kind: 'qualified', expression, qualifier, loc: expression.loc };
    }
  }

  private qualifier(): Qualifier | undefined {
    const t = this.tok;
    if (t.kind !== 'word') return undefined;
    if (t.text === 'WITHIN') {
      this.advance();
      const n = this.tok;
      if ((n.kind !== 'int' && n.kind !== 'float') || n.text.startsWith('-')) {
        this.fail(`Expected a positive number of seconds after WITHIN but found ${describe(n)}`);
      }
      this.advance();
      const seconds = Number(n.text);
      if (!Number.isFinite(seconds)) this.fail('WITHIN needs a finite number of seconds', n);
      if (!this.isWord('SECONDS'))
        this.fail(`Expected \`SECONDS\` but found ${describe(this.tok)}`);
      this.advance();
      return { kind: 'within', seconds: seconds === 0 ? 0 : seconds, loc: this.node(t) };
    }
    if (t.text === 'START') {
      this.advance();
      const start = this.expect('timestamp', "a t'...' timestamp after START").text;
      if (!this.isWord('STOP')) this.fail(`Expected \`STOP\` but found ${describe(this.tok)}`);
      this.advance();
      const stop = this.expect('timestamp', "a t'...' timestamp after STOP").text;
      return { kind: 'start-stop', start, stop, loc: this.node(t) };
    }
    if (t.text === 'REPEATS') {
      this.advance();
      const n = this.tok;
      if (n.kind !== 'int' || n.text.startsWith('-')) {
        this.fail(`Expected a positive integer after REPEATS but found ${describe(n)}`);
      }
      this.advance();
      const times = Number(n.text);
      if (!Number.isSafeInteger(times)) this.fail('REPEATS count is too large', n);
      if (!this.isWord('TIMES')) this.fail(`Expected \`TIMES\` but found ${describe(this.tok)}`);
      this.advance();
      return { kind: 'repeats', times, loc: this.node(t) };
    }
    return undefined;
  }

  private comparisonOr(): ComparisonExpression {
    let left = this.comparisonAnd();
    while (this.isWord('OR')) {
      this.advance();
      const right = this.comparisonAnd();
      left = { kind: 'comparison-op', operator: 'OR', left, right, loc: left.loc };
    }
    return left;
  }

  private comparisonAnd(): ComparisonExpression {
    let left = this.propTest();
    while (this.isWord('AND')) {
      this.advance();
      const right = this.propTest();
      left = { kind: 'comparison-op', operator: 'AND', left, right, loc: left.loc };
    }
    return left;
  }

  private propTest(): ComparisonExpression {
    const start = this.tok;
    this.countTerm(start);
    if (start.kind === 'lparen') {
      this.enter(start);
      this.advance();
      const inner = this.comparisonOr();
      this.expect('rparen', '`)` to close the comparison expression');
      this.depth--;
      return inner;
    }
    if (start.kind === 'word' && start.text === 'EXISTS') {
      this.advance();
      const path = this.objectPath();
      return { kind: 'exists', path, loc: this.node(start) };
    }
    const path = this.objectPath();
    let negated = false;
    if (this.isWord('NOT')) {
      negated = true;
      this.advance();
    }
    const opTok = this.tok;
    let operator: ComparisonOperator;
    if (opTok.kind === 'op') {
      operator = opTok.text as ComparisonOperator;
    } else if (opTok.kind === 'word' && WORD_OPERATORS.has(opTok.text)) {
      operator = opTok.text as ComparisonOperator;
    } else {
      return this.fail(`Expected a comparison operator but found ${describe(opTok)}`);
    }
    this.advance();
    let value: PatternLiteral | PatternLiteral[];
    if (operator === 'IN') {
      value = this.setLiteral();
    } else {
      const lit = this.literal();
      value = lit;
      if (
        (operator === 'LIKE' ||
          operator === 'MATCHES' ||
          operator === 'ISSUBSET' ||
          operator === 'ISSUPERSET') &&
        lit.kind !== 'string'
      ) {
        this.fail(`${operator} takes a string literal`, opTok);
      }
      if (
        (operator === '>' || operator === '<' || operator === '>=' || operator === '<=') &&
        lit.kind === 'boolean'
      ) {
        this.fail(`${operator} cannot compare with a boolean`, opTok);
      }
    }
    return { kind: 'comparison', path, operator, negated, value, loc: this.node(start) };
  }

  private setLiteral(): PatternLiteral[] {
    this.expect('lparen', '`(` to open the IN set');
    const items: PatternLiteral[] = [];
    if (this.tok.kind === 'rparen') {
      this.advance();
      return items;
    }
    for (;;) {
      this.countTerm(this.tok);
      items.push(this.literal());
      if (this.tok.kind === 'comma') {
        this.advance();
        continue;
      }
      this.expect('rparen', '`,` or `)` in the IN set');
      return items;
    }
  }

  private literal(): PatternLiteral {
    const t = this.tok;
    const at = this.node(t);
    switch (t.kind) {
      case 'string':
        this.advance();
        return { kind: 'string', value: t.text, loc: at };
      case 'int': {
        this.advance();
        const value = Number(t.text);
        if (!Number.isSafeInteger(value)) this.fail('Integer literal is out of the safe range', t);
        return { kind: 'int', value: value === 0 ? 0 : value, loc: at };
      }
      case 'float': {
        this.advance();
        const value = Number(t.text);
        if (!Number.isFinite(value)) this.fail('Float literal is out of range', t);
        return { kind: 'float', value: value === 0 ? 0 : value, loc: at };
      }
      case 'timestamp':
        this.advance();
        return { kind: 'timestamp', value: t.text, loc: at };
      case 'hex':
        this.advance();
        return { kind: 'hex', value: t.text, loc: at };
      case 'binary':
        this.advance();
        return { kind: 'binary', value: t.text, loc: at };
      case 'word':
        if (t.text === 'true' || t.text === 'false') {
          this.advance();
          return { kind: 'boolean', value: t.text === 'true', loc: at };
        }
    }
    return this.fail(`Expected a literal but found ${describe(t)}`);
  }

  private objectPath(): ObjectPath {
    const typeTok = this.tok;
    if (typeTok.kind !== 'word' || KEYWORDS.has(typeTok.text)) {
      this.fail(`Expected an object path such as \`file:name\` but found ${describe(typeTok)}`);
    }
    this.advance();
    this.expect('colon', '`:` after the object type');
    const steps: PathStep[] = [];
    const first = this.tok;
    if (first.kind === 'word' || first.kind === 'string') {
      this.advance();
      steps.push({ kind: 'property', name: first.text });
    } else {
      this.fail(`Expected a property name after \`${typeTok.text}:\` but found ${describe(first)}`);
    }
    for (;;) {
      if (this.tok.kind === 'dot') {
        this.advance();
        const name = this.tok;
        if (name.kind !== 'word' && name.kind !== 'string') {
          this.fail(`Expected a property name after \`.\` but found ${describe(name)}`);
        }
        this.advance();
        steps.push({ kind: 'property', name: name.text });
      } else if (this.tok.kind === 'lbrack') {
        this.advance();
        const idx = this.tok;
        if (idx.kind === 'star') {
          this.advance();
          steps.push({ kind: 'index', index: '*' });
        } else if (idx.kind === 'int') {
          this.advance();
          const index = Number(idx.text);
          if (!Number.isSafeInteger(index)) this.fail('List index is out of range', idx);
          steps.push({ kind: 'index', index: index === 0 ? 0 : index });
        } else {
          this.fail(`Expected a list index or \`*\` but found ${describe(idx)}`);
        }
        this.expect('rbrack', '`]` to close the list index');
      } else {
        return { kind: 'path', objectType: typeTok.text, steps, loc: this.node(typeTok) };
      }
    }
  }
}

/**
 * Parses STIX pattern text (STIX 2.1 Part 5) into a typed syntax tree with positions.
 * Parsing is linear in the input and bounded by `maxLength`, `maxDepth` and `maxTerms`.
 *
 * @param text - The pattern, e.g. an indicator's `pattern` property.
 * @param options - Limits for hostile input.
 * @returns The syntax tree.
 * @throws {PatternError} `PATTERN_SYNTAX` with line and column, or `LIMIT_EXCEEDED`.
 *
 * @example
 * ```ts
 * import { parsePattern } from '@intelshare/stix/patterns';
 *
 * const ast = parsePattern("[ipv4-addr:value = '198.51.100.1']");
 * console.log(ast.expression.kind); // 'observation'
 * ```
 * @see https://intelshare.dev/patterns/patterns/
 */
export function parsePattern(text: string, options: ParsePatternOptions = {}): Pattern {
  if (typeof text !== 'string') throw new TypeError('`text` must be a string.');
  const maxLength = options.maxLength ?? 1_048_576;
  if (text.length > maxLength) {
    throw new PatternError(
      'LIMIT_EXCEEDED',
      `Pattern is ${text.length} characters long, more than the limit of ${maxLength}`,
      { offset: maxLength, line: 1, column: maxLength + 1 },
    );
  }
  return new Parser(text, options).parsePattern();
}
