import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');

describe("`pnpm test`'s set-up step", () => {
  it('stops the whole test command at once, with one message per missing requirement', () => {
    // `--dry=json` is passed on to turbo: should the set-up step wrongly let the run go on,
    // turbo only plans the tasks instead of running every suite from inside this test.
    const run = spawnSync(process.execPath, ['scripts/test-all.mjs', '--dry=json'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, CHROMIUM_PATH: '/nonexistent/chromium', PG_BIN: '/nonexistent/pg' },
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      'test set-up: CHROMIUM_PATH is set to /nonexistent/chromium, which is not an executable file.',
    );
    expect(run.stderr).toContain('test set-up: PG_BIN is set to /nonexistent/pg');
    expect(run.stderr).toContain('No suite was run.');
    expect(run.stderr.match(/test set-up:/g)).toHaveLength(2);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(run.stdout).not.toContain('"tasks"');
  });

  it('reports what it found when everything is there', () => {
    const run = spawnSync(process.execPath, ['scripts/test-setup.mjs'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^test set-up: Chromium: \S+; PostgreSQL server: \S+\n$/);
  });
});
