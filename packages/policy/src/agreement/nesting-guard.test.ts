import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MAX_AGREEMENT_NESTING, measureYamlNesting } from './nesting-guard';
import { parseAgreement } from './parse-agreement';

const agreements = fileURLToPath(new URL('../../agreements/', import.meta.url));

describe('measureYamlNesting', () => {
  it('measures flow and one-line block nesting', () => {
    expect(measureYamlNesting('a: [1, {b: [2]}]')).toBe(3);
    expect(measureYamlNesting('- - - x')).toBe(3);
    expect(measureYamlNesting("a: \"[[[[[\"\nb: '{{{{'\n# [[[[[[\nc: it's [x]")).toBe(1);
  });

  it('every shipped agreement is well under the limit', () => {
    for (const name of readdirSync(agreements).filter((n) => n.endsWith('.yaml'))) {
      const text = readFileSync(join(agreements, name), 'utf8');
      expect(measureYamlNesting(text), name).toBeLessThan(10);
      expect(() => parseAgreement(text), name).not.toThrow();
    }
  });
});

describe('parseAgreement on deeply nested text (issue 19 fuzz finding)', () => {
  it.each([
    ['flow sequences', `id: ${'['.repeat(25_000)}x${']'.repeat(25_000)}`],
    ['JSON objects', `${'{"a":'.repeat(25_000)}1${'}'.repeat(25_000)}`],
    ['one-line block sequences', `${'- '.repeat(25_000)}x`],
  ])('%s: a typed POLICY_INVALID before the YAML parser runs', (_name, text) => {
    expect(() => parseAgreement(text)).toThrow(
      expect.objectContaining({
        code: 'POLICY_INVALID',
        message: expect.stringContaining('nests deeper'),
      }),
    );
  });

  it('nesting just under the limit still reaches the schema', () => {
    const text = `id: ${'['.repeat(MAX_AGREEMENT_NESTING - 1)}${']'.repeat(MAX_AGREEMENT_NESTING - 1)}`;
    expect(() => parseAgreement(text)).toThrow(
      expect.objectContaining({
        code: 'POLICY_INVALID',
        message: expect.not.stringContaining('nests deeper'),
      }),
    );
  });
});
