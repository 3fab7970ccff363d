// Patterns parsed per second (baseline: JSON.parse of JSON of the same size) and the
// single-pattern match rate of compiled patterns.
import { runBenchSuite } from '@intelshare/bench';
import {
  compilePattern,
  type ObservedDataLike,
  parsePattern,
  printPattern,
  validatePattern,
} from '../src/patterns/index';

const SHAPES = [
  (i: number) => `[ipv4-addr:value = '198.51.${i % 256}.${(i * 7) % 256}']`,
  (i: number) =>
    `[domain-name:value = 'host${i}.example.com' OR domain-name:value LIKE '%.bad${i}.example.net']`,
  (i: number) =>
    `[file:hashes.'SHA-256' = '${i.toString(16).padStart(64, 'a')}' AND file:size > ${i} AND file:name MATCHES '^inv.+\\\\.exe$']`,
  (i: number) =>
    `([file:hashes.MD5 = '${i.toString(16).padStart(32, '0')}'] FOLLOWEDBY [windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\Run\\\\x${i}']) WITHIN 300 SECONDS`,
  (i: number) =>
    `[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_port IN (80, 443, ${i % 65535})] REPEATS 5 TIMES WITHIN 1800 SECONDS`,
  (i: number) =>
    `[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.${i % 10} AND file:created > t'2016-01-01T00:00:00Z'] START t'2016-01-01T00:00:00Z' STOP t'2017-01-01T00:00:00Z'`,
];

const patterns = Array.from({ length: 1200 }, (_, i) => SHAPES[i % SHAPES.length]!(i));
const patternBytes = patterns.reduce((n, p) => n + p.length, 0);
// The baseline parses JSON of the same size: each pattern as a small JSON document.
const json = JSON.stringify(patterns.map((p) => ({ pattern: p })));
const asts = patterns.map((p) => parsePattern(p));

await runBenchSuite({
  name: 'stix-patterns-parse',
  description: `${patterns.length} patterns, ${patternBytes} bytes (items = patterns)`,
  baseline: {
    name: 'baseline: JSON.parse of the same patterns as JSON',
    bytes: json.length,
    items: patterns.length,
    run: () => JSON.parse(json),
  },
  cases: [
    {
      name: 'parsePattern',
      bytes: patternBytes,
      items: patterns.length,
      run: () => {
        for (const p of patterns) parsePattern(p);
      },
    },
    {
      name: 'printPattern',
      bytes: patternBytes,
      items: patterns.length,
      run: () => {
        for (const a of asts) printPattern(a);
      },
    },
    {
      name: 'validatePattern (parse + checks)',
      bytes: patternBytes,
      items: patterns.length,
      run: () => {
        for (const p of patterns) validatePattern(p);
      },
    },
  ],
  extra: { jsonBytes: json.length, patternBytes },
});

const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
function od(i: number, objects: Record<string, unknown>): ObservedDataLike {
  return {
    id: `observed-data--${i}`,
    first_observed: t(i),
    last_observed: t(i),
    number_observed: 1,
    objects,
  };
}
const one = [od(0, { '0': { type: 'ipv4-addr', value: '198.51.100.7' } })];
const fileObs = [
  od(0, {
    '0': { type: 'file', name: 'invoice.exe', size: 5000, hashes: { 'SHA-256': 'ab'.repeat(32) } },
  }),
];
const stream = Array.from({ length: 100 }, (_, i) =>
  od(i, {
    '0': { type: 'domain-name', value: i % 10 === 0 ? 'c2.example.com' : `host${i}.example.com` },
    '1': { type: 'ipv4-addr', value: `198.51.100.${i}` },
  }),
);
const eq = compilePattern("[ipv4-addr:value = '198.51.100.7']");
const cidr = compilePattern("[ipv4-addr:value ISSUBSET '198.51.100.0/24']");
const regex = compilePattern("[file:name MATCHES '^inv.+\\\\.exe$' AND file:size > 1000]");
const followed = compilePattern(
  "([domain-name:value = 'c2.example.com'] FOLLOWEDBY [ipv4-addr:value ISSUBSET '198.51.100.0/28']) WITHIN 60 SECONDS",
);
const repeats = compilePattern(
  "[domain-name:value = 'c2.example.com'] REPEATS 5 TIMES WITHIN 100 SECONDS",
);
const onePattern = "[ipv4-addr:value = '198.51.100.7']";

await runBenchSuite({
  name: 'stix-patterns-match',
  description: 'single-pattern matching with compiled patterns (items = observed-data examined)',
  baseline: {
    name: 'baseline: parse the pattern text only',
    items: 1,
    run: () => parsePattern(onePattern),
  },
  cases: [
    { name: '= on 1 observation', items: 1, run: () => eq.match(one) },
    { name: 'ISSUBSET on 1 observation', items: 1, run: () => cidr.match(one) },
    { name: 'MATCHES (RE2) + AND on 1 observation', items: 1, run: () => regex.match(fileObs) },
    {
      name: 'FOLLOWEDBY + WITHIN over 100 observations',
      items: 100,
      run: () => followed.match(stream),
    },
    {
      name: 'REPEATS + WITHIN over 100 observations',
      items: 100,
      run: () => repeats.match(stream),
    },
  ],
});
