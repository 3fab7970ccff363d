// The README's own check, run by `pnpm test`: a repeated heading (the trace of a bad merge)
// and a TypeScript or JavaScript code block that does not type-check against the packages'
// source — an import that does not resolve, a name that is not exported, a wrong call — both
// fail. Code blocks are found and type-checked by the docs site's snippet checker, so the
// README and the docs pages are held to one rule.
import { join, resolve } from 'node:path';
import { checkSnippets, extractFences } from '../../../apps/docs/scripts/check-snippets.mjs';

/** Code-block languages checked as TypeScript (plain JS is valid TS for imports and calls). */
const CHECKED_LANGS = new Set(['ts', 'typescript', 'tsx', 'js', 'javascript', 'mjs']);

/**
 * The headings of a Markdown text (ATX `#` headings outside code blocks), with their lines.
 * @param {string} text
 * @returns {{ line: number, level: number, title: string }[]}
 */
export function headingsOf(text) {
  const headings = [];
  let fence;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] ?? '';
    const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (
      marker &&
      (fence === undefined || (marker[0] === fence[0] && marker.length >= fence.length))
    ) {
      fence = fence === undefined ? marker : undefined;
      continue;
    }
    if (fence !== undefined) continue;
    const heading = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      headings.push({ line: i + 1, level: heading[1]?.length ?? 1, title: heading[2] ?? '' });
    }
  }
  return headings;
}

/**
 * Headings whose text appears more than once, with every line they appear on.
 * @param {string} text
 * @returns {{ title: string, lines: number[] }[]}
 */
export function repeatedHeadings(text) {
  const seen = new Map();
  for (const { title, line } of headingsOf(text)) {
    const key = title.trim().toLowerCase();
    seen.set(key, [...(seen.get(key) ?? []), { title, line }]);
  }
  return [...seen.values()]
    .filter((hits) => hits.length > 1)
    .map((hits) => ({ title: hits[0].title, lines: hits.map((hit) => hit.line) }));
}

/**
 * Type-checks every TypeScript/JavaScript code block of one Markdown file against the
 * packages' source, from a folder inside this package (where `@intelshare/*` resolve).
 * @param {string} file the Markdown file
 * @param {string} text its contents
 * @param {string} workDir where the blocks are written as modules
 * @returns {{ blocks: number, failures: { location: string, message: string }[] }}
 */
export function checkCodeBlocks(file, text, workDir) {
  // Present every checked block to the snippet checker as a `ts` block at the same line.
  const lines = text.split(/\r?\n/);
  for (const fence of extractFences(text)) {
    if (!CHECKED_LANGS.has(fence.lang)) continue;
    const opening = fence.line - 2;
    lines[opening] = (lines[opening] ?? '').replace(/^(\s*(`{3,}|~{3,})\s*)[^\s`{]+/, '$1ts');
  }
  const result = checkSnippets({
    pages: [{ file: resolve(file), text: lines.join('\n') }],
    workDir,
  });
  return { blocks: result.snippets, failures: result.failures };
}

/** This package's folder for generated files (git-ignored). */
export const generatedDir = join(import.meta.dirname, '..', '.generated');
