import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixturePath } from '@intelshare/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, runCli } from './helpers/run-cli';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'intelshare-cli-convert-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LOCKY = fixturePath('misp/feed-circl-osint-sample/5721c2e4-05ec-4af3-9264-411b950d210f.json');

async function expectValidStix(bundleText: string): Promise<{ objects: number }> {
  const checked = await runCli(['validate', '--json', '--allow-custom', '-'], {
    stdin: bundleText,
  });
  const [report] = jsonLines(checked.stdout) as {
    valid: boolean;
    objects: number;
    issues: unknown[];
  }[];
  // Only SHOULD-level advice is set aside: UUIDv4 for SDO ids (STIX 2.1 §2.9; deterministic
  // UUIDv5 indicator ids are the converters' choice) and `hashes` beside a reference `url` (§2.5).
  expect(
    report?.issues.filter(
      (issue) => !['UUID_VERSION', 'DEPENDENT_PROPERTY'].includes((issue as { code: string }).code),
    ),
  ).toEqual([]);
  expect(report?.valid).toBe(true);
  return report!;
}

describe('intelshare convert', () => {
  it('turns a MISP event into a valid STIX 2.1 bundle, listing what became notes', async () => {
    const result = await runCli(['convert', '--from', 'misp', '--to', 'stix21', LOCKY]);
    expect(result.code).toBe(0);
    const bundle = JSON.parse(result.stdout) as { type: string; objects: { type: string }[] };
    expect(bundle.type).toBe('bundle');
    expect(bundle.objects[0]?.type).toBe('report');
    expect(bundle.objects.some((object) => object.type === 'indicator')).toBe(true);
    expect(result.stderr).toMatch(/^warning Event\.Attribute\[\d+\]: .*kept as a note$/m);
    const report = await expectValidStix(result.stdout);
    expect(report.objects).toBe(bundle.objects.length);
  });

  it('turns the abuse.ch Feodo Tracker CSV into indicators with a preset mapping', async () => {
    const result = await runCli([
      'convert',
      '--from',
      'csv:feodotracker',
      '--to',
      'stix21',
      '--json',
      fixturePath('feeds/abusech/feodotracker-ipblocklist.csv'),
    ]);
    expect(result.code).toBe(0);
    const bundle = JSON.parse(result.stdout) as { objects: { type: string }[] };
    // 28 rows: one indicator each.
    expect(bundle.objects.filter((object) => object.type === 'indicator')).toHaveLength(28);
    await expectValidStix(result.stdout);
  });

  it('reads a mapping file for other feeds', async () => {
    const mapping = join(dir, 'mapping.yaml');
    writeFileSync(
      mapping,
      'name: My list\nprovider: Me\nformat: lines\nobservable: { column: 0, kind: domain-name }\n',
    );
    const result = await runCli(['convert', '--from', `csv:${mapping}`, '--to', 'stix21', '-'], {
      stdin: '# my blocklist\nbad.example\nworse.example\n',
    });
    expect(result.code).toBe(0);
    const bundle = JSON.parse(result.stdout) as { objects: { type: string; pattern?: string }[] };
    expect(bundle.objects.filter((o) => o.type === 'indicator').map((o) => o.pattern)).toEqual([
      "[domain-name:value = 'bad.example']",
      "[domain-name:value = 'worse.example']",
    ]);
  });

  it('upgrades STIX 2.0 to 2.1', async () => {
    const out = join(dir, 'pre-attack-21.json');
    const result = await runCli([
      'convert',
      '--from',
      'stix20',
      '--to',
      'stix21',
      '--allow-custom',
      '-o',
      out,
      fixturePath('attack/mitre-cti-stix20/pre-attack.json'),
    ]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(`Wrote 268 objects to ${out}\n`);
    const bundle = JSON.parse(readFileSync(out, 'utf8')) as { objects: { spec_version: string }[] };
    expect(bundle.objects.every((object) => object.spec_version === '2.1')).toBe(true);
  });

  it('turns STIX into a MISP event and back', async () => {
    const toMisp = await runCli([
      'convert',
      '--from',
      'stix21',
      '--to',
      'misp',
      fixturePath('stix21/cti-documentation/indicator-for-malicious-url.json'),
    ]);
    expect(toMisp.code).toBe(0);
    const event = JSON.parse(toMisp.stdout) as {
      Event: { Attribute: { type: string; value: string }[] };
    };
    expect(event.Event.Attribute).toContainEqual(
      expect.objectContaining({ type: 'url', value: 'http://x4z9arb.cn/4712/' }),
    );
    const back = await runCli(['convert', '--from', 'misp', '--to', 'stix21', '-'], {
      stdin: toMisp.stdout,
    });
    expect(back.code).toBe(0);
  });

  it('exits 1 on input that is not what --from says, 2 on a bad format', async () => {
    const notMisp = await runCli(['convert', '--from', 'misp', '--to', 'stix21', '-'], {
      stdin: '{"hello":1}',
    });
    expect(notMisp.code).toBe(1);
    const notJson = await runCli(['convert', '--from', 'misp', '--to', 'stix21', '-'], {
      stdin: 'not json',
    });
    expect(notJson.code).toBe(1);
    expect(notJson.stderr).toMatch(/^intelshare convert: `stdin` is not valid JSON: /);
    const empty = await runCli(['convert', '--from', 'stix20', '--to', 'stix21', '-'], {
      stdin: '',
    });
    expect(empty.code).toBe(1);
    const format = await runCli(['convert', '--from', 'xml', '--to', 'stix21', '-']);
    expect(format.code).toBe(2);
    const preset = await runCli(['convert', '--from', 'csv:nonexistent', '--to', 'stix21', '-']);
    expect(preset.code).toBe(2);
    expect(preset.stderr).toContain('is neither a preset');
  });
});
