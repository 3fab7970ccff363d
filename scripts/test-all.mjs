// `pnpm test`: first the set-up step (Chromium and the PostgreSQL server programs, installed
// with apt on Debian/Ubuntu as root when missing; otherwise one message saying what to
// install), then lint, typecheck, unit and integration tests, package quality gates
// (publint, attw), the packed-tarball consumer tests and the runtime matrix, through turbo
// (cached), then one closing line counting every test passed and every failure.
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryRoot } from './pack-packages.mjs';
import { setUpTestMachine } from './test-setup.mjs';

const setUp = setUpTestMachine();
if (!setUp.ok) {
  for (const message of setUp.missing) console.error(`\ntest set-up: ${message}`);
  console.error('\nNo suite was run. Install the above, then run the test command again.');
  process.exit(1);
}
console.log(`test set-up: ${setUp.found.join('; ')}`);

// A report left over from an earlier run must not stand in for a suite that did not run
// this time; turbo puts a cached run's report back when it replays the task.
for (const group of ['packages', 'apps']) {
  for (const name of readdirSync(join(repositoryRoot, group))) {
    rmSync(join(repositoryRoot, group, name, 'test-results', 'vitest.json'), { force: true });
  }
}

const runsDir = join(repositoryRoot, '.turbo', 'runs');
const startedAt = Date.now();
const turbo = spawnSync(
  'pnpm',
  [
    'turbo',
    'run',
    'lint',
    'typecheck',
    'test',
    'test:build',
    'test:runtimes',
    '--continue=dependencies-successful',
    '--concurrency=3',
    '--summarize',
    ...process.argv.slice(2),
  ],
  { cwd: repositoryRoot, stdio: 'inherit' },
);

/** The run summary turbo wrote for the run above (the newest one since it started). */
function latestRunSummary() {
  let newest;
  let newestTime = startedAt - 1000;
  let names = [];
  try {
    names = readdirSync(runsDir).filter((name) => name.endsWith('.json'));
  } catch {
    return undefined;
  }
  for (const name of names) {
    const time = statSync(join(runsDir, name)).mtimeMs;
    if (time >= newestTime) {
      newest = join(runsDir, name);
      newestTime = time;
    }
  }
  return newest;
}

const summaryFile = latestRunSummary();
const summary = spawnSync(
  process.execPath,
  ['scripts/test-summary.mjs', ...(summaryFile ? [summaryFile] : [])],
  { cwd: repositoryRoot, stdio: 'inherit' },
);
process.exitCode = summary.status !== 0 ? (summary.status ?? 1) : turbo.status === 0 ? 0 : 1;
