import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkCodeBlocks,
  generatedDir,
  headingsOf,
  repeatedHeadings,
} from '../src/readme-check.mjs';

const readmePath = join(import.meta.dirname, '..', '..', '..', 'README.md');
const readme = readFileSync(readmePath, 'utf8');

describe('the README', () => {
  it('has no heading twice (the trace of a bad merge)', () => {
    expect(repeatedHeadings(readme)).toEqual([]);
    expect(headingsOf(readme).map((h) => h.title)).toContain('Quick start');
  });

  it('has code blocks that type-check against the packages, imports included', () => {
    const result = checkCodeBlocks(readmePath, readme, join(generatedDir, 'readme'));
    expect(result.failures).toEqual([]);
    expect(result.blocks).toBeGreaterThan(0);
  });

  it('gives the two commands of a fresh machine', () => {
    expect(readme).toContain('npx -y pnpm@10.34.8 install && npx -y pnpm@10.34.8 dashboard');
    expect(readme).toContain('npx -y pnpm@10.34.8 install && npx -y pnpm@10.34.8 test');
  });
});

describe('the README check', () => {
  it('finds a repeated heading, ignoring `#` lines inside code blocks', () => {
    const text = '# t\n## Quick start\n```sh\n# Quick start\n```\n## Example\n## Quick start\n';
    expect(repeatedHeadings(text)).toEqual([{ title: 'Quick start', lines: [2, 7] }]);
  });

  it('fails a block whose import does not resolve, or whose call does not type-check', () => {
    const text = [
      '# t',
      '```ts',
      "import { parseStix } from '@intelshare/stix';",
      "import { nothing } from '@intelshare/no-such-package';",
      'parseStix(nothing);',
      '```',
      '```js',
      "import { definitelyNotExported } from '@intelshare/policy';",
      'definitelyNotExported();',
      '```',
    ].join('\n');
    const result = checkCodeBlocks(
      join(generatedDir, 'crafted.md'),
      text,
      join(generatedDir, 'crafted'),
    );
    expect(result.blocks).toBe(2);
    const messages = result.failures
      .map((f) => `${f.location.split('/').pop()} ${f.message}`)
      .join('\n');
    expect(messages).toContain("Cannot find module '@intelshare/no-such-package'");
    expect(messages).toContain('definitelyNotExported');
    expect(messages).toMatch(/crafted\.md:4:\d+ TS2307/);
  });
});
