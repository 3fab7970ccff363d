import { describe, expect, it } from 'vitest';
import { jsonLines, runCli, startCli } from './helpers/run-cli';

interface DemoInfo {
  discovery: string;
  api_root: string;
  collection: string;
  username: string;
  password: string;
}

describe('intelshare serve --demo', () => {
  it('serves the bundled data read-write and prints how to reach it', async () => {
    const running = startCli(['serve', '--demo', '--json']);
    try {
      const info = JSON.parse(await running.firstLine) as DemoInfo;
      expect(Object.keys(info)).toEqual([
        'discovery',
        'api_root',
        'collection',
        'username',
        'password',
      ]);
      expect(info.discovery).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/taxii2\/$/);
      expect(info.api_root).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/demo\/$/);
      const auth = ['--user', info.username, '--password', info.password];

      const collections = await runCli(['taxii', 'collections', info.discovery, ...auth, '--json']);
      expect(collections.code).toBe(0);
      expect(jsonLines(collections.stdout)[0]).toMatchObject({
        collections: [{ id: info.collection, can_read: true, can_write: true }],
      });

      // The password is also accepted as an API key.
      const pulled = await runCli([
        'taxii',
        'pull',
        info.api_root,
        '-c',
        info.collection,
        '--token',
        info.password,
      ]);
      expect(pulled.code).toBe(0);
      const bundle = JSON.parse(pulled.stdout) as { objects: { type: string }[] };
      // The 11 OASIS example bundles: 293 distinct object versions.
      expect(bundle.objects).toHaveLength(293);

      const denied = await runCli([
        'taxii',
        'collections',
        info.discovery,
        '--user',
        'demo',
        '--password',
        'x',
      ]);
      expect(denied.code).toBe(1);
    } finally {
      const ended = await running.stop('SIGTERM');
      expect(ended.code).toBe(0);
    }
  });

  it('prints the same facts for people', async () => {
    const running = startCli(['serve', '--demo']);
    try {
      expect(await running.firstLine).toBe('TAXII 2.1 demo server listening');
    } finally {
      const ended = await running.stop('SIGINT');
      expect(ended.code).toBe(0);
      expect(ended.stdout).toMatch(/discovery\s+http:\/\/127\.0\.0\.1:\d+\/taxii2\//);
      expect(ended.stdout).toMatch(/password\s+\S+ \(also an API key/);
    }
  });

  it('exits 3 with one sentence when the port is taken', async () => {
    const first = startCli(['serve', '--demo', '--json']);
    try {
      const { discovery } = JSON.parse(await first.firstLine) as DemoInfo;
      const port = new URL(discovery).port;
      const second = await runCli(['serve', '--demo', '--port', port]);
      expect(second.code).toBe(3);
      expect(second.stderr).toBe(
        `intelshare serve: cannot listen on 127.0.0.1:${port}: address already in use.\n`,
      );
    } finally {
      await first.stop();
    }
  });

  it('exits 2 without --demo', async () => {
    const result = await runCli(['serve']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'intelshare serve: give `--config FILE` or `--demo`; run `intelshare serve --help`.\n',
    );
  });
});
