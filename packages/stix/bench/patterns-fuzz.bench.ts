// Pattern fuzzing: ≥ 100,000 generated inputs (random pattern-alphabet text and mutations
// of valid patterns), then a fixed corpus of hostile shapes at their largest (issue 19:
// long AND/OR chains, stacked qualifiers, deep paths, LIKE with long `_` segments against
// a 64 KiB value, an indicator of 3,000 OR-ed observations). Every input goes through
// parse, print (and re-parse), validate, compile and match, and must be answered — a
// result or a PatternError — within 2 s per MB of input (2 s at least). Any other throw,
// or a slower answer, fails the run. The slowest input of each stage is reported.
import { runBenchSuite } from '@intelshare/bench';
import fc from 'fast-check';
import {
  compilePattern,
  IndicatorIndex,
  isPatternError,
  type ObservedDataLike,
  parsePattern,
  printPattern,
  stripLocations,
  validatePattern,
} from '../src/patterns/index';

const SEEDS = [
  "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
  "([file:hashes.MD5 = '79054025255fb1a26e4bc422aef54eb4'] FOLLOWEDBY [windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\foo\\\\bar']) WITHIN 300 SECONDS",
  "[network-traffic:dst_ref.type = 'domain-name' AND network-traffic:dst_ref.value = 'example.com'] REPEATS 5 TIMES WITHIN 1800 SECONDS",
  "[(file:name = 'pdf.exe' OR file:size = 371712) AND file:created = t'2014-01-13T07:03:17Z']",
  "[file:mime_type = 'image/bmp' AND file:magic_number_hex = h'ffd8' AND artifact:payload_bin = b'AAAA']",
  "[x:a[*].b NOT IN (1, -2.5, 'x', true)] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'",
  "[url:value MATCHES '^(a+)+$' OR EXISTS url:x] AND [ipv6-addr:value ISSUBSET '2001:db8::/32']",
];
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
  'x-y',
  '0',
  '-1',
  '.5',
  '9'.repeat(30),
  '/*',
  '*/',
  '//',
  '\n',
  'IN',
  'LIKE',
  'MATCHES',
  'EXISTS',
  'true',
  '\u2028',
  '\u0000',
  '😀',
];

const input = fc.oneof(
  {
    arbitrary: fc
      .array(fc.constantFrom(...TOKENS), { maxLength: 40 })
      .map((parts) => parts.join('')),
    weight: 10,
  },
  { arbitrary: fc.string({ maxLength: 200, unit: 'binary' }), weight: 5 },
  {
    weight: 10,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...SEEDS),
        fc.array(fc.tuple(fc.nat(), fc.nat(3), fc.constantFrom(...TOKENS)), { maxLength: 4 }),
      )
      .map(([seed, edits]) =>
        edits.reduce((text, [at, del, insert]) => {
          const i = at % (text.length + 1);
          return text.slice(0, i) + insert + text.slice(i + del);
        }, seed),
      ),
  },
  // Hostile shapes: deep nesting and very long unterminated literals.
  { arbitrary: fc.nat(5_000).map((n) => `${'('.repeat(n)}[a:b = 1]${')'.repeat(n)}`), weight: 1 },
  { arbitrary: fc.nat(100_000).map((n) => `[a:b = '${'x'.repeat(n)}`), weight: 1 },
);

/** What every accepted pattern is matched against: a long string value included. */
const OBSERVATIONS: ObservedDataLike[] = [0, 1].map((i) => ({
  id: `observed-data--${i}`,
  first_observed: `2016-06-0${i + 1}T00:00:00Z`,
  last_observed: `2016-06-0${i + 1}T00:00:00Z`,
  number_observed: 1,
  objects: {
    '0': { type: 'file', name: 'pdf.exe', size: 371712, hashes: { MD5: 'x' } },
    '1': { type: 'ipv4-addr', value: '198.51.100.1' },
    '2': { type: 'x-t', v: 'a'.repeat(65_536), b: 'b' },
    '3': { type: 'a', b: 1 },
  },
}));

type Stage = 'parse' | 'print' | 'validate' | 'compile+match';
const slowest: Record<Stage, { ms: number; length: number; input: string }> = {
  parse: { ms: 0, length: 0, input: '' },
  print: { ms: 0, length: 0, input: '' },
  validate: { ms: 0, length: 0, input: '' },
  'compile+match': { ms: 0, length: 0, input: '' },
};
let accepted = 0;
let rejected = 0;
let maxMs = 0;

/** Runs one stage, keeping its slowest input. */
function timed<T>(stage: Stage, text: string, run: () => T): T {
  const t0 = performance.now();
  try {
    return run();
  } finally {
    const ms = performance.now() - t0;
    if (ms > slowest[stage].ms) {
      slowest[stage] = { ms: Number(ms.toFixed(2)), length: text.length, input: text.slice(0, 80) };
    }
  }
}

/** Every stage on one input; throws on anything but a PatternError or a slow answer. */
function check(text: string): void {
  const t0 = performance.now();
  try {
    const ast = timed('parse', text, () => parsePattern(text));
    accepted++;
    timed('print', text, () => {
      const printed = printPattern(ast);
      // Compared as text: the deep-equality of trees thousands of levels deep recurses.
      if (printPattern(stripLocations(parsePattern(printed))) !== printed) {
        throw new Error(`round trip changed the tree for ${JSON.stringify(text.slice(0, 200))}`);
      }
    });
    const validation = timed('validate', text, () => validatePattern(ast));
    if (validation.valid) {
      timed('compile+match', text, () => compilePattern(ast).match(OBSERVATIONS));
    }
  } catch (error) {
    if (!isPatternError(error)) throw error;
    rejected++;
  }
  const ms = performance.now() - t0;
  if (ms > maxMs) maxMs = ms;
  const limitMs = Math.max(2000, (2000 * text.length) / 1e6);
  if (ms > limitMs) {
    throw new Error(`input took ${ms.toFixed(0)} ms: ${JSON.stringify(text.slice(0, 100))}`);
  }
}

const CASES = 100_000;
const started = performance.now();
fc.assert(
  fc.property(input, (text) => check(text)),
  { numRuns: CASES, seed: 20261128 },
);
const fuzzSeconds = (performance.now() - started) / 1000;

// The hostile shapes of issue 19, each at the size that broke an earlier version.
const T = "[ipv4-addr:value = '198.51.100.1']";
const HOSTILE: [string, string][] = [
  ['9,000 AND-ed comparisons', `[${Array(9000).fill('a:b = 1').join(' AND ')}]`],
  ['9,999 OR-ed comparisons', `[${Array(9999).fill('a:b = 1').join(' OR ')}]`],
  ['4,500 AND-ed observations', Array(4500).fill(T).join(' AND ')],
  ['3,000 OR-ed observations', Array(3000).fill('[a:b = 1]').join(' OR ')],
  ['3,000 FOLLOWEDBY observations', Array(3000).fill('[a:b = 1]').join(' FOLLOWEDBY ')],
  ['30,000 stacked REPEATS', `${T}${' REPEATS 1 TIMES'.repeat(30_000)}`],
  ['64 nested parentheses', `${'('.repeat(62)}${T}${')'.repeat(62)}`],
  ['a path of 100,000 steps', `[a:${Array(100_000).fill('b').join('.')} = 1]`],
  ['LIKE %<3000 a>b_% on 64 KiB', `[x-t:v LIKE '%${'a'.repeat(3000)}b_%']`],
  ['LIKE %<3000 a>b% on 64 KiB', `[x-t:v LIKE '%${'a'.repeat(3000)}b%']`],
  ['LIKE with 1,000 `%_` segments', `[x-t:v LIKE '${'%_a'.repeat(1000)}%']`],
  ['MATCHES (a+)+$ on 64 KiB', "[x-t:v MATCHES '^(a+)+$']"],
  ['REPEATS 10,000 TIMES WITHIN', `(${T} OR [x-t:b = 'b']) REPEATS 10000 TIMES WITHIN 1 SECONDS`],
];
const hostileMs: Record<string, number> = {};
for (const [name, text] of HOSTILE) {
  const t0 = performance.now();
  check(text);
  hostileMs[name] = Number((performance.now() - t0).toFixed(1));
}
// An indicator of 3,000 OR-ed observation expressions, and a correlated hostile AND chain
// next to a normal indicator: matching must keep working and stay within the budget.
{
  const index = new IndicatorIndex();
  index.add([
    {
      id: 'indicator--or',
      pattern: Array(3000).fill('[a:b = 1]').join(' OR '),
      pattern_type: 'stix',
    },
    { id: 'indicator--and', pattern: Array(10).fill(T).join(' AND '), pattern_type: 'stix' },
    { id: 'indicator--one', pattern: T, pattern_type: 'stix' },
  ]);
  const added = index.add([]);
  if (index.size !== 3)
    throw new Error(`indexed ${index.size} of 3 indicators ${JSON.stringify(added)}`);
  const correlation = index.createCorrelation();
  const t0 = performance.now();
  for (let i = 0; i < 1000; i++) {
    const matches = index.match(
      { ...OBSERVATIONS[0]!, id: `observed-data--${i}` },
      { correlation },
    );
    if (!matches.some((m) => m.indicatorId === 'indicator--one')) {
      throw new Error('the plain indicator stopped firing next to the hostile ones');
    }
  }
  hostileMs['1,000 observations, hostile indicators correlated'] = Number(
    (performance.now() - t0).toFixed(1),
  );
  // The budget plus one test per observation expression of the largest pattern (3,000).
  const bound = correlation.stats.evaluations * (correlation.maxWorkPerObservation + 3000);
  if (correlation.stats.work > bound) {
    throw new Error('a correlated indicator spent more than its budget');
  }
}
console.log('\nslowest input per stage (ms, input length):');
console.table(slowest);
console.log('hostile corpus (ms per input, all stages):');
console.table(hostileMs);

const sample = fc.sample(input, { numRuns: 1000, seed: 7 });
await runBenchSuite({
  name: 'stix-patterns-fuzz',
  description: `parser fuzz: ${CASES} inputs, none crashed or hung`,
  baseline: {
    name: 'baseline: JSON.parse attempt on the same 1000 inputs',
    items: sample.length,
    run: () => {
      for (const s of sample) {
        try {
          JSON.parse(s);
        } catch {
          // expected for most inputs
        }
      }
    },
  },
  cases: [
    {
      name: 'parsePattern on 1000 fuzz inputs',
      items: sample.length,
      run: () => {
        for (const s of sample) {
          try {
            parsePattern(s);
          } catch (error) {
            if (!isPatternError(error)) throw error;
          }
        }
      },
    },
  ],
  extra: {
    fuzzCases: CASES,
    accepted,
    rejected,
    maxMsPerInput: Number(maxMs.toFixed(2)),
    fuzzSeconds: Number(fuzzSeconds.toFixed(1)),
    slowestPerStage: slowest,
    hostileMs,
  },
});
