import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IndicatorIndex, type IndicatorLike, matchStream } from './indicator-index';
import { compilePattern, type ObservedDataLike } from './matcher';

const T0 = '2026-01-01T00:00:00Z';

function indicator(id: string, pattern: string, extra: Partial<IndicatorLike> = {}): IndicatorLike {
  return {
    type: 'indicator',
    id: `indicator--${id}`,
    pattern,
    pattern_type: 'stix',
    valid_from: T0,
    ...extra,
  };
}

function od(
  id: string,
  objects: Record<string, unknown>[],
  when = '2026-02-01T00:00:00Z',
): ObservedDataLike {
  return {
    type: 'observed-data',
    id: `observed-data--${id}`,
    first_observed: when,
    last_observed: when,
    number_observed: 1,
    objects: Object.fromEntries(objects.map((o, i) => [String(i), o])),
  };
}

const ids = (list: readonly { indicatorId: string }[]) => list.map((m) => m.indicatorId).sort();

describe('IndicatorIndex', () => {
  const index = new IndicatorIndex();
  const added = index.add([
    indicator('ip', "[ipv4-addr:value = '198.51.100.1']"),
    indicator('ips', "[ipv4-addr:value IN ('203.0.113.1', '203.0.113.2')]"),
    indicator('net', "[ipv4-addr:value ISSUBSET '10.0.0.0/8']"),
    indicator('net16', "[ipv4-addr:value ISSUBSET '10.1.0.0/16']"),
    indicator('net6', "[ipv6-addr:value ISSUBSET '2001:db8::/32']"),
    indicator('dom', "[domain-name:value = 'evil.example' OR url:value = 'http://evil.example/x']"),
    indicator('sfx', "[domain-name:value LIKE '%.bad.example']"),
    indicator('pfx', "[url:value LIKE 'http://phish.example/%']"),
    indicator('hash', "[file:hashes.'SHA-256' = 'aa11' OR file:hashes.MD5 = 'bb22']"),
    indicator('and', "[file:hashes.MD5 = 'bb22' AND file:size > 100]"),
    indicator('re', "[file:name MATCHES '^inv.*\\\\.exe$']"),
    indicator('cmd', "[process:command_line LIKE '%powershell%-enc%']"),
    indicator('old', "[ipv4-addr:value = '198.51.100.1']", { valid_until: '2026-01-15T00:00:00Z' }),
    indicator('future', "[ipv4-addr:value = '198.51.100.1']", {
      valid_from: '2027-01-01T00:00:00Z',
    }),
    indicator('revoked', "[ipv4-addr:value = '198.51.100.1']", { revoked: true }),
    indicator('bad', "[ipv4-addr:value = '198.51.100.1'"),
    indicator('yara', 'rule x { condition: true }', { pattern_type: 'yara' }),
    indicator(
      'multi',
      "[domain-name:value = 'c2.example'] FOLLOWEDBY [ipv4-addr:value = '192.0.2.9']",
    ),
    indicator('rep', "[domain-name:value = 'beacon.example'] REPEATS 3 TIMES WITHIN 60 SECONDS"),
  ]);

  it('reports what it skipped and why', () => {
    expect(added.added).toBe(16);
    expect(added.skipped.map((s) => [s.id, s.reason.split(':')[0]])).toEqual([
      ['indicator--revoked', 'revoked'],
      ['indicator--bad', 'pattern'],
      ['indicator--yara', 'pattern_type `yara` is not stix'],
    ]);
    expect(index.size).toBe(16);
  });

  it.each<[string, Record<string, unknown>[], string[]]>([
    ['equality', [{ type: 'ipv4-addr', value: '198.51.100.1' }], ['indicator--ip']],
    ['IN', [{ type: 'ipv4-addr', value: '203.0.113.2' }], ['indicator--ips']],
    [
      'nested CIDR',
      [{ type: 'ipv4-addr', value: '10.1.2.3' }],
      ['indicator--net', 'indicator--net16'],
    ],
    [
      'CIDR block inside',
      [{ type: 'ipv4-addr', value: '10.1.0.0/24' }],
      ['indicator--net', 'indicator--net16'],
    ],
    ['CIDR block wider', [{ type: 'ipv4-addr', value: '10.0.0.0/7' }], []],
    ['IPv6 CIDR', [{ type: 'ipv6-addr', value: '2001:db8:1::5' }], ['indicator--net6']],
    ['OR across types', [{ type: 'url', value: 'http://evil.example/x' }], ['indicator--dom']],
    ['suffix', [{ type: 'domain-name', value: 'www.bad.example' }], ['indicator--sfx']],
    ['suffix not a label', [{ type: 'domain-name', value: 'notbad.example' }], []],
    ['prefix', [{ type: 'url', value: 'http://phish.example/login' }], ['indicator--pfx']],
    [
      'hash + AND verified',
      [{ type: 'file', hashes: { MD5: 'bb22' }, size: 500 }],
      ['indicator--and', 'indicator--hash'],
    ],
    [
      'AND fails verification',
      [{ type: 'file', hashes: { MD5: 'bb22' }, size: 5 }],
      ['indicator--hash'],
    ],
    ['regex fallback', [{ type: 'file', name: 'invoice.exe' }], ['indicator--re']],
    [
      'LIKE fallback',
      [{ type: 'process', command_line: 'powershell.exe -nop -enc AAAA' }],
      ['indicator--cmd'],
    ],
    [
      'nothing',
      [
        { type: 'ipv4-addr', value: '192.0.2.1' },
        { type: 'x-thing', value: 1 },
      ],
      [],
    ],
  ])('%s', (_name, objects, expected) => {
    expect(ids(index.match(od('x', objects)))).toEqual(expected);
  });

  it('respects valid_from and valid_until', () => {
    const early = index.match(
      od('e', [{ type: 'ipv4-addr', value: '198.51.100.1' }], '2026-01-10T00:00:00Z'),
    );
    expect(ids(early)).toEqual(['indicator--ip', 'indicator--old']);
    const before = index.match(
      od('b', [{ type: 'ipv4-addr', value: '198.51.100.1' }], '2025-12-31T23:59:59Z'),
    );
    expect(ids(before)).toEqual([]);
  });

  it('returns the evidence and the indicator', () => {
    const [m] = index.match(od('ev', [{ type: 'ipv4-addr', value: '198.51.100.1' }]));
    expect(m).toMatchObject({ indicatorId: 'indicator--ip', evidence: ['observed-data--ev'] });
    expect(m?.indicator.pattern).toBe("[ipv4-addr:value = '198.51.100.1']");
  });

  it('removes, replaces by newer version and revokes incrementally', () => {
    const local = new IndicatorIndex();
    local.add(
      indicator('a', "[ipv4-addr:value = '192.0.2.1']", { modified: '2026-01-01T00:00:00Z' }),
    );
    const hit = od('1', [{ type: 'ipv4-addr', value: '192.0.2.1' }]);
    const hit2 = od('2', [{ type: 'ipv4-addr', value: '192.0.2.2' }]);
    expect(ids(local.match(hit))).toEqual(['indicator--a']);
    local.add(
      indicator('a', "[ipv4-addr:value = '192.0.2.2']", { modified: '2026-01-02T00:00:00Z' }),
    );
    expect(ids(local.match(hit))).toEqual([]);
    expect(ids(local.match(hit2))).toEqual(['indicator--a']);
    const older = local.add(
      indicator('a', "[ipv4-addr:value = '192.0.2.1']", { modified: '2025-01-01T00:00:00Z' }),
    );
    expect(older.skipped[0]?.reason).toContain('newer version');
    local.add(
      indicator('a', "[ipv4-addr:value = '192.0.2.2']", {
        modified: '2026-01-03T00:00:00Z',
        revoked: true,
      }),
    );
    expect(local.size).toBe(0);
    expect(ids(local.match(hit2))).toEqual([]);
    local.add([
      indicator('b', "[ipv4-addr:value ISSUBSET '192.0.2.0/24']"),
      indicator('c', "[ipv4-addr:value ISSUBSET '192.0.2.0/24']"),
    ]);
    expect(ids(local.match(hit2))).toEqual(['indicator--b', 'indicator--c']);
    expect(local.remove('indicator--b')).toBe(true);
    expect(local.remove('indicator--b')).toBe(false);
    expect(ids(local.match(hit2))).toEqual(['indicator--c']);
  });

  it('resolves object_refs through supplied SCOs', () => {
    const scos = new Map([
      ['ipv4-addr--1', { type: 'ipv4-addr', id: 'ipv4-addr--1', value: '198.51.100.1' }],
    ]);
    const matches = index.match(
      {
        id: 'observed-data--r',
        first_observed: '2026-02-01T00:00:00Z',
        last_observed: '2026-02-01T00:00:00Z',
        number_observed: 1,
        object_refs: ['ipv4-addr--1'],
      },
      { scos },
    );
    expect(ids(matches)).toEqual(['indicator--ip']);
  });

  it('correlates multi-observation patterns over a stream', async () => {
    const stream = [
      od('s1', [{ type: 'domain-name', value: 'c2.example' }], '2026-02-01T00:00:00Z'),
      od('s2', [{ type: 'domain-name', value: 'beacon.example' }], '2026-02-01T00:00:10Z'),
      od('s3', [{ type: 'ipv4-addr', value: '192.0.2.9' }], '2026-02-01T00:00:20Z'),
      od('s4', [{ type: 'domain-name', value: 'beacon.example' }], '2026-02-01T00:00:30Z'),
      od('s5', [{ type: 'domain-name', value: 'beacon.example' }], '2026-02-01T00:01:15Z'),
      od('s6', [{ type: 'domain-name', value: 'beacon.example' }], '2026-02-01T00:01:20Z'),
    ];
    const fired: [string, string, string[]][] = [];
    for await (const { observation, matches } of matchStream(index, stream)) {
      for (const m of matches) fired.push([String(observation.id), m.indicatorId, m.evidence]);
    }
    expect(fired).toEqual([
      ['observed-data--s3', 'indicator--multi', ['observed-data--s1', 'observed-data--s3']],
      [
        'observed-data--s6',
        'indicator--rep',
        ['observed-data--s4', 'observed-data--s5', 'observed-data--s6'],
      ],
    ]);
    // Without correlation the same patterns cannot fire on one observation.
    expect(ids(index.match(stream[2]!))).toEqual([]);
  });
});

describe('IndicatorIndex agrees with the single-pattern matcher', () => {
  // Addresses and observed networks exercise the per-prefix-length IPv4 tables.
  const values = [
    'a',
    'b',
    'ab',
    'ba',
    'abc',
    '10.0.0.1',
    '10.0.1.1',
    '192.0.2.1',
    '10.0.0.0/16',
    '10.0.0.128/25',
  ];
  const value = fc.constantFrom(...values);
  const comparison = fc.oneof(
    value.map((v) => `x-t:v = '${v}'`),
    fc
      .array(value, { minLength: 1, maxLength: 3 })
      .map((vs) => `x-t:v IN (${vs.map((v) => `'${v}'`).join(', ')})`),
    value.map((v) => `x-t:v LIKE '${v}%'`),
    value.map((v) => `x-t:v LIKE '%${v}'`),
    value.map((v) => `x-t:v LIKE '%${v}%'`),
    fc
      .constantFrom('10.0.0.0/8', '10.0.0.0/24', '192.0.2.0/24', '0.0.0.0/0', '10.0.0.1/32')
      .map((n) => `x-t:v ISSUBSET '${n}'`),
    value.map((v) => `x-t:w != '${v}'`),
    value.map((v) => `x-t:v MATCHES '^${v}'`),
    value.map((v) => `x-t:w MATCHES '${v}$'`),
    value.map((v) => `x-u:v = '${v}'`),
  );
  const expr = fc
    .array(fc.tuple(comparison, fc.constantFrom('AND', 'OR')), { minLength: 1, maxLength: 3 })
    .map((parts) => parts.map(([c, op], i) => (i === 0 ? c : `${op} ${c}`)).join(' '));
  const obj = fc.record({ type: fc.constantFrom('x-t', 'x-u'), v: value, w: value });

  it('finds exactly the indicators that match', () => {
    fc.assert(
      fc.property(
        fc.array(expr, { minLength: 1, maxLength: 20 }),
        fc.array(obj, { minLength: 1, maxLength: 3 }),
        (patterns, objects) => {
          const index = new IndicatorIndex();
          index.add(patterns.map((p, i) => indicator(String(i), `[${p}]`)));
          const observation = od('p', objects);
          const expected = patterns
            .map((p, i) => [i, compilePattern(`[${p}]`).match([observation]).matched] as const)
            .filter(([, m]) => m)
            .map(([i]) => `indicator--${i}`)
            .sort();
          expect(ids(index.match(observation))).toEqual(expected);
        },
      ),
      { numRuns: 1500 },
    );
  });
});

describe('IndicatorIndex agrees with the matcher on STIX 2.1 §9.5/§9.6 semantics', () => {
  // Composed and decomposed forms of the same text, numbers and booleans beside strings
  // (values of different types), and binary properties in base64 and hex.
  const composed = 'caf\u00e9';
  const decomposed = 'cafe\u0301';
  const text = fc.constantFrom('a', 'ab', composed, decomposed, `${decomposed}s`, '1');
  const scalar = fc.oneof(text, fc.constantFrom(1, 2, 1.5, true, false));
  const literal = fc.oneof(
    text.map((t) => `'${t}'`),
    fc.constantFrom('1', '2', '1.5', 'true', "t'2026-02-01T00:00:00Z'"),
  );
  const bytes = fc.constantFrom("h'6162'", "h'6163'", "b'YWI='", "h''");
  const comparison = fc.oneof(
    literal.map((l) => `x-t:v = ${l}`),
    literal.map((l) => `x-t:v == ${l}`),
    literal.map((l) => `x-t:v != ${l}`),
    literal.map((l) => `x-t:v NOT = ${l}`),
    // `>` takes no boolean (a syntax error), so it gets the other literals.
    literal.filter((l) => l !== 'true').map((l) => `x-t:v > ${l}`),
    fc.array(literal, { minLength: 1, maxLength: 3 }).map((ls) => `x-t:v IN (${ls.join(', ')})`),
    fc
      .constantFrom('a%', '%b', 'caf_', `${composed}%`, `%${composed}`, '_a%', '%_')
      .map((p) => `x-t:v LIKE '${p}'`),
    fc.constantFrom(`^${composed}`, `${decomposed}$`, '^a').map((r) => `x-t:v MATCHES '${r}'`),
    bytes.map((b) => `x-t:b_hex = ${b}`),
    bytes.map((b) => `x-t:p_bin != ${b}`),
    bytes.map((b) => `x-t:v = ${b}`),
    fc.constantFrom('a%', '%c', '_b').map((p) => `x-t:p_bin LIKE '${p}'`),
    fc.constantFrom('^ab$', 'c').map((r) => `x-t:b_hex MATCHES '${r}'`),
  );
  const observation = fc.oneof(
    comparison.map((c) => `[${c}]`),
    comparison.map((c) => `[${c}] WITHIN 5 SECONDS`),
    comparison.map((c) => `[${c}] REPEATS 2 TIMES`),
    comparison.map((c) => `[${c}] START t'2026-01-01T00:00:00Z' STOP t'2027-01-01T00:00:00Z'`),
    comparison.map((c) => `[${c}] START t'2025-01-01T00:00:00Z' STOP t'2026-01-15T00:00:00Z'`),
    fc.tuple(comparison, comparison).map(([a, b]) => `[${a}] OR [${b}]`),
    fc.tuple(comparison, comparison).map(([a, b]) => `[${a}] AND [${b}]`),
    fc.tuple(comparison, comparison).map(([a, b]) => `[${a} AND ${b}]`),
    fc.tuple(comparison, comparison).map(([a, b]) => `[${a} OR ${b}]`),
  );
  const obj = fc.record({
    type: fc.constant('x-t'),
    v: scalar,
    b_hex: fc.constantFrom('6162', '6163', 'zz'),
    p_bin: fc.constantFrom('YWI=', 'YWM=', '***'),
  });

  it('finds exactly the indicators the matcher says match', () => {
    fc.assert(
      fc.property(
        fc.array(observation, { minLength: 1, maxLength: 12 }),
        fc.array(obj, { minLength: 1, maxLength: 2 }),
        (patterns, objects) => {
          const index = new IndicatorIndex();
          const added = index.add(patterns.map((p, i) => indicator(String(i), p)));
          expect(added.skipped).toEqual([]);
          const observed = od('p', objects);
          const expected = patterns
            .map((p, i) => [i, compilePattern(p).match([observed]).matched] as const)
            .filter(([, m]) => m)
            .map(([i]) => `indicator--${i}`)
            .sort();
          expect(ids(index.match(observed))).toEqual(expected);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('IndicatorIndex MATCHES sets', () => {
  it('runs many regexes on one path as one set and verifies hits', () => {
    const index = new IndicatorIndex();
    index.add(
      Array.from({ length: 200 }, (_, i) =>
        indicator(
          `r${i}`,
          `[process:command_line MATCHES '-enc [A-Za-z0-9+/]{${20 + i},}' AND process:pid > ${i}]`,
        ),
      ),
    );
    const cmd = (pid: number) =>
      od('p', [{ type: 'process', pid, command_line: `powershell -enc ${'A'.repeat(25)}` }]);
    expect(ids(index.match(cmd(1000)))).toEqual(
      [
        'indicator--r0',
        'indicator--r1',
        'indicator--r2',
        'indicator--r3',
        'indicator--r4',
        'indicator--r5',
      ].sort(),
    );
    expect(ids(index.match(cmd(3)))).toEqual(
      ['indicator--r0', 'indicator--r1', 'indicator--r2'].sort(),
    );
    index.remove('indicator--r1');
    expect(ids(index.match(cmd(3)))).toEqual(['indicator--r0', 'indicator--r2']);
    expect(
      ids(index.match(od('q', [{ type: 'process', pid: 9, command_line: 'cmd.exe' }]))),
    ).toEqual([]);
  });
});

describe('IndicatorIndex memory bounds', () => {
  it('recompiles patterns evicted from its bounded cache and removes by the pattern as added', () => {
    const index = new IndicatorIndex();
    const list = Array.from({ length: 5000 }, (_, i) =>
      indicator(`c${i}`, `[file:hashes.MD5 = 'h${i}' AND file:size > ${i}]`),
    );
    expect(index.add(list).added).toBe(5000);
    const file = (i: number, size: number) =>
      od('f', [{ type: 'file', hashes: { MD5: `h${i}` }, size }]);
    expect(ids(index.match(file(0, 10)))).toEqual(['indicator--c0']);
    expect(ids(index.match(file(0, 0)))).toEqual([]);
    expect(ids(index.match(file(4999, 5000)))).toEqual(['indicator--c4999']);
    list[0]!.pattern = "[file:hashes.MD5 = 'other']";
    expect(index.remove('indicator--c0')).toBe(true);
    expect(ids(index.match(file(0, 10)))).toEqual([]);
  });
});
