import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { AdminSession, waitFor } from './helpers/http-session';
import { appDir, startDashboard } from './helpers/start-dashboard';

function indicatorCount(dataDir: string): number {
  const db = new Database(join(dataDir, 'store.sqlite'), { readonly: true });
  try {
    return db.prepare('SELECT count(*) FROM hub_indicators').pluck().get() as number;
  } finally {
    db.close();
  }
}

describe('start, stop and restart', () => {
  it('prints the URL and a one-time admin password, creates the store, stops cleanly on SIGTERM and keeps everything across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'intelshare-hub-life-'));
    // First start without INTELSHARE_ADMIN_PASSWORD: a password is generated and printed once.
    const first = await startDashboard({ dataDir, env: { INTELSHARE_ADMIN_PASSWORD: '' } });
    const password = /with password (\S+) \(shown once/.exec(first.output())?.[1];
    expect(password).toBeTruthy();
    expect(existsSync(join(dataDir, 'store.sqlite'))).toBe(true);
    const session = await AdminSession.signIn(first.origin, password);
    await waitFor('the first polls', async () =>
      (await session.text('/sources')).match(/data-field="state">ok</g)?.length === 4
        ? true
        : undefined,
    );
    const indicators = indicatorCount(dataDir);
    expect(indicators).toBeGreaterThan(100);
    const exit = new Promise<number | null>((resolve) =>
      first.child.once('exit', (code) => resolve(code)),
    );
    first.child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(first.output()).toContain('dashboard: stopped');

    // Second start on the same folder: same data, the password is not printed again and still works.
    const second = await startDashboard({ dataDir, env: { INTELSHARE_ADMIN_PASSWORD: '' } });
    try {
      expect(second.output()).not.toContain(password!);
      expect(second.output()).toContain('password shown on first start');
      expect(indicatorCount(dataDir)).toBeGreaterThanOrEqual(indicators);
      const again = await AdminSession.signIn(second.origin, password);
      expect(await again.text('/')).toContain('demo-urlhaus');
    } finally {
      await second.stop();
    }
  });

  it('refuses to start on an invalid configuration, naming the line and path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'intelshare-hub-badconf-'));
    const config = join(dir, 'hub.yaml');
    writeFileSync(config, 'storage:\n  sqlite: x.sqlite\nlisten:\n  port: 99999\n');
    const child = spawn(process.execPath, ['dist/hub/main.js'], {
      cwd: appDir,
      env: { ...process.env, INTELSHARE_CONFIG: config },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('line 4: listen.port:');
  });
});
