import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, runCli, startCli } from './helpers/run-cli';
import {
  API_KEY,
  COLLECTION,
  PASSWORD,
  startTestServer,
  type TestServer,
  USER,
} from './helpers/taxii-test-server';

const FIXTURES = [
  'stix21/cti-documentation/apt1.json',
  'stix21/cti-documentation/poisonivy.json',
  'stix21/cti-documentation/sighting-of-observed-data.json',
];

let server: TestServer;
let dir: string;
const basic = ['--user', USER, '--password', PASSWORD];

beforeAll(async () => {
  server = await startTestServer(FIXTURES);
  dir = mkdtempSync(join(tmpdir(), 'intelshare-cli-taxii-'));
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

function bundleIds(path: string): string[] {
  const bundle = JSON.parse(readFileSync(path, 'utf8')) as {
    type: string;
    id: string;
    objects: { id: string }[];
  };
  expect(bundle.type).toBe('bundle');
  expect(bundle.id).toMatch(/^bundle--[0-9a-f-]{36}$/);
  return bundle.objects.map((object) => object.id);
}

describe('intelshare taxii discover', () => {
  it('prints the discovery resource with --json', async () => {
    const result = await runCli(['taxii', 'discover', server.discovery, ...basic, '--json']);
    expect(result.code).toBe(0);
    const [discovery] = jsonLines(result.stdout) as { title: string; api_roots: string[] }[];
    expect(discovery?.title).toBe('intelshare CLI tests');
    expect(discovery?.api_roots).toEqual([server.apiRoot]);
  });

  it('prints the API roots for people, from the server URL alone', async () => {
    const result = await runCli(['taxii', 'discover', `${server.server.url}/`, ...basic]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${server.apiRoot} (default)`);
    expect(result.stdout).not.toContain('\u001b[');
  });

  it('exits 1 with one sentence when the password is wrong', async () => {
    const result = await runCli([
      'taxii',
      'discover',
      server.discovery,
      '--user',
      USER,
      '--password',
      'nope',
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^intelshare taxii discover: GET .* failed with HTTP 401.*\.\n$/);
    expect(result.stderr).not.toContain('nope');
  });

  it('exits 3 when nothing listens at the URL', async () => {
    const closed = await startTestServer([]);
    const url = closed.discovery;
    await closed.close();
    const result = await runCli(['taxii', 'discover', url, '--token', API_KEY, '--timeout', '5']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^intelshare taxii discover: .*ECONNREFUSED.*\n$/);
  }, 60_000);

  it('rejects a URL that is not http(s) with exit code 2', async () => {
    const result = await runCli(['taxii', 'discover', 'ftp://127.0.0.1/']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'intelshare taxii discover: `ftp://127.0.0.1/` must be an http:// or https:// URL.\n',
    );
  });
});

describe('intelshare taxii collections', () => {
  it('prints the collections resource with --json, using an API key header', async () => {
    const result = await runCli([
      'taxii',
      'collections',
      server.apiRoot,
      '--header',
      `X-API-Key: ${API_KEY}`,
      '--json',
    ]);
    expect(result.code).toBe(0);
    const [resource] = jsonLines(result.stdout) as {
      collections: { id: string; can_read: boolean; can_write: boolean }[];
    }[];
    expect(resource?.collections.map((c) => [c.id, c.can_read, c.can_write])).toEqual([
      [COLLECTION, true, true],
      ['write-only', false, true],
    ]);
  });

  it('lists them as a table for people', async () => {
    const result = await runCli(['taxii', 'collections', server.discovery, '--token', API_KEY]);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toMatch(/^ID\s+ACCESS\s+TITLE$/);
    expect(result.stdout).toMatch(new RegExp(`${COLLECTION}\\s+read write\\s+Examples`));
  });
});

describe('intelshare taxii pull', () => {
  it('writes every object into one bundle and prints {objects, pages}', async () => {
    const out = join(dir, 'all.json');
    const result = await runCli([
      'taxii',
      'pull',
      server.apiRoot,
      '--collection',
      COLLECTION,
      '--out',
      out,
      '--limit',
      '25',
      '--json',
      ...basic,
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const ids = bundleIds(out);
    expect(new Set(ids)).toEqual(new Set(server.ids));
    expect(ids).toHaveLength(new Set(server.ids).size);
    expect(jsonLines(result.stdout)).toEqual([
      { objects: ids.length, pages: Math.ceil(ids.length / 25), complete: true },
    ]);
  });

  it('writes the bundle to stdout without --out, filtered by --type', async () => {
    const result = await runCli([
      'taxii',
      'pull',
      server.discovery,
      '-c',
      COLLECTION,
      '--type',
      'indicator',
      '--token',
      API_KEY,
    ]);
    expect(result.code).toBe(0);
    const bundle = JSON.parse(result.stdout) as { objects: { type: string }[] };
    expect(bundle.objects.length).toBeGreaterThan(0);
    expect(bundle.objects.every((object) => object.type === 'indicator')).toBe(true);
  });

  it('with --state, fetches only what is new on the next run', async () => {
    const state = join(dir, 'incremental.state.json');
    const first = await runCli([
      'taxii',
      'pull',
      server.apiRoot,
      '-c',
      COLLECTION,
      '--out',
      join(dir, 'inc1.json'),
      '--state',
      state,
      '--json',
      ...basic,
    ]);
    expect(first.code).toBe(0);
    const second = await runCli([
      'taxii',
      'pull',
      server.apiRoot,
      '-c',
      COLLECTION,
      '--out',
      join(dir, 'inc2.json'),
      '--state',
      state,
      '--json',
      ...basic,
    ]);
    expect(second.code).toBe(0);
    expect((jsonLines(second.stdout)[0] as { objects: number }).objects).toBe(0);
    expect(bundleIds(join(dir, 'inc2.json'))).toEqual([]);
  });

  it('resumes a killed pull from its state file without losing or repeating an object', async () => {
    const out = join(dir, 'resumed.json');
    const state = join(dir, 'resumed.state.json');
    const args = [
      'taxii',
      'pull',
      server.apiRoot,
      '-c',
      COLLECTION,
      '--out',
      out,
      '--state',
      state,
      '--limit',
      '10',
      '--json',
      ...basic,
    ];
    // Slow the server after 3 pages so the pull is reliably mid-way when it is killed.
    server.setPageDelay(400, 3);
    const running = startCli(args);
    const deadline = Date.now() + 20_000;
    let pagesDone = 0;
    while (Date.now() < deadline) {
      if (existsSync(state)) {
        const saved = JSON.parse(readFileSync(state, 'utf8')) as { partial?: { pages: number } };
        pagesDone = saved.partial?.pages ?? 0;
        if (pagesDone >= 3) break;
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const killed = await running.stop('SIGKILL');
    server.setPageDelay(0);
    expect(killed.code).toBeNull();
    expect(pagesDone).toBeGreaterThanOrEqual(3);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.part`)).toBe(true);

    const resumed = await runCli(args);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    const ids = bundleIds(out);
    expect(ids).toHaveLength(new Set(ids).size);
    expect(new Set(ids)).toEqual(new Set(server.ids));
    expect(jsonLines(resumed.stdout)).toEqual([
      { objects: ids.length, pages: Math.ceil(ids.length / 10), complete: true },
    ]);
    expect(existsSync(`${out}.part`)).toBe(false);
  }, 60_000);

  it('refuses a state file written for another collection', async () => {
    const state = join(dir, 'other.state.json');
    writeFileSync(
      state,
      JSON.stringify({ v: 1, apiRoot: server.apiRoot, collection: 'elsewhere' }),
    );
    const result = await runCli([
      'taxii',
      'pull',
      server.apiRoot,
      '-c',
      COLLECTION,
      '--out',
      join(dir, 'x.json'),
      '--state',
      state,
      ...basic,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('belongs to collection elsewhere');
  });

  it('exits 1 when the collection may not be read', async () => {
    const result = await runCli([
      'taxii',
      'pull',
      server.apiRoot,
      '-c',
      'write-only',
      '--out',
      join(dir, 'denied.json'),
      ...basic,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^intelshare taxii pull: GET .* failed with HTTP 403/);
    expect(existsSync(join(dir, 'denied.json'))).toBe(false);
  });

  it('exits 2 without --collection or with a bad --limit', async () => {
    const missing = await runCli(['taxii', 'pull', server.apiRoot, ...basic]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('`--collection ID` is required');
    const limit = await runCli([
      'taxii',
      'pull',
      server.apiRoot,
      '-c',
      COLLECTION,
      '--limit',
      'ten',
    ]);
    expect(limit.code).toBe(2);
    expect(limit.stderr).toBe(
      'intelshare taxii pull: `--limit` must be a whole number, got `ten`.\n',
    );
  });
});
