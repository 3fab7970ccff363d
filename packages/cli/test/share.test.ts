import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixturePath } from '@intelshare/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, runCli } from './helpers/run-cli';

const PROVIDER = 'identity--5a1c5b2e-8f3d-4c1a-9b7e-2d4f6a8c0e11';
const AGENCY = 'identity--7e3d9f1a-2b4c-4d6e-8f0a-1b3c5d7e9f22';
const STRANGER = 'identity--0b9e6a43-6c55-4f41-9d0e-6f1f8c1d2e33';
const TLP_RED = 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1';
const TLP_GREEN = 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb';
const NOW = '2026-06-01T00:00:00Z';

const AGREEMENT = `
id: test-mou
version: "1.0.0"
title: Vendor and agency MoU (test)
parties:
  - { identity: ${PROVIDER}, name: Example Security Ltd, role: provider }
  - { identity: ${AGENCY}, name: Crime Agency, role: recipient }
effective: { from: "2026-01-01T00:00:00Z", until: "2027-12-31T23:59:59Z" }
purposes: [criminal-investigation]
recipients:
  - name: Investigators
    match: { identities: [${AGENCY}] }
    maxTlp: red
    namedIndividuals: [det-insp-a-okafor]
unmarkedTlp: amber
properties:
  deny: [x_vendor_customer_id]
`;

function indicator(id: string, marking: string, extra: Record<string, unknown> = {}) {
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
    ...extra,
  };
}

const BUNDLE = {
  type: 'bundle',
  id: 'bundle--0c7b5b88-8ff7-4a4d-aa9c-feb398cd0061',
  objects: [
    {
      type: 'identity',
      spec_version: '2.1',
      id: PROVIDER,
      created: '2026-01-01T00:00:00.000Z',
      modified: '2026-01-01T00:00:00.000Z',
      name: 'Example Security Ltd',
      identity_class: 'organization',
    },
    indicator('indicator--1f6c0c9e-3a8d-4a57-9a5b-2e2d8f0b7c11', TLP_GREEN),
    indicator('indicator--2a7d1d0f-4b9e-4b68-8b6c-3f3e9a1c8d22', TLP_RED),
  ],
};

let dir: string;
let agreement: string;
let bundle: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'intelshare-cli-share-'));
  agreement = join(dir, 'mou.yaml');
  bundle = join(dir, 'bundle.json');
  writeFileSync(agreement, AGREEMENT);
  writeFileSync(bundle, JSON.stringify(BUNDLE));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Explained {
  id: string;
  action: string;
  reasons: { rule: string; effect: string; message: string }[];
}

describe('intelshare share', () => {
  it('--explain --json prints [{id, action, reasons}] for every object', async () => {
    const result = await runCli([
      'share',
      '--agreement',
      agreement,
      '--recipient',
      AGENCY,
      '--now',
      NOW,
      '--explain',
      '--json',
      bundle,
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const [decisions] = jsonLines(result.stdout) as Explained[][];
    for (const decision of decisions!) {
      expect(Object.keys(decision)).toEqual(['id', 'action', 'reasons']);
      expect(['share', 'share-redacted', 'withhold']).toContain(decision.action);
    }
    const byId = new Map(decisions!.map((decision) => [decision.id, decision]));
    expect(byId.get('indicator--1f6c0c9e-3a8d-4a57-9a5b-2e2d8f0b7c11')?.action).toMatch(/^share/);
    // TLP:RED goes only to named individuals, and none was named.
    const red = byId.get('indicator--2a7d1d0f-4b9e-4b68-8b6c-3f3e9a1c8d22');
    expect(red?.action).toBe('withhold');
    expect(red?.reasons.some((reason) => reason.effect === 'deny' && reason.rule === 'tlp')).toBe(
      true,
    );
  });

  it('shares TLP:RED once the named investigator is the reader', async () => {
    const result = await runCli([
      'share',
      '-a',
      agreement,
      '-r',
      'Crime Agency',
      '--individual',
      'det-insp-a-okafor',
      '--now',
      NOW,
      '--explain',
      '--json',
      bundle,
    ]);
    expect(result.code).toBe(0);
    const [decisions] = jsonLines(result.stdout) as Explained[][];
    const red = decisions!.find((d) => d.id === 'indicator--2a7d1d0f-4b9e-4b68-8b6c-3f3e9a1c8d22');
    expect(red?.action).toMatch(/^share/);
  });

  it('--json prints the projected bundle, without what is withheld', async () => {
    const result = await runCli([
      'share',
      '-a',
      agreement,
      '-r',
      AGENCY,
      '--now',
      NOW,
      '--json',
      bundle,
    ]);
    expect(result.code).toBe(0);
    const [projected] = jsonLines(result.stdout) as {
      type: string;
      id: string;
      objects: { id: string; type: string }[];
    }[];
    expect(projected?.type).toBe('bundle');
    const ids = projected!.objects.map((object) => object.id);
    expect(ids).not.toContain('indicator--2a7d1d0f-4b9e-4b68-8b6c-3f3e9a1c8d22');
    expect(projected!.objects.some((object) => object.type === 'indicator')).toBe(true);
  });

  it('explains in words for people', async () => {
    const result = await runCli([
      'share',
      '-a',
      agreement,
      '-r',
      AGENCY,
      '--now',
      NOW,
      '--explain',
      bundle,
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^withhold\s+indicator--2a7d1d0f-4b9e-4b68-8b6c-3f3e9a1c8d22$/m);
    expect(result.stderr).toMatch(/withheld\s+1/);
  });

  it('exits 1 when the recipient is not covered and everything is withheld', async () => {
    const result = await runCli([
      'share',
      '-a',
      agreement,
      '-r',
      STRANGER,
      '--now',
      NOW,
      '--explain',
      '--json',
      bundle,
    ]);
    expect(result.code).toBe(1);
    const [decisions] = jsonLines(result.stdout) as Explained[][];
    expect(decisions!.every((decision) => decision.action === 'withhold')).toBe(true);
  });

  it('exits 1 on an invalid agreement, naming the problem', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'id: x\nversion: 1\n');
    const result = await runCli(['share', '-a', bad, '-r', AGENCY, bundle]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^intelshare share: .+\.\n$/);
  });

  it('exits 1 on a bundle that is not valid STIX', async () => {
    const result = await runCli(['share', '-a', agreement, '-r', AGENCY, '-'], {
      stdin: '{"type":"bundle","objects":[{"type":"indicator"}]}',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^intelshare share: `stdin` is not valid STIX \(\d+ errors?; first: .+\); run `intelshare validate` to see them all\.\n$/,
    );
  });

  it('exits 3 for a missing agreement and 2 for an unknown party name', async () => {
    const missing = await runCli(['share', '-a', join(dir, 'none.yaml'), '-r', AGENCY, bundle]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('no such file');
    const party = await runCli(['share', '-a', agreement, '-r', 'Nobody', bundle]);
    expect(party.code).toBe(2);
    expect(party.stderr).toContain(
      "one of the agreement's parties: `Example Security Ltd`, `Crime Agency`",
    );
  });

  it('accepts the OASIS examples as input', async () => {
    const result = await runCli([
      'share',
      '-a',
      agreement,
      '-r',
      AGENCY,
      '--now',
      NOW,
      '--json',
      fixturePath('stix21/cti-documentation/sighting-of-an-indicator.json'),
    ]);
    expect(result.code).toBe(0);
    expect((jsonLines(result.stdout)[0] as { type: string }).type).toBe('bundle');
  });
});
