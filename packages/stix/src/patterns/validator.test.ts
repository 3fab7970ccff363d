import { describe, expect, it } from 'vitest';
import { validatePattern } from './validator';

const summary = (pattern: string) =>
  validatePattern(pattern).issues.map((i) => `${i.severity} ${i.code} ${i.line}:${i.column}`);

describe('validatePattern', () => {
  it('accepts the spec examples without errors', () => {
    for (const p of [
      "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
      "[network-traffic:dst_ref.type = 'domain-name' AND network-traffic:dst_ref.value = 'example.com'] REPEATS 5 TIMES WITHIN 1800 SECONDS",
      "[file:mime_type = 'image/bmp' AND file:magic_number_hex = h'ffd8']",
    ]) {
      expect(validatePattern(p)).toMatchObject({ valid: true, issues: [] });
    }
  });

  it('reports syntax errors with their position', () => {
    expect(summary("[file:name = 'x'\n OR ]")).toEqual(['error syntax 2:5']);
    expect(validatePattern('[a:b = 1]', { maxLength: 3 }).issues[0]?.code).toBe('limit-exceeded');
  });

  it('warns about unknown and custom types and properties', () => {
    expect(summary("[fiel:name = 'x']")).toEqual(['warning unknown-object-type 1:2']);
    expect(summary("[x-acme-widget:name = 'x']")).toEqual(['warning custom-object-type 1:2']);
    expect(summary("[file:nmae = 'x']")).toEqual(['warning unknown-property 1:2']);
    expect(summary("[file:x_acme = 'x']")).toEqual(['warning custom-property 1:2']);
  });

  it('checks hash literals against the form of a known algorithm (STIX 2.1 §10.7)', () => {
    expect(summary("[file:hashes.'SHA-256' = 'f00']")).toEqual(['error invalid-hash 1:26']);
    expect(validatePattern("[file:hashes.'SHA-256' = 'f00']").issues[0]?.message).toBe(
      'A SHA-256 hash is 64 hexadecimal digits, which this literal is not.',
    );
    expect(summary("[file:hashes.md5 != 'd41d8cd98f00b204e9800998ecf8427e']")).toEqual([]);
    expect(
      summary(
        "[file:hashes.MD5 IN ('d41d8cd98f00b204e9800998ecf8427e', 'd41d8cd98f00b204e98009')]",
      ),
    ).toEqual(['error invalid-hash 1:58']);
    expect(summary("[x509-certificate:hashes.'SHA-1' = 'zz']")).toEqual([
      'error invalid-hash 1:36',
    ]);
    expect(
      summary("[file:extensions.'x-ext'.hashes.'SHA-512' = 'ab']").filter((s) =>
        s.startsWith('error'),
      ),
    ).toEqual(['error invalid-hash 1:45']);
    // Custom algorithms have no known form; LIKE and MATCHES take patterns, not digests.
    expect(summary("[file:hashes.x_custom = 'f00']")).toEqual([]);
    expect(summary("[file:hashes.MD5 LIKE 'd41d%']")).toEqual([]);
    expect(summary("[file:hashes.'SSDEEP' = '3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C']")).toEqual(
      [],
    );
  });

  it('takes `==` as equality and unknown object types as a warning', () => {
    expect(validatePattern("[ipv4-addr:value == '198.51.100.1']")).toMatchObject({
      valid: true,
      issues: [],
    });
    expect(validatePattern('[acme-sensor:reading == 5]')).toMatchObject({
      valid: true,
      issues: [{ severity: 'warning', code: 'unknown-object-type' }],
    });
  });

  it('rejects a qualifier kind used twice on one expression', () => {
    expect(summary("[file:name = 'a'] WITHIN 5 SECONDS WITHIN 6 SECONDS")).toEqual([
      'error syntax 1:36',
    ]);
  });

  it('checks literal types against the property', () => {
    expect(summary("[file:size = '371712']")).toEqual(['warning literal-type 1:14']);
    expect(summary("[file:created = '2014-01-13T07:03:17Z']")).toEqual([
      'warning literal-type 1:17',
    ]);
    expect(summary("[file:created > t'2014-01-13T07:03:17Z' AND file:size IN (1, 'x')]")).toEqual([
      'warning literal-type 1:62',
    ]);
    expect(summary("[file:size MATCHES '^1']")).toEqual(['warning operator-type 1:2']);
  });

  it('checks regexes, CIDR blocks and qualifiers', () => {
    expect(summary("[file:name MATCHES '(a)\\\\1']")).toEqual(['error unsafe-regex 1:20']);
    expect(summary("[file:name MATCHES '(']")).toEqual(['error invalid-regex 1:20']);
    expect(summary("[ipv4-addr:value ISSUBSET '10.0.0.0/33']")).toEqual([
      'error invalid-cidr 1:27',
    ]);
    expect(summary("[file:name = 'a'] WITHIN 0 SECONDS")).toEqual(['error invalid-qualifier 1:19']);
    expect(summary("[file:name = 'a'] REPEATS 0 TIMES")).toEqual(['error invalid-qualifier 1:19']);
    expect(
      summary("[file:name = 'a'] START t'2020-01-01T00:00:00Z' STOP t'2020-01-01T00:00:00Z'"),
    ).toEqual(['error invalid-qualifier 1:19']);
    expect(summary("[file:x_list[-1] = 'a']")).toEqual([
      'error invalid-index 1:2',
      'warning custom-property 1:2',
    ]);
  });

  it('warns when AND mixes object types in one observation', () => {
    expect(summary("[file:name = 'a' AND process:name = 'b']")).toEqual([
      'warning mixed-types-and 1:2',
    ]);
  });
});
