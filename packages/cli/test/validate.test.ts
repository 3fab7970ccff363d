import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixturePath, readFixture } from '@intelshare/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countGenerated, generateBundle } from './helpers/generate';
import { jsonLines, runCli } from './helpers/run-cli';

interface Report {
  file: string;
  valid: boolean;
  objects: number;
  issues: { severity: string; code: string; path: string; message: string }[];
}

const APT1 = fixturePath('stix21/cti-documentation/apt1.json');
const POISONIVY = fixturePath('stix21/cti-documentation/poisonivy.json');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'intelshare-cli-validate-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Real content carries SHOULD-level advice from @intelshare/stix (external references with a
 * `url` but no `hashes`, STIX 2.1 §2.5); these tests are about the verdict, so it is set aside.
 */
function withoutAdvice(reports: unknown[]): unknown[] {
  return (reports as Report[]).map((report) => ({
    ...report,
    issues: report.issues.filter(
      (issue) => !(issue.severity === 'warning' && issue.code === 'DEPENDENT_PROPERTY'),
    ),
  }));
}

function expectReportShape(report: Report): void {
  expect(Object.keys(report)).toEqual(['file', 'valid', 'objects', 'issues']);
  for (const issue of report.issues) {
    expect(Object.keys(issue).sort()).toEqual(['code', 'message', 'path', 'severity']);
    expect(['error', 'warning']).toContain(issue.severity);
  }
}

describe('intelshare validate', () => {
  it('prints one JSON object per file and exits 0 when all are valid', async () => {
    const result = await runCli(['validate', '--json', APT1, POISONIVY]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const reports = withoutAdvice(jsonLines(result.stdout));
    expect(reports).toEqual([
      { file: APT1, valid: true, objects: 76, issues: [] },
      { file: POISONIVY, valid: true, objects: 155, issues: [] },
    ]);
  });

  it('reports every issue with its path, and exits 1, for an invalid object', async () => {
    const bundle = JSON.parse(readFixture('stix21/cti-documentation/apt1.json')) as {
      objects: Record<string, unknown>[];
    };
    bundle.objects[3]!.created = '2015-05-15 09:12'; // not RFC 3339
    bundle.objects[5]!.id = 'not-an-id';
    const file = join(dir, 'broken.json');
    writeFileSync(file, JSON.stringify(bundle));
    const result = await runCli(['validate', '--json', file]);
    expect(result.code).toBe(1);
    const [report] = jsonLines(result.stdout) as Report[];
    expectReportShape(report!);
    expect(report?.valid).toBe(false);
    expect(report?.objects).toBe(76);
    const paths = report!.issues.filter((i) => i.severity === 'error').map((i) => i.path);
    expect(paths).toContain('objects[3].created');
    expect(paths.some((path) => path.startsWith('objects[5].id'))).toBe(true);
  });

  it('prints a readable verdict for people, without colour when not a terminal', async () => {
    const result = await runCli(['validate', APT1]);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe(`${APT1}: valid (76 objects, 6 warnings)`);
  });

  it('colours only when asked and never with NO_COLOR', async () => {
    const forced = await runCli(['validate', APT1], { env: { FORCE_COLOR: '1' } });
    expect(forced.stdout).toContain('\u001b[32mvalid\u001b[39m');
    const none = await runCli(['validate', APT1], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
    expect(none.stdout).not.toContain('\u001b[');
  });

  it('rejects custom properties unless --allow-custom is given', async () => {
    const ics = fixturePath('attack/attack-stix-data/ics-attack-18.1.json');
    const strict = await runCli(['validate', '--json', '--max-issues', '5', ics]);
    expect(strict.code).toBe(1);
    const [report] = jsonLines(strict.stdout) as Report[];
    expect(report?.issues).toHaveLength(6);
    expect(report?.issues[0]?.code).toMatch(/^CUSTOM_/);
    expect(report?.issues[5]).toMatchObject({ code: 'TOO_MANY_ISSUES', severity: 'error' });
    const allowed = await runCli(['validate', '--json', '--allow-custom', ics]);
    expect(allowed.code).toBe(0);
    const [accepted] = jsonLines(allowed.stdout) as Report[];
    expect(accepted).toMatchObject({ file: ics, valid: true, objects: 1826 });
    expect(accepted?.issues.every((issue) => issue.severity === 'warning')).toBe(true);
  });

  it('recognises STIX 2.0 input and upgrades it', async () => {
    const pre = fixturePath('attack/mitre-cti-stix20/pre-attack.json');
    const result = await runCli(['validate', '--json', '--allow-custom', pre]);
    expect(result.code).toBe(0);
    const [report] = jsonLines(result.stdout) as Report[];
    expect(report).toMatchObject({ file: pre, valid: true, objects: 268 });
    const [kept] = withoutAdvice([report]) as Report[];
    expect(kept?.issues.map((issue) => [issue.code, issue.severity])).toEqual([
      ['UPGRADED', 'warning'],
    ]);
  });

  it('--strict makes warnings fail too', async () => {
    const file = join(dir, 'vocab.json');
    const bundle = JSON.parse(
      readFixture('stix21/cti-documentation/indicator-for-malicious-url.json'),
    ) as {
      objects: Record<string, unknown>[];
    };
    const indicator = bundle.objects.find((object) => object.type === 'indicator')!;
    indicator.indicator_types = ['not-in-the-open-vocabulary'];
    writeFileSync(file, JSON.stringify(bundle));
    const relaxed = jsonLines((await runCli(['validate', '--json', file])).stdout) as Report[];
    expect(relaxed[0]?.valid).toBe(true);
    expect(relaxed[0]?.issues.map((issue) => issue.code)).toContain('OPEN_VOCAB');
    const strict = await runCli(['validate', '--json', '--strict', file]);
    expect(strict.code).toBe(1);
    expect((jsonLines(strict.stdout)[0] as Report).valid).toBe(false);
  });

  it('reads stdin from `-`', async () => {
    const result = await runCli(['validate', '--json', '-'], {
      stdin: readFixture('stix21/cti-documentation/apt1.json'),
    });
    expect(result.code).toBe(0);
    expect(withoutAdvice(jsonLines(result.stdout))).toEqual([
      { file: 'stdin', valid: true, objects: 76, issues: [] },
    ]);
  });

  it('exits 1 with an INVALID_JSON issue on empty stdin', async () => {
    const result = await runCli(['validate', '--json', '-'], { stdin: '' });
    expect(result.code).toBe(1);
    expect(jsonLines(result.stdout)).toEqual([
      {
        file: 'stdin',
        valid: false,
        objects: 0,
        issues: [
          { severity: 'error', code: 'INVALID_JSON', path: '', message: '`stdin` is empty.' },
        ],
      },
    ]);
  });

  it('exits 1, never crashing, on binary junk', async () => {
    const junk = new Uint8Array(64 * 1024);
    let seed = 7;
    for (let i = 0; i < junk.length; i += 1) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      junk[i] = seed >>> 24;
    }
    const file = join(dir, 'junk.bin');
    writeFileSync(file, junk);
    const result = await runCli(['validate', '--json', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    const [report] = jsonLines(result.stdout) as Report[];
    expectReportShape(report!);
    expect(report?.issues[0]?.code).toBe('INVALID_JSON');
  });

  it('exits 3 for a missing file but still reports the others', async () => {
    const missing = join(dir, 'does-not-exist.json');
    const result = await runCli(['validate', '--json', missing, APT1]);
    expect(result.code).toBe(3);
    expect(result.stderr).toBe(`intelshare validate: cannot read \`${missing}\`: no such file.\n`);
    expect(withoutAdvice(jsonLines(result.stdout))).toEqual([
      { file: APT1, valid: true, objects: 76, issues: [] },
    ]);
  });

  it('exits 3 for a directory and 2 without files', async () => {
    const directory = await runCli(['validate', dir]);
    expect(directory.code).toBe(3);
    expect(directory.stderr).toBe(
      `intelshare validate: cannot read \`${dir}\`: it is a directory.\n`,
    );
    const none = await runCli(['validate']);
    expect(none.code).toBe(2);
    const unknown = await runCli(['validate', '--frobnicate', APT1]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(
      'intelshare validate: unknown option `--frobnicate`; run `intelshare validate --help`.\n',
    );
  });

  it('prints help with an example', async () => {
    const result = await runCli(['validate', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: intelshare validate FILE...');
    expect(result.stdout).toContain('Example:');
  });

  it('streams an 80 MB bundle from stdin in bounded memory', async () => {
    // Past the 64 MiB whole-parse limit, so it streams.
    const megabytes = 80;
    const expected = await countGenerated(megabytes);
    // A 64 MB heap: holding the input whole (as JSON text or parsed) would run out of memory.
    const result = await runCli(['validate', '--json', '-'], {
      stdin: generateBundle(megabytes),
      env: { NODE_OPTIONS: '--max-old-space-size=64' },
      timeoutMs: 120_000,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(jsonLines(result.stdout)).toEqual([
      { file: 'stdin', valid: true, objects: expected, issues: [] },
    ]);
  }, 120_000);

  it('validates a 1 GB bundle from stdin with a 64 MB heap', async () => {
    const megabytes = 1024;
    const expected = await countGenerated(megabytes);
    const result = await runCli(['validate', '--json', '-'], {
      stdin: generateBundle(megabytes),
      env: { NODE_OPTIONS: '--max-old-space-size=64' },
      timeoutMs: 600_000,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(jsonLines(result.stdout)).toEqual([
      { file: 'stdin', valid: true, objects: expected, issues: [] },
    ]);
  }, 600_000);

  it('finds and locates an error deep inside a streamed bundle', async () => {
    const result = await runCli(['validate', '--json', '-'], {
      stdin: generateBundle(72, { brokenAt: 90_000 }),
      timeoutMs: 120_000,
    });
    expect(result.code).toBe(1);
    const [report] = jsonLines(result.stdout) as Report[];
    expect(report?.valid).toBe(false);
    expect(report?.issues.map((issue) => issue.path)).toContain('objects[90000].created');
  }, 120_000);
});
