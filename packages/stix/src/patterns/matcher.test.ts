import { describe, expect, it } from 'vitest';
import { isIntelshareError } from '../errors/intelshare-error';
import { compilePattern, matchPattern, type ObservedDataLike } from './matcher';
import { isPatternError } from './pattern-error';

let seq = 0;
function obs(
  time: string,
  objects: Record<string, unknown>[],
  extra: Partial<ObservedDataLike> = {},
): ObservedDataLike {
  seq++;
  return {
    type: 'observed-data',
    id: `observed-data--${String(seq).padStart(3, '0')}`,
    first_observed: time,
    last_observed: time,
    number_observed: 1,
    objects: Object.fromEntries(objects.map((o, i) => [String(i), o])),
    ...extra,
  };
}

const file = {
  type: 'file',
  name: 'report.pdf',
  size: 371712,
  hashes: { MD5: 'cead3f77f6cda6ec00f57d76c9a6879f', 'SHA-256': 'aec0' },
  created: '2014-01-13T07:03:17Z',
  magic_number_hex: 'FFD8',
  tags: ['a', 'b'],
  extensions: {
    'windows-pebinary-ext': { sections: [{ entropy: 3.5 }, { entropy: 7.2 }] },
  },
};

const one = (pattern: string, objects: Record<string, unknown>[]) =>
  matchPattern(pattern, [obs('2026-01-01T00:00:00Z', objects)]).matched;

describe('comparison operators', () => {
  const cases: [string, boolean][] = [
    ["[file:name = 'report.pdf']", true],
    ["[file:name = 'REPORT.pdf']", false],
    ["[file:name != 'x.pdf']", true],
    ["[file:name NOT = 'report.pdf']", false],
    ["[file:name != 'report.pdf']", false],
    ['[file:size = 371712]', true],
    ["[file:size = '371712']", false],
    ['[file:size > 371711]', true],
    ['[file:size > 371712]', false],
    ['[file:size >= 371712]', true],
    ['[file:size < 371713.5]', true],
    ['[file:size <= 371711]', false],
    ['[file:size NOT < 5]', true],
    ["[file:name > 'report']", true],
    ["[file:hashes.MD5 = 'cead3f77f6cda6ec00f57d76c9a6879f']", true],
    ["[file:hashes.'SHA-256' = 'aec0']", true],
    ["[file:created = t'2014-01-13T07:03:17.000Z']", true],
    ["[file:created > t'2014-01-13T07:03:16.999Z']", true],
    ["[file:created < t'2014-01-13T07:03:17Z']", false],
    ["[file:magic_number_hex = h'ffd8']", true],
    ["[file:magic_number_hex = h'ffd9']", false],
    ['[file:size IN (1, 371712)]', true],
    ["[file:size IN ('371712')]", false],
    ["[file:name NOT IN ('a', 'b')]", true],
    ["[file:name LIKE 'rep%.pdf']", true],
    ["[file:name LIKE 'rep_rt.pdf']", true],
    ["[file:name LIKE 'rep_.pdf']", false],
    ["[file:name NOT LIKE '%.exe']", true],
    ["[file:name MATCHES '^rep.+\\\\.pdf$']", true],
    ["[file:name MATCHES 'exe$']", false],
    ["[file:name NOT MATCHES 'exe$']", true],
    ["[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0]", true],
    ["[file:extensions.'windows-pebinary-ext'.sections[0].entropy > 7.0]", false],
    ["[file:extensions.'windows-pebinary-ext'.sections[1].entropy > 7.0]", true],
    ["[file:tags[*] = 'b']", true],
    ["[file:tags = 'c']", false],
    ['[EXISTS file:hashes.MD5]', true],
    ["[EXISTS file:hashes.'SHA-512']", false],
    ["[file:missing NOT = 'x']", false],
    ["[file:__proto__ = 'x' OR file:constructor.name = 'Object']", false],
    ["[file:name = 'report.pdf' AND file:size = 1]", false],
    ["[file:name = 'nope' OR file:size = 371712]", true],
    ["[process:name = 'report.pdf']", false],
  ];
  it.each(cases)('%s → %s', (pattern, expected) => {
    expect(one(pattern, [file])).toBe(expected);
  });

  it('ISSUBSET and ISSUPERSET on IPv4 and IPv6', () => {
    const v4 = { type: 'ipv4-addr', value: '198.51.100.7' };
    const net = { type: 'ipv4-addr', value: '198.51.100.0/24' };
    const v6 = { type: 'ipv6-addr', value: '2001:db8:dead:beef::1' };
    expect(one("[ipv4-addr:value ISSUBSET '198.51.100.0/24']", [v4])).toBe(true);
    expect(one("[ipv4-addr:value ISSUBSET '198.51.101.0/24']", [v4])).toBe(false);
    expect(one("[ipv4-addr:value NOT ISSUBSET '198.51.101.0/24']", [v4])).toBe(true);
    expect(one("[ipv4-addr:value ISSUBSET '198.51.100.0/25']", [net])).toBe(false);
    expect(one("[ipv4-addr:value ISSUPERSET '198.51.100.128/25']", [net])).toBe(true);
    expect(one("[ipv4-addr:value ISSUPERSET '10.0.0.0/8']", [net])).toBe(false);
    expect(
      one("[ipv6-addr:value ISSUBSET '2001:0db8:dead:beef:0000:0000:0000:0000/64']", [v6]),
    ).toBe(true);
    expect(one("[ipv6-addr:value ISSUBSET '2001:db8:dead:bee0::/64']", [v6])).toBe(false);
    expect(one("[ipv6-addr:value ISSUBSET '198.51.100.0/24']", [v6])).toBe(false);
  });

  it('follows references through embedded objects and object_refs', () => {
    const traffic = [
      { type: 'ipv4-addr', value: '203.0.113.33' },
      { type: 'network-traffic', dst_ref: '0', protocols: ['tcp'] },
    ];
    expect(one("[network-traffic:dst_ref.value = '203.0.113.33']", traffic)).toBe(true);
    expect(one("[network-traffic:dst_ref.type = 'ipv4-addr']", traffic)).toBe(true);
    const scos = [
      {
        type: 'domain-name',
        id: 'domain-name--1',
        value: 'www.5z8.info',
        resolves_to_refs: ['ipv4-addr--1'],
      },
      { type: 'ipv4-addr', id: 'ipv4-addr--1', value: '198.51.100.1' },
    ];
    const od: ObservedDataLike = {
      id: 'observed-data--refs',
      first_observed: '2026-01-01T00:00:00Z',
      last_observed: '2026-01-01T00:00:00Z',
      number_observed: 1,
      object_refs: ['domain-name--1', 'ipv4-addr--1'],
    };
    const r = matchPattern(
      "[domain-name:value = 'www.5z8.info' AND domain-name:resolves_to_refs[*].value = '198.51.100.1']",
      [od],
      { scos },
    );
    expect(r).toMatchObject({ matched: true, evidence: ['observed-data--refs'] });
  });

  it('requires AND on one object type to hold for the same object', () => {
    const a = { type: 'file', name: 'a.exe', size: 1 };
    const b = { type: 'file', name: 'b.exe', size: 2 };
    expect(one("[file:name = 'a.exe' AND file:size = 2]", [a, b])).toBe(false);
    expect(one("[file:name = 'a.exe' AND file:size = 1]", [a, b])).toBe(true);
  });

  it('matches binary payloads on their decoded bytes', () => {
    const payload = btoa(String.fromCharCode(0xd4, 0xc3, 0xb2, 0xa1, 0x02, 0x00, 0x04, 0x00));
    const artifact = {
      type: 'artifact',
      mime_type: 'application/vnd.tcpdump.pcap',
      payload_bin: payload,
    };
    expect(
      one(
        "[artifact:mime_type = 'application/vnd.tcpdump.pcap' AND artifact:payload_bin MATCHES '\\\\xd4\\\\xc3\\\\xb2\\\\xa1\\\\x02\\\\x00\\\\x04\\\\x00']",
        [artifact],
      ),
    ).toBe(true);
    expect(one(`[artifact:payload_bin = b'${payload}']`, [artifact])).toBe(true);
  });

  it('rejects regexes RE2 cannot run, and stays linear on catastrophic ones', () => {
    for (const bad of ['(a)\\\\1', '(?=x)y', '(?<!x)y', 'a++']) {
      try {
        compilePattern(`[file:name MATCHES '${bad}']`);
        throw new Error('accepted');
      } catch (error) {
        expect(isPatternError(error) && error.code).toBe('PATTERN_UNSUPPORTED');
      }
    }
    const evil = { type: 'file', name: `${'a'.repeat(50_000)}!` };
    expect(one("[file:name MATCHES '^(a+)+$']", [evil])).toBe(false);
    expect(one("[file:name LIKE '%a%a%a%a%a%b']", [evil])).toBe(false);
  });
});

describe('observation operators and qualifiers', () => {
  const a = obs('2026-01-01T00:00:00Z', [{ type: 'x-p', name: 'alice', age: 10 }]);
  const b = obs('2026-01-01T00:01:00Z', [{ type: 'x-p', name: 'bob', age: 17 }]);
  const c = obs('2026-01-01T00:05:00Z', [{ type: 'x-p', name: 'carol', age: 22 }]);
  const all = [a, b, c];
  const m = (p: string, list = all) => matchPattern(p, list);

  it.each<[string, boolean]>([
    ["[x-p:name = 'alice'] AND [x-p:age > 20]", true],
    ["[x-p:name = 'alice'] AND [x-p:name = 'zelda']", false],
    ["[x-p:name = 'alice'] AND [x-p:age = 10]", false],
    ["[x-p:name = 'alice'] OR [x-p:name = 'zelda']", true],
    ["[x-p:name = 'yuri'] OR [x-p:name = 'zelda']", false],
    ["[x-p:name = 'alice'] FOLLOWEDBY [x-p:name = 'carol']", true],
    ["[x-p:name = 'carol'] FOLLOWEDBY [x-p:name = 'alice']", false],
    ["[x-p:age > 20] OR [x-p:name > 'zelda'] AND [x-p:age < 0]", true],
    ["([x-p:name = 'carol'] FOLLOWEDBY [x-p:name < 'bz']) AND [x-p:age < 15]", false],
    ["([x-p:name = 'alice'] FOLLOWEDBY [x-p:name = 'bob']) AND [x-p:age > 20]", true],
  ])('%s → %s', (p, expected) => {
    expect(m(p).matched).toBe(expected);
  });

  it('returns the observed-data that are the evidence', () => {
    const r = m("[x-p:name = 'alice'] FOLLOWEDBY [x-p:name = 'carol']");
    expect(r.evidence).toEqual([a.id, c.id]);
    expect(m('[x-p:age > 5]').bindings).toEqual([[a.id], [b.id], [c.id]]);
  });

  it('WITHIN includes the window edge and excludes beyond it', () => {
    expect(m("([x-p:name = 'alice'] AND [x-p:name = 'bob']) WITHIN 60 SECONDS").matched).toBe(true);
    expect(m("([x-p:name = 'alice'] AND [x-p:name = 'bob']) WITHIN 59.999 SECONDS").matched).toBe(
      false,
    );
    expect(m("([x-p:name = 'alice'] AND [x-p:name = 'carol']) WITHIN 300 SECONDS").matched).toBe(
      true,
    );
    expect(m("([x-p:name = 'alice'] AND [x-p:name = 'carol']) WITHIN 299 SECONDS").matched).toBe(
      false,
    );
  });

  it('WITHIN: one instant from each first_observed..last_observed interval (STIX 2.1 §9.6)', () => {
    // A spanning observed-data fits any window: it happened at some instant inside it.
    const long = obs('2026-01-01T00:00:00Z', [{ type: 'x-q', v: 1 }], {
      last_observed: '2026-01-01T00:10:00Z',
    });
    expect(matchPattern('[x-q:v = 1] WITHIN 1 SECONDS', [long]).matched).toBe(true);
    // [00:00, 00:01] and [00:10, 00:11]: the closest instants are 00:01 and 00:10.
    const a = obs('2026-01-01T00:00:00Z', [{ type: 'x-q', v: 1 }], {
      last_observed: '2026-01-01T00:01:00Z',
    });
    const b2 = obs('2026-01-01T00:10:00Z', [{ type: 'x-q', v: 2 }], {
      last_observed: '2026-01-01T00:11:00Z',
    });
    const both = '([x-q:v = 1] AND [x-q:v = 2]) WITHIN';
    expect(matchPattern(`${both} 540 SECONDS`, [a, b2]).matched).toBe(true);
    expect(matchPattern(`${both} 539 SECONDS`, [a, b2]).matched).toBe(false);
    // Overlapping intervals fit any window.
    const c = obs('2026-01-01T00:00:30Z', [{ type: 'x-q', v: 2 }], {
      last_observed: '2026-01-01T00:20:00Z',
    });
    expect(matchPattern(`${both} 1 SECONDS`, [a, c]).matched).toBe(true);
  });

  it('START is inclusive and STOP exclusive', () => {
    expect(
      m("[x-p:name = 'bob'] START t'2026-01-01T00:01:00Z' STOP t'2026-01-01T00:02:00Z'").matched,
    ).toBe(true);
    expect(
      m("[x-p:name = 'bob'] START t'2026-01-01T00:01:00.001Z' STOP t'2026-01-01T00:02:00Z'")
        .matched,
    ).toBe(false);
    expect(
      m("[x-p:name = 'bob'] START t'2026-01-01T00:00:00Z' STOP t'2026-01-01T00:01:00Z'").matched,
    ).toBe(false);
    expect(
      m("[x-p:age > 0] START t'2026-01-01T00:00:30Z' STOP t'2026-01-02T00:00:00Z'").evidence,
    ).toEqual([b.id]);
  });

  it('REPEATS counts distinct observations and number_observed', () => {
    expect(m('[x-p:age > 0] REPEATS 3 TIMES').matched).toBe(true);
    expect(m('[x-p:age > 0] REPEATS 4 TIMES').matched).toBe(false);
    expect(m('[x-p:age > 0] REPEATS 2 TIMES WITHIN 60 SECONDS').evidence).toEqual([a.id, b.id]);
    expect(m('[x-p:age > 15] REPEATS 2 TIMES WITHIN 60 SECONDS').matched).toBe(false);
    const many = obs('2026-01-01T00:00:00Z', [{ type: 'x-p', name: 'dan' }], {
      number_observed: 5,
    });
    expect(matchPattern("[x-p:name = 'dan'] REPEATS 5 TIMES", [many]).matched).toBe(true);
    expect(matchPattern("[x-p:name = 'dan'] REPEATS 6 TIMES", [many]).matched).toBe(false);
  });

  it('reports malformed observed-data with its path', () => {
    try {
      matchPattern('[x-p:age > 0]', [a, { ...b, first_observed: 'yesterday' }]);
      throw new Error('accepted');
    } catch (error) {
      expect(isIntelshareError(error) && error.path).toBe('observations[1].first_observed');
    }
  });

  it('answers REPEATS over thousands of observations with bounded work', () => {
    const list = Array.from({ length: 2000 }, (_, i) =>
      obs(new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(), [{ type: 'x-p', age: i }]),
    );
    const r = matchPattern('[x-p:age >= 0] REPEATS 1500 TIMES', list);
    expect(r.matched).toBe(true);
    expect(r.evidence).toHaveLength(1500);
    expect(matchPattern('[x-p:age >= 0] REPEATS 1500 TIMES WITHIN 100 SECONDS', list).matched).toBe(
      false,
    );
  });

  it('bounds the work on many observations', () => {
    const list = Array.from({ length: 400 }, (_, i) =>
      obs(new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(), [{ type: 'x-p', age: i }]),
    );
    const r = matchPattern('[x-p:age >= 0] AND [x-p:age >= 0] AND [x-p:age > 1000]', list, {
      maxBindings: 1000,
    });
    expect(r.matched).toBe(false);
    expect(r.truncated).toBe(true);
  });
});
