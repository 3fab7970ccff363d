// Adds up every package's `test-results/vitest.json` (written by the shared vitest
// setup) into one closing line, `Tests: N passed, N failed`, and fails if any failed
// or if no test ran at all.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryRoot } from './pack-packages.mjs';

let passed = 0;
let failed = 0;
let skipped = 0;
const rows = [];
for (const group of ['packages', 'apps']) {
  for (const name of readdirSync(join(repositoryRoot, group))) {
    const file = join(repositoryRoot, group, name, 'test-results', 'vitest.json');
    if (!existsSync(file)) continue;
    const report = JSON.parse(readFileSync(file, 'utf8'));
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    skipped += report.numPendingTests + (report.numTodoTests ?? 0);
    rows.push({
      package: `${group}/${name}`,
      passed: report.numPassedTests,
      failed: report.numFailedTests,
    });
  }
}
console.table(rows);
console.log(`Tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
if (failed > 0 || passed === 0) process.exitCode = 1;
