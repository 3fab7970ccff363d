import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixturePath } from '@intelshare/fixtures';
import { hashPassword } from '@intelshare/taxii-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, runCli, startCli } from './helpers/run-cli';

const PROVIDER = 'identity--5a1c5b2e-8f3d-4c1a-9b7e-2d4f6a8c0e11';
const AGENCY = 'identity--7e3d9f1a-2b4c-4d6e-8f0a-1b3c5d7e9f22';
const TLP_RED = 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1';
const TLP_GREEN = 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb';
const GREEN_ID = 'indicator--1f6c0c9e-3a8d-4a57-9a5b-2e2d8f0b7c11';
const RED_ID = 'indicator--2a7d1d0f-4b9e-4b68-8b6c-3f3e9a1c8d22';

const AGREEMENT = `
id: test-mou
version: "1.0.0"
title: Vendor and agency MoU (test)
parties:
  - { identity: ${PROVIDER}, name: Example Security Ltd, role: provider }
  - { identity: ${AGENCY}, name: Crime Agency, role: recipient }
effective: { from: "2020-01-01T00:00:00Z" }
purposes: [criminal-investigation]
recipients:
  - match: { identities: [${AGENCY}] }
    maxTlp: red
    namedIndividuals: [det-insp-a-okafor]
unmarkedTlp: amber
`;

function indicator(id: string, marking: string) {
  return {
    type: 'indicator',
    spec_version: '2.1',
    id,
    created_by_ref: PROVIDER,
    created: '2026-02-01T00:00:00.000Z',
    modified: '2026-02-01T00:00:00.000Z',
    name: 'Ransomware C2',
    pattern: "[ipv4-addr:value = '203.0.113.7']",
    pattern_type: 'stix',
    valid_from: '2026-02-01T00:00:00Z',
    object_marking_refs: [marking],
  };
}

let dir: string;
let config: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'intelshare-cli-serve-'));
  config = join(dir, 'taxii.yaml');
  writeFileSync(join(dir, 'mou.yaml'), AGREEMENT);
  writeFileSync(
    config,
    `title: Test CERT
cursorSecret: env:TEST_CURSOR_SECRET
storage: memory
auth:
  users:
    - { username: analyst, passwordHash: "${await hashPassword('analyst-pw', 1000)}" }
    - { username: agency, passwordHash: "${await hashPassword('agency-pw', 1000)}" }
agreements:
  mou: { file: mou.yaml }
apiRoots:
  - path: api
    title: Partners
    collections:
      - { id: intel, title: Intel, canRead: [analyst], canWrite: [analyst] }
      - id: agency-view
        title: What the agency receives
        canRead: [agency]
        view: { source: intel, agreement: mou, recipient: ${AGENCY} }
`,
  );
  writeFileSync(
    join(dir, 'bundle.json'),
    JSON.stringify({
      type: 'bundle',
      id: 'bundle--0c7b5b88-8ff7-4a4d-aa9c-feb398cd0061',
      objects: [indicator(GREEN_ID, TLP_GREEN), indicator(RED_ID, TLP_RED)],
    }),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('intelshare serve --config with taxii push and pull', () => {
  it('serves the configured roots; partners pull only what their agreement allows', async () => {
    const running = startCli(['serve', '--config', config, '--port', '0', '--json'], {
      env: { TEST_CURSOR_SECRET: 'a-test-cursor-secret-of-enough-length' },
    });
    try {
      const info = JSON.parse(await running.firstLine) as {
        discovery: string;
        api_roots: string[];
      };
      expect(info.discovery).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/taxii2\/$/);
      const [apiRoot] = info.api_roots;
      const analyst = ['--user', 'analyst', '--password', 'analyst-pw'];

      const pushed = await runCli([
        'taxii',
        'push',
        apiRoot!,
        '-c',
        'intel',
        '--wait',
        '--json',
        ...analyst,
        join(dir, 'bundle.json'),
      ]);
      expect(pushed.stderr).toBe('');
      expect(pushed.code).toBe(0);
      const [summary] = jsonLines(pushed.stdout) as {
        objects: number;
        success_count: number;
        failure_count: number;
      }[];
      expect(summary).toMatchObject({ objects: 2, success_count: 2, failure_count: 0 });

      const oasis = await runCli([
        'taxii',
        'push',
        apiRoot!,
        '-c',
        'intel',
        '--batch',
        '20',
        '--json',
        ...analyst,
        fixturePath('stix21/cti-documentation/apt1.json'),
      ]);
      expect(oasis.code).toBe(0);
      expect(jsonLines(oasis.stdout)[0]).toMatchObject({ objects: 76, success_count: 76 });
      expect((jsonLines(oasis.stdout)[0] as { statuses: string[] }).statuses).toHaveLength(4);

      const pulled = await runCli([
        'taxii',
        'pull',
        apiRoot!,
        '-c',
        'agency-view',
        '--user',
        'agency',
        '--password',
        'agency-pw',
      ]);
      expect(pulled.code).toBe(0);
      const ids = (JSON.parse(pulled.stdout) as { objects: { id: string }[] }).objects.map(
        (o) => o.id,
      );
      // TLP:RED needs a named individual; an organisation's feed never gets it.
      expect(ids).not.toContain(RED_ID);
      expect(ids.some((id) => id.startsWith('indicator--'))).toBe(true);

      const denied = await runCli([
        'taxii',
        'pull',
        apiRoot!,
        '-c',
        'intel',
        '--user',
        'agency',
        '--password',
        'agency-pw',
      ]);
      expect(denied.code).toBe(1);
    } finally {
      const ended = await running.stop('SIGTERM');
      expect(ended.code).toBe(0);
    }
  }, 60_000);

  it('refuses to push an invalid file, sending nothing', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({
        type: 'bundle',
        id: 'bundle--0c7b5b88-8ff7-4a4d-aa9c-feb398cd0062',
        objects: [{ type: 'indicator' }],
      }),
    );
    // Nothing listens here: the file is refused before any connection is tried.
    const result = await runCli(['taxii', 'push', 'http://127.0.0.1:9/api/', '-c', 'intel', bad]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^intelshare taxii push: `.*bad\.json` is not valid STIX .*nothing was sent\.\n$/,
    );
  });

  it('exits 1 naming the problem for an invalid config, 3 for a missing one', async () => {
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'title: x\napiRoots: []\n');
    const invalid = await runCli(['serve', '--config', broken, '--port', '0']);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/^intelshare serve: Invalid server config: .*cursorSecret/);
    const missing = await runCli(['serve', '--config', join(dir, 'none.yaml')]);
    expect(missing.code).toBe(3);
  });

  it('exits 1 when the cursor secret variable is not set', async () => {
    const result = await runCli(['serve', '--config', config, '--port', '0']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('TEST_CURSOR_SECRET');
  });
});
