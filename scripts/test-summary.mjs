// Adds up one `pnpm test` run into its closing line, `Tests: N passed, N failed`: every
// vitest report (`test-results/vitest.json`, written by the shared vitest setup) of the tasks
// turbo ran, plus one failure for every task that failed without a failing test to show
// (a test file that did not load, typecheck, lint, publint/attw) or never ran. Exits non-zero
// when anything failed or no test ran at all.
// Usage: node scripts/test-summary.mjs <turbo run summary .json>
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { closingLine, summarizeRun, tasksOfRun } from '../packages/test-env/src/test-summary.mjs';
import { repositoryRoot } from './pack-packages.mjs';

/** Tasks that run vitest and leave a report behind (`test:build` runs publint and attw). */
const isVitestTask = (task) => task === 'test' || task === 'test:runtimes';

const summaryFile = process.argv[2];
if (!summaryFile || !existsSync(summaryFile)) {
  console.error(`test summary: turbo wrote no run summary (${summaryFile ?? 'none given'}).`);
  console.log(closingLine({ passed: 0, failed: 1, skipped: 0 }));
  process.exit(1);
}
const tasks = tasksOfRun(JSON.parse(readFileSync(summaryFile, 'utf8')));
const result = summarizeRun(tasks, (task) => {
  if (!isVitestTask(task.task)) return undefined;
  const file = join(repositoryRoot, task.directory, 'test-results', 'vitest.json');
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    // A half-written report is no evidence of passing tests; the task's exit code decides.
    return undefined;
  }
});
console.table(result.rows);
for (const problem of result.problems) console.error(`failed: ${problem}`);
console.log(closingLine(result));
process.exitCode = result.exitCode;
