import { describe, expect, it } from 'vitest';
import { checkA11y, checkPage } from '../scripts/check-a11y.mjs';

describe('accessibility basics', () => {
  it('catches a missing lang, title, alt text, link name and a skipped heading level', () => {
    const html =
      '<html><head></head><body><main><h1>T</h1><h3>Deep</h3><img src="a.png"><a href="/x/"></a></main></body></html>';
    expect(checkPage(html)).toEqual([
      '<html> has no `lang`',
      'no <title>',
      'heading "Deep" jumps from h1 to h3',
      '<img src="a.png"> has no alt attribute',
      'link /x/ has no accessible name',
    ]);
  });

  it('every built page passes', () => {
    const result = checkA11y();
    expect(result.pages).toBeGreaterThan(10);
    const report = result.failures.map((f) => `${f.page}: ${f.problems.join('; ')}`).join('\n');
    expect(report).toBe('');
  });
});
