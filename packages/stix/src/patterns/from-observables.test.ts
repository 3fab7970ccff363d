import { describe, expect, it } from 'vitest';
import { isIntelshareError } from '../errors/intelshare-error';
import { patternFromObservables } from './from-observables';
import { matchPattern } from './matcher';
import { parsePattern } from './parser';

describe('patternFromObservables', () => {
  it('joins identifying properties with OR and escapes values', () => {
    const pattern = patternFromObservables([
      { type: 'domain-name', value: "it's.example.com" },
      { type: 'url', value: 'http://x.example.com/a\\b' },
      { type: 'file', hashes: { MD5: 'aa', 'SHA-256': 'bb' }, name: 'x.exe' },
      { type: 'ipv6-addr', value: '2001:db8::/32' },
      { type: 'ipv4-addr', value: '198.51.100.1/32' },
      { type: 'autonomous-system', number: 64500 },
      { type: 'windows-registry-key', key: 'HKEY_LOCAL_MACHINE\\Run' },
    ]);
    expect(pattern).toBe(
      "[domain-name:value = 'it\\'s.example.com' OR url:value = 'http://x.example.com/a\\\\b' OR " +
        "file:hashes.'SHA-256' = 'bb' OR file:hashes.MD5 = 'aa' OR ipv6-addr:value ISSUBSET '2001:db8::/32' OR " +
        "ipv4-addr:value = '198.51.100.1/32' OR autonomous-system:number = 64500 OR " +
        "windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\Run']",
    );
    expect(() => parsePattern(pattern)).not.toThrow();
    const r = matchPattern(pattern, [
      {
        id: 'observed-data--1',
        first_observed: '2026-01-01T00:00:00Z',
        objects: { '0': { type: 'domain-name', value: "it's.example.com" } },
      },
    ]);
    expect(r.matched).toBe(true);
  });

  it('names the object it cannot express', () => {
    try {
      patternFromObservables([
        { type: 'ipv4-addr', value: '1.2.3.4' },
        { type: 'process', pid: 4 },
      ]);
      throw new Error('accepted');
    } catch (error) {
      expect(isIntelshareError(error) && error.message).toBe(
        'scos[1]: Cannot build a pattern for SCO type `process`.',
      );
    }
    expect(() => patternFromObservables([])).toThrow('non-empty');
  });
});
