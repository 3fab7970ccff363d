import fc from 'fast-check';
import { applyEdits, mutatedText } from './mutate';
import type { Seeds } from './seeds';

/** A pattern to fuzz and the observed data (JSON text) to match it against. */
export interface PatternInput {
  text: string;
  observations: string;
  recipe?: string;
}

const TOKENS = [
  '[',
  ']',
  '(',
  ')',
  "'",
  '\\',
  ':',
  '.',
  ',',
  '*',
  '=',
  '!=',
  '<',
  '>=',
  ' AND ',
  ' OR ',
  ' NOT ',
  ' FOLLOWEDBY ',
  ' WITHIN ',
  ' SECONDS',
  ' REPEATS ',
  ' TIMES',
  ' START ',
  ' STOP ',
  " t'",
  " h'",
  " b'",
  'file',
  'a:b',
  'x-y',
  '0',
  '-1',
  '.5',
  '9'.repeat(30),
  '/*',
  '*/',
  '\n',
  ' IN ',
  ' LIKE ',
  ' MATCHES ',
  ' ISSUBSET ',
  ' EXISTS ',
  'true',
  '\u2028',
  '\u0000',
  '😀',
  '\ud800',
  'constructor',
  '__proto__',
  'toString',
];

/** One observed-data object whose SCOs carry the paths the seeds and bombs test. */
export function observationsWith(value: string): string {
  return JSON.stringify([
    {
      id: 'observed-data--b67d30ff-02ac-498a-92f9-32f845f448cf',
      first_observed: '2026-01-01T00:00:00Z',
      last_observed: '2026-01-01T00:00:00Z',
      number_observed: 3,
      objects: {
        '0': { type: 'a', b: 1, v: value },
        '1': {
          type: 'file',
          name: 'pdf.exe',
          size: 371712,
          hashes: { MD5: '79054025255fb1a26e4bc422aef54eb4' },
        },
        '2': { type: 'domain-name', value: 'www.example.com' },
        '3': { type: 'ipv4-addr', value: '198.51.100.7' },
        '4': { type: 'x', v: value, constructor: 'x', __proto__x: 1 },
      },
    },
  ]);
}

const PLAIN = observationsWith('abc');

function bomb(text: string, recipe: string, value = 'abc'): PatternInput {
  return { text, recipe, observations: value === 'abc' ? PLAIN : observationsWith(value) };
}

/** Families of pattern inputs: soups, mutations and the size bombs of issue 19. */
export function patternFamilies(seeds: Seeds): Record<string, fc.Arbitrary<PatternInput>> {
  const joined = (n: number, op: string) => Array(n).fill('[a:b = 1]').join(op);
  return {
    'token-soup': fc
      .array(fc.constantFrom(...TOKENS), { maxLength: 40 })
      .map((parts) => ({ text: parts.join(''), observations: PLAIN })),
    // One or two pattern-token edits, so that many mutants still parse and reach the matcher.
    'fixture-mutation': fc
      .tuple(
        fc.constantFrom(...seeds.patterns),
        fc.array(
          fc.record({ at: fc.nat(), remove: fc.nat(2), insert: fc.constantFrom(...TOKENS, '') }),
          {
            minLength: 1,
            maxLength: 2,
          },
        ),
      )
      .map(([seed, edits]) => ({ text: applyEdits(seed, edits), observations: PLAIN })),
    'fixture-byte-mutation': mutatedText(seeds.patterns).map((text) => ({
      text,
      observations: PLAIN,
    })),
    'qualifier-chain': fc
      .tuple(
        fc.integer({ min: 1, max: 30_000 }),
        fc.constantFrom(' REPEATS 1 TIMES', ' WITHIN 1 SECONDS'),
      )
      .map(([n, q]) =>
        bomb(`[a:b = 1]${q.repeat(n)}`, `'[a:b = 1]' + ${JSON.stringify(q)}.repeat(${n})`),
      ),
    'comparison-chain': fc
      .tuple(fc.integer({ min: 1, max: 9_999 }), fc.constantFrom(' AND ', ' OR '))
      .map(([n, op]) =>
        bomb(
          `[a:b = 1${`${op}a:b = 1`.repeat(n)}]`,
          `'[a:b = 1' + ${JSON.stringify(`${op}a:b = 1`)}.repeat(${n}) + ']'`,
        ),
      ),
    'observation-chain': fc
      .tuple(fc.integer({ min: 2, max: 3_000 }), fc.constantFrom(' OR ', ' AND ', ' FOLLOWEDBY '))
      .map(([n, op]) =>
        bomb(joined(n, op), `Array(${n}).fill('[a:b = 1]').join(${JSON.stringify(op)})`),
      ),
    'deep-parens': fc
      .integer({ min: 10, max: 20_000 })
      .map((n) =>
        bomb(
          `${'('.repeat(n)}[a:b = 1]${')'.repeat(n)}`,
          `'('.repeat(${n}) + '[a:b = 1]' + ')'.repeat(${n})`,
        ),
      ),
    'like-bomb': fc
      .tuple(fc.integer({ min: 10, max: 3_000 }), fc.integer({ min: 1_000, max: 500_000 }))
      .map(([n, m]) =>
        bomb(
          `[a:v LIKE '%${'a'.repeat(n)}b_%']`,
          `matchPattern("[a:v LIKE '%" + 'a'.repeat(${n}) + "b_%']", [observed with v = 'a'.repeat(${m})])`,
          'a'.repeat(m),
        ),
      ),
    'regex-bomb': fc
      .tuple(
        fc.constantFrom('(a+)+$', '(a|a)*$', '(a*)*b', '^(a|aa)+$', '(.*a){20}'),
        fc.integer({ min: 10, max: 200_000 }),
      )
      .map(([re, m]) =>
        bomb(
          `[a:v MATCHES '${re}']`,
          `matchPattern("[a:v MATCHES '${re}']", [observed with v = 'a'.repeat(${m}) + '!'])`,
          `${'a'.repeat(m)}!`,
        ),
      ),
    'unterminated-literal': fc
      .tuple(fc.integer({ min: 1, max: 300_000 }), fc.constantFrom("'", "\\'", '\\\\'))
      .map(([n, unit]) =>
        bomb(`[a:v = '${unit.repeat(n)}`, `"[a:v = '" + ${JSON.stringify(unit)}.repeat(${n})`),
      ),
  };
}
