import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkSnippets,
  extractRunnable,
  extractSnippets,
  outputMatches,
  runExamples,
} from '../scripts/check-snippets.mjs';
import { docsRoot } from '../scripts/entry-points.mjs';

describe('TypeScript code blocks', () => {
  it('finds ts/tsx fences, with the page line of their first code line, and skips others', () => {
    const page = [
      '---',
      'title: x',
      '---',
      '```ts',
      'const a = 1;',
      '```',
      '```sh',
      'echo not checked',
      '```',
      '1. A step',
      '   ```tsx title="b.tsx"',
      '   const b = 2;',
      '   ```',
      '````typescript',
      '```',
      '````',
    ].join('\n');
    expect(extractSnippets(page)).toEqual([
      { line: 5, lang: 'ts', code: 'const a = 1;' },
      { line: 12, lang: 'tsx', code: 'const b = 2;' },
      { line: 15, lang: 'ts', code: '```' },
    ]);
  });

  it('reports a wrong snippet at its page, line and column', () => {
    const file = join(docsRoot, 'src/content/docs/self-test.md');
    const text = [
      '# Self test',
      '',
      '```ts',
      "import { canonicalize } from '@intelshare/stix';",
      '',
      'const text: number = canonicalize({ a: 1 });',
      "import { notExported } from '@intelshare/policy';",
      '```',
    ].join('\n');
    const result = checkSnippets({
      pages: [{ file, text }],
      workDir: join(docsRoot, '.generated/snippets-self-test'),
    });
    expect(result.snippets).toBe(1);
    expect(result.failures.map((f) => f.location)).toEqual([
      'src/content/docs/self-test.md:6:7',
      'src/content/docs/self-test.md:7:10',
    ]);
    expect(result.failures[0]?.message).toMatch(/TS2322/);
    expect(result.failures[1]?.message).toMatch(/notExported/);
  });

  it('every snippet of every docs page type-checks against the packages’ source', () => {
    const result = checkSnippets();
    expect(result.snippets).toBeGreaterThan(0);
    const report = result.failures.map((f) => `${f.location}  ${f.message}`).join('\n');
    expect(report, `${result.failures.length} snippet error(s):\n${report}`).toBe('');
  });
});

describe('runnable examples', () => {
  it('matches output with `…` standing for any text without spaces', () => {
    expect(outputMatches('indicator--4f1c 2.1\n', 'indicator--… 2.1')).toBe(true);
    expect(outputMatches('a (b) [c]?', 'a (b) [c]?')).toBe(true);
    expect(outputMatches('x y', 'x')).toBe(false);
  });

  it('pairs a `run` block with the text block after it, and refuses one without output', () => {
    const ok = '```ts run\nconsole.log(1);\n```\n\n```text\n1\n```\n';
    expect(extractRunnable(ok)).toEqual([
      { line: 2, code: 'console.log(1);', expected: '1', expectedLine: 6 },
    ]);
    expect(() => extractRunnable('```ts run\nconsole.log(1);\n```\n')).toThrow(/not followed by/);
  });

  it('every `run` example prints what its page says it prints', async () => {
    const result = await runExamples();
    expect(result.examples).toBeGreaterThan(0);
    const report = result.failures.map((f) => `${f.location}  ${f.message}`).join('\n\n');
    expect(report).toBe('');
  });
});
