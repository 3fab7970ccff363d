import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listHtml } from '../scripts/check-links.mjs';
import { docsRoot } from '../scripts/entry-points.mjs';

const dist = join(docsRoot, 'dist');

// The site is static and ships no client JavaScript beyond Starlight's own: the table of
// contents, search (Pagefind), Expressive Code's copy button and Astro's page script.
const STARLIGHT_SCRIPTS = [
  /^MobileTableOfContents\.astro_astro_type_script_index_\d+_lang\.[\w-]+\.js$/,
  /^TableOfContents\.astro_astro_type_script_index_\d+_lang\.[\w-]+\.js$/,
  /^Search\.astro_astro_type_script_index_\d+_lang\.[\w-]+\.js$/,
  /^ec\.[\w-]+\.js$/,
  /^page\.[\w-]+\.js$/,
  /^ui-core\.[\w-]+\.js$/,
];

describe('static output', () => {
  it('has only Starlight’s own client scripts', () => {
    const scripts = readdirSync(join(dist, '_astro')).filter((name) => name.endsWith('.js'));
    const unknown = scripts.filter((name) => !STARLIGHT_SCRIPTS.some((re) => re.test(name)));
    expect(unknown).toEqual([]);
  });

  it('loads scripts only from the site itself, and renders no server islands', () => {
    for (const file of listHtml(dist)) {
      const html = readFileSync(file, 'utf8');
      for (const match of html.matchAll(/<script\b[^>]*\ssrc="([^"]+)"/g)) {
        expect(match[1], file).toMatch(/^\/(_astro|pagefind)\//);
      }
      expect(html, file).not.toContain('<astro-island');
      expect(html, file).not.toContain('server:defer');
    }
  });
});
