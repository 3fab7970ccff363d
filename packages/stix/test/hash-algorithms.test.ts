import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeHashForm, hasHashForm, hashAlgorithmName } from '../src/index';

const HEX_LENGTHS = {
  MD5: 32,
  'SHA-1': 40,
  'SHA-256': 64,
  'SHA-512': 128,
  'SHA3-256': 64,
  'SHA3-512': 128,
} as const;

const hexDigits = (length: number) =>
  fc.string({
    unit: fc.constantFrom(...'0123456789abcdefABCDEF'),
    minLength: length,
    maxLength: length,
  });

describe('hash-algorithm-ov forms', () => {
  it('names are compared without regard to case, as the vocabulary spells them', () => {
    expect(hashAlgorithmName('sha-256')).toBe('SHA-256');
    expect(hashAlgorithmName('Sha3-512')).toBe('SHA3-512');
    expect(hashAlgorithmName('ssdeep')).toBe('SSDEEP');
    expect(hashAlgorithmName('SHA256')).toBeUndefined();
    expect(hashAlgorithmName('__proto__')).toBeUndefined();
    expect(hashAlgorithmName('constructor')).toBeUndefined();
    expect(hasHashForm('x-custom', 'abc')).toBeUndefined();
  });

  it('accepts real digests of the empty input', () => {
    expect(hasHashForm('MD5', 'd41d8cd98f00b204e9800998ecf8427e')).toBe(true);
    expect(hasHashForm('SHA-1', 'da39a3ee5e6b4b0d3255bfef95601890afd80709')).toBe(true);
    expect(
      hasHashForm('sha-256', 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855'),
    ).toBe(true);
    expect(hasHashForm('SSDEEP', '3::')).toBe(true);
    expect(
      hasHashForm(
        'SSDEEP',
        '96:s4Ud1Lj96tHHlZDrwciQmA+4uy1I0G4HYuL8N3TzS8QsO/wqWXLcMSx:sF1LjEtHHlZDrJzrhuyZvHYm8tKp/RWO',
      ),
    ).toBe(true);
    expect(
      hasHashForm(
        'TLSH',
        'T1A8D0220ACA8B8882C8E02F3E8C4F20E3A80B8A083A0E80A8820E8C0F2C0A8C0E8B028E',
      ),
    ).toBe(true);
    expect(
      hasHashForm('TLSH', '8D0220ACA8B8882C8E02F3E8C4F20E3A80B8A083A0E80A8820E8C0F2C0A8C0E8B028E1'),
    ).toBe(true);
  });

  it('rejects digests of the wrong form', () => {
    expect(hasHashForm('SHA-256', 'f00')).toBe(false);
    expect(hasHashForm('MD5', 'd41d8cd98f00b204e9800998ecf8427g')).toBe(false);
    expect(hasHashForm('SSDEEP', '0:abc:def')).toBe(false);
    expect(hasHashForm('SSDEEP', '3:abc')).toBe(false);
    expect(hasHashForm('SSDEEP', '3:ab c:def')).toBe(false);
    expect(hasHashForm('SSDEEP', `3:${'a'.repeat(65)}:b`)).toBe(false);
    expect(hasHashForm('TLSH', 'T2'.padEnd(72, 'a'))).toBe(false);
    expect(describeHashForm('SHA-1')).toBe('40 hexadecimal digits');
  });

  it('random digests of the right length pass; one changed character is caught', () => {
    for (const [name, length] of Object.entries(HEX_LENGTHS)) {
      fc.assert(
        fc.property(
          hexDigits(length),
          fc.nat(),
          fc.constantFrom('g', 'z', ' ', '-', ''),
          (digest, at, bad) => {
            expect(hasHashForm(name, digest)).toBe(true);
            const i = at % length;
            const mutated = digest.slice(0, i) + bad + digest.slice(i + 1);
            expect(hasHashForm(name, mutated)).toBe(false);
            expect(hasHashForm(name, `${digest}a`)).toBe(false);
          },
        ),
        { numRuns: 50 },
      );
    }
  });

  it('runs in linear time on long hostile values', () => {
    const long = `3:${'a'.repeat(100_000)}`;
    expect(hasHashForm('SSDEEP', long)).toBe(false);
    expect(hasHashForm('SHA-512', 'a'.repeat(1_000_000))).toBe(false);
  });
});
