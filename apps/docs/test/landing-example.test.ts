import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TaxiiClient } from '@intelshare/feeds';
import { TLP2_MARKING_IDS } from '@intelshare/policy';
import { createIdentity, createIndicator, createSighting } from '@intelshare/stix';
import { createTaxiiHandler, hashApiKey, MemoryStorage } from '@intelshare/taxii-server';
import { type RunningServer, serve } from '@intelshare/taxii-server/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractSnippets } from '../scripts/check-snippets.mjs';
import { docsRoot } from '../scripts/entry-points.mjs';

// The landing page's example, run for real: its two TAXII servers are started here on
// 127.0.0.1 (the example's URLs are pointed at them), and the agreement file it reads is
// written beside it. Then the partner's inbox is read back to check what was shared.

const PARTNER = 'identity--03e23f6c-0ac9-4b47-9c84-f718132adb21';
const WRITER_KEY = 'landing-test-writer-key-0123456789';
const workDir = join(docsRoot, '.generated/landing-example');
let source: RunningServer;
let inbox: RunningServer;
let victimId = '';

const agreementYaml = `
id: mou-vendor-nca
version: "1.0"
title: Vendor and National Crime Agency MoU
parties:
  - { identity: identity--8ce3f695-d5a4-4dc8-9e93-a65af453a31a, name: Vendor, role: provider }
  - { identity: ${PARTNER}, name: NCA, role: recipient }
effective: { from: "2026-01-01T00:00:00Z" }
purposes: [investigation]
recipients:
  - match: { identities: [${PARTNER}] }
    maxTlp: amber
victimProtection:
  identities: remove
`;

function run(file: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--conditions=@intelshare/source', '--import', 'tsx', file],
      { cwd: workDir, timeout: 60_000 },
      (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve({ stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  const writerHash = await hashApiKey(WRITER_KEY);
  source = await serve(
    createTaxiiHandler({
      title: 'Source',
      cursorSecret: 'landing-example-test-secret-0123456789',
      storage: new MemoryStorage(),
      auth: { anonymous: 'public', apiKeys: [{ principal: 'writer', hash: writerHash }] },
      apiRoots: [
        {
          path: 'api1',
          title: 'API 1',
          collections: [
            { id: 'indicators', title: 'Indicators', canRead: ['public'], canWrite: ['writer'] },
          ],
        },
      ],
    }),
  );
  inbox = await serve(
    createTaxiiHandler({
      title: 'Partner inbox',
      cursorSecret: 'landing-example-test-secret-abcdefghij',
      storage: new MemoryStorage(),
      auth: { anonymous: 'vendor' },
      apiRoots: [
        {
          path: 'inbox',
          title: 'Inbox',
          collections: [
            {
              id: 'from-vendor',
              title: 'From the vendor',
              canRead: ['vendor'],
              canWrite: ['vendor'],
            },
          ],
        },
      ],
    }),
  );

  // What the source collection holds: GREEN and AMBER indicators (shared), a RED one
  // (withheld), a victim (withheld) and a sighting of it (shared without the victim).
  const marking = (level: keyof typeof TLP2_MARKING_IDS) => ({
    object_marking_refs: [TLP2_MARKING_IDS[level]],
  });
  const indicator = (ip: string, level: keyof typeof TLP2_MARKING_IDS) =>
    createIndicator({
      pattern: `[ipv4-addr:value = '${ip}']`,
      pattern_type: 'stix',
      valid_from: '2026-03-01T00:00:00Z',
      ...marking(level),
    });
  const green = indicator('198.51.100.1', 'TLP:GREEN');
  const amber = indicator('198.51.100.2', 'TLP:AMBER');
  const red = indicator('198.51.100.3', 'TLP:RED');
  const victim = createIdentity({
    name: 'Example Bank',
    identity_class: 'organization',
    ...marking('TLP:AMBER'),
  });
  victimId = victim.id;
  const sighting = createSighting({
    sighting_of_ref: amber.id,
    where_sighted_refs: [victim.id],
    ...marking('TLP:AMBER'),
  });
  const writer = new TaxiiClient({ url: source.url, auth: { type: 'bearer', token: WRITER_KEY } });
  const status = await writer.addObjects('/api1/', 'indicators', [
    green,
    amber,
    red,
    victim,
    sighting,
  ]);
  expect(status.success_count).toBe(5);
  writeFileSync(join(workDir, 'mou-vendor-nca.yaml'), agreementYaml);
});

afterAll(async () => {
  await source?.close();
  await inbox?.close();
  rmSync(workDir, { recursive: true, force: true });
});

describe('the landing page example', () => {
  it('pulls, projects under the agreement and shares exactly what the partner may receive', async () => {
    const page = readFileSync(join(docsRoot, 'src/content/docs/index.mdx'), 'utf8');
    const [example] = extractSnippets(page);
    expect(example?.code).toContain("new TaxiiClient({ url: 'https://taxii.example.org/' })");
    expect(example?.code).toContain("new TaxiiClient({ url: 'https://taxii.partner.example/' })");
    const code = (example?.code ?? '')
      .replace("'https://taxii.example.org/'", `'${source.url}/'`)
      .replace("'https://taxii.partner.example/'", `'${inbox.url}/'`);
    const file = join(workDir, 'share.ts');
    writeFileSync(file, `${code}\nexport {};\n`);

    const { stdout } = await run(file);
    const printed = /^(\d+) shared, (\d+) withheld$/m.exec(stdout.trim());
    expect(printed, stdout).not.toBeNull();
    expect(Number(printed?.[2])).toBe(2); // the RED indicator and the victim

    // What actually arrived in the partner's inbox.
    const reader = new TaxiiClient({ url: inbox.url });
    const received: { type: string; id: string; [key: string]: unknown }[] = [];
    for await (const object of reader.objects('/inbox/', 'from-vendor')) received.push(object);
    expect(received.length).toBe(Number(printed?.[1]));
    const patterns = received.filter((o) => o.type === 'indicator').map((o) => o.pattern);
    expect(patterns.sort()).toEqual([
      "[ipv4-addr:value = '198.51.100.1']",
      "[ipv4-addr:value = '198.51.100.2']",
    ]);
    expect(received.some((o) => o.type === 'identity' && o.name === 'Example Bank')).toBe(false);
    const sighting = received.find((o) => o.type === 'sighting');
    expect(sighting).toBeDefined();
    expect(JSON.stringify(received)).not.toContain(victimId);
    expect(received.filter((o) => o.type === 'marking-definition').length).toBeGreaterThan(0);
  });
});
