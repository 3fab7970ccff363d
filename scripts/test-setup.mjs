// `pnpm test`'s set-up step: what the suites need from the machine, checked (and on a
// Debian/Ubuntu machine where we are root, installed with apt) once, before any suite runs.
// - Chromium, for the feeds, docs and dashboard browser suites and the browser runtime test;
// - the PostgreSQL server programs, for the TAXII server's PostgreSQL storage suites.
// When something cannot be set up, it prints one message saying what to install and exits 1.
import { pathToFileURL } from 'node:url';
import { ensureChromium } from '../packages/test-env/src/chromium.mjs';
import { ensurePostgres } from '../packages/test-env/src/postgres.mjs';

/**
 * @param {{ log?: (line: string) => void }} [options]
 * @returns {{ ok: boolean, found: string[], missing: string[] }}
 */
export function setUpTestMachine(options = {}) {
  const found = [];
  const missing = [];
  for (const [what, ensure] of [
    ['Chromium', ensureChromium],
    ['PostgreSQL server', ensurePostgres],
  ]) {
    try {
      found.push(`${what}: ${ensure(options)}`);
    } catch (error) {
      missing.push(error instanceof Error ? error.message : String(error));
    }
  }
  return { ok: missing.length === 0, found, missing };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = setUpTestMachine();
  if (result.ok) console.log(`test set-up: ${result.found.join('; ')}`);
  for (const message of result.missing) console.error(`test set-up: ${message}`);
  process.exitCode = result.ok ? 0 : 1;
}
