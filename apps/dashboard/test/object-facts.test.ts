import { TLP1_MARKING_IDS, TLP2_MARKING_IDS } from '@intelshare/policy';
import { describe, expect, it } from 'vitest';
import { patternFacts, tlpOf } from '../src/hub/object-facts';

describe('patternFacts', () => {
  it.each([
    ["[ipv4-addr:value = '203.0.113.5']", 'ipv4-addr', '203.0.113.5'],
    ["[url:value = 'http://a.example/it''s']", 'url', 'http://a.example/it'],
    ["[file:hashes.'SHA-256' = 'aa11']", 'file', 'aa11'],
    [
      "[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = '192.0.2.1' AND network-traffic:dst_port = 1194]",
      'network-traffic',
      '192.0.2.1',
    ],
    ["[domain-name:value = 'x\\\\'y.example']", 'domain-name', 'x\\'],
    ["[process:name = 'evil.exe']", 'process', 'evil.exe'],
    ['[x:y = 1]', '', ''],
  ])('%s → %s %s', (pattern, iocType, value) => {
    expect(patternFacts(pattern)).toEqual({ iocType, value });
  });

  it('stays linear on a hostile pattern', () => {
    const hostile = `[a:value = '${"\\\\'".repeat(200_000)}`;
    expect(patternFacts(hostile).iocType).toBe('a');
  });
});

describe('tlpOf', () => {
  it('takes the most restrictive TLP, reads TLP 1.0 ids as 2.0, and says unmarked otherwise', () => {
    expect(
      tlpOf({
        object_marking_refs: [TLP2_MARKING_IDS['TLP:GREEN'], TLP2_MARKING_IDS['TLP:AMBER+STRICT']],
      }),
    ).toBe('amber+strict');
    expect(tlpOf({ object_marking_refs: [TLP1_MARKING_IDS['TLP:WHITE']] })).toBe('clear');
    expect(
      tlpOf({ object_marking_refs: ['marking-definition--00000000-0000-4000-8000-000000000000'] }),
    ).toBe('unmarked');
    expect(tlpOf({ object_marking_refs: 'not a list' })).toBe('unmarked');
    expect(tlpOf({})).toBe('unmarked');
  });
});
