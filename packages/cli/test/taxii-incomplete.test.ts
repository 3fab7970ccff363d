import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { jsonLines, runCli } from './helpers/run-cli';

// `intelshare taxii pull` against servers whose paging the client cannot always finish.
// Exit code and output must say whether the pull is complete.

const COLLECTION = 'paging-collection';
const TAXII = 'application/taxii+json;version=2.1';
const TOTAL = 350;

type Mode = 'session-token' | 'same-page-forever';
let mode: Mode = 'session-token';
const sessions = new Map<string, number>();
let server: Server;
let apiRoot: string;
let dir: string;

const objects = Array.from({ length: TOTAL }, (_, i) => {
  const hex = i.toString(16).padStart(12, '0');
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--00000000-0000-4000-8000-${hex}`,
    created: '2024-01-01T00:00:00.000Z',
    modified: '2024-01-01T00:00:00.000Z',
    pattern: `[ipv4-addr:value = '10.0.${i >> 8}.${i & 255}']`,
    pattern_type: 'stix',
    valid_from: '2024-01-01T00:00:00Z',
  };
});
const dateAdded = (i: number) => new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString();

beforeAll(async () => {
  let sessionCount = 0;
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== `/api1/collections/${COLLECTION}/objects/`) {
      res.writeHead(404, { 'content-type': TAXII });
      res.end(JSON.stringify({ title: 'Not Found' }));
      return;
    }
    const limit = Number(url.searchParams.get('limit') ?? 100);
    const token = url.searchParams.get('next');
    // Session paging: the token names the client's paging session, the same on every page.
    let session = token ?? `session-${++sessionCount}`;
    let offset = mode === 'session-token' ? (sessions.get(session) ?? 0) : 0;
    if (token !== null && mode === 'session-token' && !sessions.has(token)) {
      // A token from the other mode: start a new session where the client says it is.
      session = `session-${++sessionCount}`;
      offset = 0;
    }
    const page = objects.slice(offset, offset + limit);
    const more = mode === 'same-page-forever' || offset + page.length < objects.length;
    if (mode === 'session-token') sessions.set(session, offset + page.length);
    const body: Record<string, unknown> = { more, objects: page };
    if (more) body.next = mode === 'session-token' ? session : 'same-page';
    res.writeHead(200, {
      'content-type': TAXII,
      'x-taxii-date-added-first': dateAdded(offset),
      'x-taxii-date-added-last': dateAdded(offset + page.length - 1),
    });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  apiRoot = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api1/`;
  dir = mkdtempSync(join(tmpdir(), 'intelshare-cli-taxii-incomplete-'));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  mode = 'session-token';
  sessions.clear();
});

function bundleIds(text: string): string[] {
  const bundle = JSON.parse(text) as { type: string; objects: { id: string }[] };
  expect(bundle.type).toBe('bundle');
  return bundle.objects.map((object) => object.id);
}
const allIds = objects.map((object) => object.id);

describe('intelshare taxii pull: complete or not, it says so', () => {
  it('pulls all of a collection whose server repeats one `next` token, and says complete', async () => {
    const out = join(dir, 'session.json');
    const args = ['taxii', 'pull', apiRoot, '-c', COLLECTION, '--limit', '100', '--out', out];
    const result = await runCli([...args, '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(bundleIds(readFileSync(out, 'utf8'))).toEqual(allIds);
    expect(jsonLines(result.stdout)).toEqual([{ objects: TOTAL, pages: 4, complete: true }]);
  });

  it('exits 3 with a stderr message when the paging loops, keeps what it wrote, then resumes', async () => {
    mode = 'same-page-forever';
    const out = join(dir, 'loop.json');
    const state = join(dir, 'loop.state.json');
    const args = [
      'taxii',
      'pull',
      apiRoot,
      '-c',
      COLLECTION,
      '--limit',
      '100',
      '--out',
      out,
      '--state',
      state,
      '--json',
    ];
    const failed = await runCli(args);
    expect(failed.code).toBe(3);
    expect(failed.stderr).toMatch(
      /^intelshare taxii pull: incomplete: 100 objects in 4 pages kept in .*loop\.json\.part/,
    );
    expect(failed.stderr).toContain('is not a complete collection');
    expect(failed.stderr).toContain(`Run the same command again to resume from ${state}.`);
    expect(jsonLines(failed.stdout)).toEqual([
      { objects: 100, pages: 4, complete: false, reason: 'loop' },
    ]);
    // Nothing at OUT looks like a finished pull; the part file holds the first page.
    expect(existsSync(out)).toBe(false);
    expect(readFileSync(`${out}.part`, 'utf8')).toContain(allIds[99]);

    // The server is fixed: the same command continues after what was kept.
    mode = 'session-token';
    const resumed = await runCli(args);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(bundleIds(readFileSync(out, 'utf8'))).toEqual(allIds);
    expect(jsonLines(resumed.stdout)).toEqual([{ objects: TOTAL, pages: 8, complete: true }]);
    expect(existsSync(`${out}.part`)).toBe(false);
  });

  it('to stdout: a closed bundle of what was pulled, exit 3, and the reason on stderr', async () => {
    mode = 'same-page-forever';
    const result = await runCli(['taxii', 'pull', apiRoot, '-c', COLLECTION, '--limit', '50']);
    expect(result.code).toBe(3);
    expect(bundleIds(result.stdout)).toEqual(allIds.slice(0, 50));
    expect(result.stderr).toMatch(/incomplete: 50 objects in 4 pages written to stdout/);
    expect(result.stderr).toContain('brought no object not already delivered');
    expect(result.stderr).toContain('Run again with `--state FILE` to be able to resume.');
  });
});
