import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
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
import { parsePattern } from './parser';
import { isPatternError } from './pattern-error';
import { printPattern } from './printer';
import { stripLocations } from './strip-locations';

const at = { offset: 0, line: 1, column: 1 };
const ident = fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/);
const objectType = fc.stringMatching(/^[a-z][a-z0-9]{0,5}(-[a-z0-9]{1,5}){0,2}$/);
const anyKey = fc.string({ minLength: 1, maxLength: 10 });
const timestamp = fc
  .date({
    min: new Date('1970-01-01T00:00:00Z'),
    max: new Date('2999-12-31T23:59:59Z'),
    noInvalidDate: true,
  })
  .map((d) => d.toISOString());

const literal: fc.Arbitrary<PatternLiteral> = fc.oneof(
  fc.string({ maxLength: 20 }).map((value) => ({ kind: 'string' as const, value, loc: at })),
  fc
    .maxSafeInteger()
    .map((value) => ({ kind: 'int' as const, value: value === 0 ? 0 : value, loc: at })),
  fc
    .double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 })
    .map((value) => ({ kind: 'float' as const, value: value === 0 ? 0 : value, loc: at })),
  fc.boolean().map((value) => ({ kind: 'boolean' as const, value, loc: at })),
  timestamp.map((value) => ({ kind: 'timestamp' as const, value, loc: at })),
  fc.uint8Array({ maxLength: 8 }).map((bytes) => ({
    kind: 'hex' as const,
    value: Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(''),
    loc: at,
  })),
  fc.uint8Array({ maxLength: 8 }).map((bytes) => ({
    kind: 'binary' as const,
    value: btoa(String.fromCharCode(...bytes)),
    loc: at,
  })),
);

const step: fc.Arbitrary<PathStep> = fc.oneof(
  anyKey.map((name) => ({ kind: 'property' as const, name })),
  ident.map((name) => ({ kind: 'property' as const, name })),
  fc
    .oneof(fc.nat(50), fc.constant('*' as const))
    .map((index) => ({ kind: 'index' as const, index })),
);

const path: fc.Arbitrary<ObjectPath> = fc
  .tuple(objectType, fc.oneof(ident, anyKey), fc.array(step, { maxLength: 3 }))
  .map(([type, first, rest]) => ({
    kind: 'path' as const,
    objectType: type,
    steps: [{ kind: 'property' as const, name: first }, ...rest],
    loc: at,
  }));

const stringLit = fc
  .string({ maxLength: 12 })
  .map((value) => ({ kind: 'string' as const, value, loc: at }));

const test: fc.Arbitrary<ComparisonExpression> = fc
  .oneof(
    fc.tuple(path, fc.constantFrom<ComparisonOperator>('=', '!='), fc.boolean(), literal),
    fc.tuple(
      path,
      fc.constantFrom<ComparisonOperator>('>', '<', '>=', '<='),
      fc.boolean(),
      literal.filter((l) => l.kind !== 'boolean'),
    ),
    fc.tuple(
      path,
      fc.constantFrom<ComparisonOperator>('LIKE', 'MATCHES', 'ISSUBSET', 'ISSUPERSET'),
      fc.boolean(),
      stringLit,
    ),
    fc.tuple(
      path,
      fc.constant<ComparisonOperator>('IN'),
      fc.boolean(),
      fc.array(literal, { maxLength: 4 }),
    ),
  )
  .map(([p, operator, negated, value]) => ({
    kind: 'comparison' as const,
    path: p,
    operator,
    negated,
    value,
    loc: at,
  }));

const comparison: fc.Arbitrary<ComparisonExpression> = fc.letrec<{ c: ComparisonExpression }>(
  (tie) => ({
    c: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      test,
      path.map((p) => ({ kind: 'exists' as const, path: p, loc: at })),
      fc
        .tuple(fc.constantFrom<'AND' | 'OR'>('AND', 'OR'), tie('c'), tie('c'))
        .map(([operator, left, right]) => ({
          kind: 'comparison-op' as const,
          operator,
          left,
          right,
          loc: at,
        })),
    ),
  }),
).c;

const qualifier: fc.Arbitrary<Qualifier> = fc.oneof(
  fc
    .oneof(fc.integer({ min: 1, max: 100000 }), fc.double({ min: 0.001, max: 1e6, noNaN: true }))
    .map((seconds) => ({ kind: 'within' as const, seconds, loc: at })),
  fc.integer({ min: 1, max: 1000 }).map((times) => ({ kind: 'repeats' as const, times, loc: at })),
  fc
    .tuple(timestamp, timestamp)
    .map(([start, stop]) => ({ kind: 'start-stop' as const, start, stop, loc: at })),
);

const observation: fc.Arbitrary<ObservationExpression> = fc.letrec<{ o: ObservationExpression }>(
  (tie) => ({
    o: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      comparison.map((c) => ({ kind: 'observation' as const, comparison: c, loc: at })),
      fc
        .tuple(
          fc.constantFrom<'AND' | 'OR' | 'FOLLOWEDBY'>('AND', 'OR', 'FOLLOWEDBY'),
          tie('o'),
          tie('o'),
        )
        .map(([operator, left, right]) => ({
          kind: 'observation-op' as const,
          operator,
          left,
          right,
          loc: at,
        })),
      fc.tuple(tie('o'), qualifier).map(([expression, q]) => ({
        kind: 'qualified' as const,
        expression,
        qualifier: q,
        loc: at,
      })),
    ),
  }),
).o;

/** Arbitrary pattern syntax trees covering every node and literal kind. */
const patternArbitrary: fc.Arbitrary<Pattern> = observation.map((expression) => ({
  kind: 'pattern' as const,
  expression,
  loc: at,
}));

describe('print/parse round trip on generated trees', () => {
  it('parse(print(ast)) equals ast', () => {
    fc.assert(
      fc.property(patternArbitrary, (ast) => {
        const text = printPattern(ast);
        const again = parsePattern(text, { maxDepth: 1000 });
        expect(stripLocations(again)).toEqual(stripLocations(ast));
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws anything but a PatternError on mutated text', () => {
    fc.assert(
      fc.property(patternArbitrary, fc.nat(), fc.string({ maxLength: 3 }), (ast, cut, insert) => {
        const text = printPattern(ast);
        const i = cut % (text.length + 1);
        const mutated = text.slice(0, i) + insert + text.slice(i + 1);
        try {
          parsePattern(mutated);
        } catch (error) {
          expect(isPatternError(error)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
