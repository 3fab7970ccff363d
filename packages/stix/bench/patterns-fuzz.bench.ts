// Parser fuzzing: ≥ 100,000 generated inputs (random pattern-alphabet text and mutations
// of valid patterns). Every input must be answered (a tree or a PatternError) in bounded
// time; anything else fails the run. Parsed inputs must also round-trip through the printer.
import { runBenchSuite } from '@intelshare/bench';
import fc from 'fast-check';
import {
  isPatternError,
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

const CASES = 100_000;
let accepted = 0;
let rejected = 0;
let maxMs = 0;
const started = performance.now();
fc.assert(
  fc.property(input, (text) => {
    const t0 = performance.now();
    try {
      const ast = parsePattern(text);
      accepted++;
      const printed = printPattern(ast);
      const again = parsePattern(printed, { maxDepth: 10_000 });
      if (JSON.stringify(stripLocations(again)) !== JSON.stringify(stripLocations(ast))) {
        throw new Error(`round trip changed the tree for ${JSON.stringify(text)}`);
      }
      validatePattern(ast);
    } catch (error) {
      if (!isPatternError(error)) throw error;
      rejected++;
    }
    const ms = performance.now() - t0;
    if (ms > maxMs) maxMs = ms;
    if (ms > 2000) throw new Error(`input took ${ms} ms: ${JSON.stringify(text.slice(0, 100))}`);
  }),
  { numRuns: CASES, seed: 20261128 },
);
const fuzzSeconds = (performance.now() - started) / 1000;

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
  },
});
