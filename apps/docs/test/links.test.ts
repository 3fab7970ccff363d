import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkLinks } from '../scripts/check-links.mjs';

const scratch = mkdtempSync(join(tmpdir(), 'docs-links-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function page(path: string, body: string): void {
  const file = join(scratch, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `<!doctype html><html lang="en"><body>${body}</body></html>`);
}

describe('link checker', () => {
  it('flags missing pages and missing anchors, and accepts good ones', () => {
    page(
      'index.html',
      '<h2 id="intro">Intro</h2><a href="/guide/#setup">ok</a><a href="/gone/">x</a>',
    );
    page(
      'guide/index.html',
      '<h2 id="setup">Setup</h2><a href="../#intro">ok</a><a href="#nope">x</a><a href="https://example.org/">ext</a><a href="./a&amp;b/">x</a>',
    );
    const result = checkLinks(scratch);
    expect(result.links).toBe(5);
    expect(result.broken).toEqual([
      { page: '/guide/', href: '#nope', reason: 'no element with id "nope"' },
      { page: '/guide/', href: './a&b/', reason: 'no file for /guide/a&b/' },
      { page: '/', href: '/gone/', reason: 'no file for /gone/' },
    ]);
  });
});

describe('the built site', () => {
  it('has no broken internal link or anchor', () => {
    const result = checkLinks();
    expect(result.pages).toBeGreaterThan(10);
    const report = result.broken.map((b) => `${b.page} → ${b.href} (${b.reason})`).join('\n');
    expect(report, `${result.broken.length} broken link(s):\n${report}`).toBe('');
  });
});
