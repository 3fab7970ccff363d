// `pnpm test`: lint, typecheck, unit and integration tests, package quality gates
// (publint, attw) and the packed-tarball consumer tests, through turbo (cached), then
// one closing line with the number of tests passed and failed.
import { spawnSync } from 'node:child_process';
import { repositoryRoot } from './pack-packages.mjs';

const turbo = spawnSync(
  'pnpm',
  [
    'turbo',
    'run',
    'lint',
    'typecheck',
    'test',
    'test:build',
    '--continue=dependencies-successful',
    '--concurrency=3',
    ...process.argv.slice(2),
  ],
  { cwd: repositoryRoot, stdio: 'inherit' },
);
const summary = spawnSync(process.execPath, ['scripts/test-summary.mjs'], {
  cwd: repositoryRoot,
  stdio: 'inherit',
});
process.exitCode = turbo.status !== 0 ? (turbo.status ?? 1) : (summary.status ?? 1);
