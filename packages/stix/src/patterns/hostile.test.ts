// Reproductions from issue 19 ("Hostile input"): everything the parser accepts can be
// validated, printed, compiled and matched without a RangeError, LIKE runs in linear time,
// and one hostile indicator cannot slow the index down for all the others.
import { describe, expect, it } from 'vitest';
import { IndicatorIndex, type IndicatorLike, matchStream } from './indicator-index';
import { likeMatcher } from './like';
import { compilePattern, matchPattern, type ObservedDataLike } from './matcher';
import { parsePattern } from './parser';
import { isPatternError } from './pattern-error';
import { printPattern } from './printer';
import { stripLocations } from './strip-locations';
import { validatePattern } from './validator';

const T = "[ipv4-addr:value = '198.51.100.1']";
/** A short observation expression, so 3,000 of them fit the index's 64 KiB pattern limit. */
const SHORT = "[x-t:v = 'a']";

function observation(n: number, value = '198.51.100.1'): ObservedDataLike {
  const when = new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString();
  return {
    id: `observed-data--${n}`,
    first_observed: when,
    last_observed: when,
    number_observed: 1,
    objects: { '0': { type: 'ipv4-addr', value }, '1': { type: 'x-t', v: 'a' } },
  };
}

function indicator(id: string, pattern: string): IndicatorLike {
  return { id: `indicator--${id}`, pattern, pattern_type: 'stix' };
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('qualifiers count against the limits', () => {
  const stacked = `${T}${' REPEATS 1 TIMES'.repeat(30_000)}`;

  it('rejects 30,000 stacked qualifiers with a typed error', () => {
    const error = thrown(() => parsePattern(stacked));
    expect(isPatternError(error)).toBe(true);
  });

  it('validatePattern reports them instead of throwing', () => {
    const result = validatePattern(stacked);
    expect(result.valid).toBe(false);
    expect(result.issues[0]?.severity).toBe('error');
  });

  it('counts qualifiers as terms and as nesting', () => {
    const qualified = `${T} WITHIN 5 SECONDS REPEATS 2 TIMES`;
    // The observation expression, its comparison and two qualifiers: four terms.
    expect(thrown(() => parsePattern(qualified, { maxTerms: 3 }))).toMatchObject({
      code: 'LIMIT_EXCEEDED',
    });
    expect(parsePattern(qualified, { maxTerms: 4 }).expression.kind).toBe('qualified');
    expect(thrown(() => parsePattern(qualified, { maxDepth: 2 }))).toMatchObject({
      code: 'LIMIT_EXCEEDED',
    });
    expect(parsePattern(qualified, { maxDepth: 3 }).expression.kind).toBe('qualified');
  });
});

describe('maxDepth has a ceiling', () => {
  it.each([1e9, Number.POSITIVE_INFINITY, Number.NaN])('maxDepth %s is read as 256', (maxDepth) => {
    const nested = (n: number) => `${'('.repeat(n)}${T}${')'.repeat(n)}`;
    const deepest = parsePattern(nested(255), { maxDepth });
    expect(deepest.expression.kind).toBe('observation');
    expect(thrown(() => parsePattern(nested(256), { maxDepth }))).toMatchObject({
      code: 'LIMIT_EXCEEDED',
    });
  });
});

it('walks the deepest tree the parser returns: 256 levels of alternating operators', () => {
  // Each level alternates AND, OR and a qualifier, the most frames a level can cost.
  const nest = (levels: number) => {
    let text = T;
    for (let i = 0; i < levels; i++) {
      text = `(${text} AND ${T} OR ${T}) ${i % 2 === 0 ? 'WITHIN 5 SECONDS' : 'REPEATS 1 TIMES'}`;
    }
    return text;
  };
  const text = nest(250);
  const ast = parsePattern(text, { maxDepth: 256, maxTerms: 100_000 });
  expect(validatePattern(ast).valid).toBe(true);
  expect(printPattern(parsePattern(printPattern(ast), { maxDepth: 256, maxTerms: 100_000 }))).toBe(
    printPattern(ast),
  );
  expect(compilePattern(ast).match([observation(1)]).matched).toBe(true);
  // The index parses with the default limits (64 levels).
  const index = new IndicatorIndex();
  expect(index.add(indicator('too-deep', text)).skipped[0]?.reason).toMatch(/deeper than 64/);
  expect(index.add(indicator('deep', nest(31))).skipped).toEqual([]);
  expect(index.match(observation(1)).length).toBe(1);
});

describe('long chains are walked without overflowing the stack', () => {
  const comparisons = `[${Array.from({ length: 9000 }, (_, i) => `ipv4-addr:value != '10.0.${i >> 8}.${i & 255}'`).join(' AND ')}]`;
  const observations = Array(4500).fill(T).join(' AND ');
  const alternatives = Array(3000).fill(SHORT).join(' OR ');

  it.each([
    ['9,000 AND-ed comparisons', comparisons, true],
    ['4,500 AND-ed observation expressions (9,000 terms)', observations, false],
    ['3,000 OR-ed observation expressions', alternatives, true],
  ])('%s: validate, print, compile and match', (_name, text, matches) => {
    const ast = parsePattern(text);
    const validation = validatePattern(text);
    expect(validation.valid).toBe(true);
    const printed = printPattern(ast);
    // Printed again from its own parse: deep-equality helpers recurse, so the trees are
    // compared through their text, and stripLocations must cope with the depth.
    expect(printPattern(stripLocations(parsePattern(printed)))).toBe(printed);
    const compiled = compilePattern(ast);
    expect(compiled.match([observation(1)]).matched).toBe(matches);
    expect(matchPattern(text, [observation(1), observation(2)]).matched).toBe(matches);
  });

  it('IndicatorIndex.add takes 3,000 OR-ed observation expressions and match works', async () => {
    const index = new IndicatorIndex();
    expect(index.add(indicator('or', alternatives)).added).toBe(1);
    expect(index.match(observation(1)).map((m) => m.indicatorId)).toEqual(['indicator--or']);
    const fired: string[] = [];
    for await (const { matches } of matchStream(index, [observation(1), observation(2)])) {
      for (const m of matches) fired.push(m.indicatorId);
    }
    expect(fired).toEqual(['indicator--or', 'indicator--or']);
  });

  it('a path of 50,000 steps is matched without recursion', () => {
    const path = Array(50_000).fill('a').join('.');
    let nested: Record<string, unknown> = { a: 'x' };
    for (let i = 1; i < 50_000; i++) nested = { a: nested };
    const obs = { ...observation(1), objects: { '0': { type: 'x-deep', ...nested } } };
    expect(matchPattern(`[x-deep:${path} = 'x']`, [obs]).matched).toBe(true);
  });
});

describe('LIKE runs in linear time', () => {
  it('scans a 500 kB value once for `%<3000 a>b_%` (work bound, not a timing)', () => {
    const pattern = `%${'a'.repeat(3000)}b_%`;
    const value = 'a'.repeat(500_000);
    const like = likeMatcher(pattern);
    expect(like.test(value)).toBe(false);
    // Bit-parallel: at most one step per character and 32 pattern positions, plus one
    // per character to read the value. A backtracking search would take ~1.5e9 steps.
    const words = Math.ceil(3002 / 32);
    expect(like.work).toBeLessThanOrEqual((value.length + pattern.length) * (words + 1));
    expect(
      matchPattern(`[x-t:v LIKE '${pattern}']`, [
        { ...observation(1), objects: { '0': { type: 'x-t', v: value } } },
      ]).matched,
    ).toBe(false);
  });

  it('still finds the match at the far end', () => {
    const pattern = `%${'a'.repeat(3000)}b_%`;
    const like = likeMatcher(pattern);
    expect(like.test(`${'a'.repeat(500_000)}bc`)).toBe(true);
    expect(like.test(`${'a'.repeat(500_000)}b`)).toBe(false);
  });
});

describe('one hostile indicator cannot slow the others', () => {
  it('bounds the correlation work per indicator and observation', async () => {
    const hostile = Array(10).fill(T).join(' AND ');
    const index = new IndicatorIndex();
    index.add(indicator('hostile', hostile));
    index.add(
      Array.from({ length: 500 }, (_, i) =>
        indicator(`n${i}`, `[ipv4-addr:value = '198.51.100.1' AND ipv4-addr:value != '${i}']`),
      ),
    );
    const correlation = index.createCorrelation({ maxPerIndicator: 256 });
    let matched = 0;
    for (let n = 0; n < 400; n++) {
      const matches = index.match(observation(n), { correlation });
      matched += matches.filter((m) => m.indicatorId.startsWith('indicator--n')).length;
      // Every normal indicator fires on every observation; the hostile one fires once
      // ten observations are buffered (its first binding is found within the budget).
      if (n >= 9) expect(matches.some((m) => m.indicatorId === 'indicator--hostile')).toBe(true);
    }
    expect(matched).toBe(400 * 500);
    const stats = correlation.stats;
    expect(stats.evaluations).toBe(400);
    // The budget, plus one test of each new observation per observation expression (10).
    expect(stats.work).toBeLessThanOrEqual(400 * (correlation.maxWorkPerObservation + 10));
  });

  it('stops an indicator at its budget and reports it, while the others still fire', () => {
    const index = new IndicatorIndex();
    index.add(indicator('hostile', Array(10).fill(T).join(' AND ')));
    index.add(indicator('pair', `${T} AND [ipv4-addr:value = '198.51.100.2']`));
    const correlation = index.createCorrelation({ maxWorkPerObservation: 500 });
    let pairs = 0;
    for (let n = 0; n < 300; n++) {
      const value = n % 2 === 0 ? '198.51.100.1' : '198.51.100.2';
      const matches = index.match(observation(n, value), { correlation });
      if (matches.some((m) => m.indicatorId === 'indicator--pair')) pairs++;
    }
    expect(pairs).toBe(299);
    expect([...correlation.overBudget]).toEqual(['indicator--hostile']);
    expect(correlation.stats.work).toBeLessThanOrEqual(correlation.stats.evaluations * (500 + 10));
  });
});

describe('validatePattern never throws', () => {
  it.each([
    ['a number', 42],
    ['null', null],
    ['a tree with an unknown node', { kind: 'pattern', expression: { kind: 'nope' } }],
    ['an empty object', {}],
  ])('%s', (_name, input) => {
    const result = validatePattern(input as never);
    expect(result.valid).toBe(false);
    expect(result.issues.length).toBeGreaterThan(0);
  });
});
