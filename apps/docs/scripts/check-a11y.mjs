// Accessibility basics over the built site: a language on <html>, a <title>, exactly
// one <h1>, no skipped heading levels in the page content, alt text on every image,
// and a name on every link. (Colour contrast is measured in the browser tests.)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { listHtml, urlPathOf } from './check-links.mjs';
import { docsRoot } from './entry-points.mjs';

/** Text of an HTML fragment with tags removed. */
function textOf(fragment) {
  return fragment
    .replace(/<[^>]+>/g, ' ')
    .replace(/&[a-z#0-9]+;/gi, 'x')
    .trim();
}

/**
 * Checks one page's HTML.
 * @param {string} html
 * @returns {string[]} the problems found, empty when the page passes
 */
export function checkPage(html) {
  const problems = [];
  if (!/<html\b[^>]*\slang="[a-z]{2}/i.test(html)) problems.push('<html> has no `lang`');
  const title = /<title>([\s\S]*?)<\/title>/i.exec(html)?.[1]?.trim() ?? '';
  if (title === '') problems.push('no <title>');

  const h1s = html.match(/<h1\b/gi)?.length ?? 0;
  if (h1s !== 1) problems.push(`${h1s} <h1> elements (want exactly 1)`);

  // Heading order inside <main>: each heading at most one level deeper than the last.
  const main = /<main\b[\s\S]*<\/main>/i.exec(html)?.[0] ?? '';
  let previous = 0;
  for (const m of main.matchAll(/<h([1-6])\b[^>]*>([\s\S]*?)<\/h\1>/gi)) {
    const level = Number(m[1]);
    if (previous !== 0 && level > previous + 1) {
      problems.push(
        `heading "${textOf(m[2] ?? '').slice(0, 60)}" jumps from h${previous} to h${level}`,
      );
    }
    previous = level;
  }

  for (const m of html.matchAll(/<img\b([^>]*)>/gi)) {
    if (!/\salt\s*=/.test(m[1] ?? '')) {
      problems.push(`<img ${(m[1] ?? '').trim().slice(0, 80)}> has no alt attribute`);
    }
  }

  for (const m of html.matchAll(/<a\b([^>]*)>([\s\S]*?)<\/a>/gi)) {
    const attrs = m[1] ?? '';
    const inner = m[2] ?? '';
    const named =
      /\saria-label(?:ledby)?\s*=\s*"[^"]+"/.test(attrs) ||
      textOf(inner) !== '' ||
      /<img\b[^>]*\salt\s*=\s*"[^"]+"/i.test(inner) ||
      /<svg\b[\s\S]*<title>/i.test(inner);
    if (!named && /\shref=/.test(attrs)) {
      problems.push(`link ${/href="([^"]*)"/.exec(attrs)?.[1] ?? ''} has no accessible name`);
    }
  }
  return problems;
}

/**
 * Checks every page under `distDir`.
 * @returns {{ pages: number, failures: { page: string, problems: string[] }[] }}
 */
export function checkA11y(distDir = join(docsRoot, 'dist')) {
  const files = listHtml(distDir);
  const failures = [];
  for (const file of files) {
    const problems = checkPage(readFileSync(file, 'utf8'));
    if (problems.length > 0) failures.push({ page: urlPathOf(distDir, file), problems });
  }
  return { pages: files.length, failures };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = checkA11y();
  for (const f of result.failures) console.error(`${f.page}\n  ${f.problems.join('\n  ')}`);
  console.log(`${result.pages} pages: ${result.failures.length} with problems.`);
  process.exitCode = result.failures.length === 0 ? 0 : 1;
}
