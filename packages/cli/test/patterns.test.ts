import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixturePath, readFixture } from '@intelshare/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, runCli } from './helpers/run-cli';

const OBSERVED = fixturePath('stix21/cti-documentation/sighting-of-observed-data.json');
const FILE_MD5 = "[file:hashes.MD5 = '1717b7fff97d37a1e1a0029d83492de1']";
const BOTH = `${FILE_MD5} AND [windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\SYSTEM\\\\ControlSet001\\\\Services\\\\WSALG2']`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'intelshare-cli-patterns-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function indicator(id: string, pattern: string, extra: Record<string, unknown> = {}) {
  return {
    type: 'indicator',
    spec_version: '2.1',
    id,
    created: '2017-01-01T00:00:00.000Z',
    modified: '2017-01-01T00:00:00.000Z',
    name: `Indicator ${id.slice(-4)}`,
    pattern,
    pattern_type: 'stix',
    valid_from: '2017-01-01T00:00:00Z',
    ...extra,
  };
}

describe('intelshare pattern validate', () => {
  it('prints {valid, issues} and exits 0 for a good pattern', async () => {
    const result = await runCli([
      'pattern',
      'validate',
      '--json',
      "[ipv4-addr:value ISSUBSET '198.51.100.0/24']",
    ]);
    expect(result.code).toBe(0);
    expect(jsonLines(result.stdout)).toEqual([{ valid: true, issues: [] }]);
  });

  it('locates errors by line and column and exits 1', async () => {
    const result = await runCli([
      'pattern',
      'validate',
      '--json',
      '[file:sise = 10] REPEATS 0 TIMES',
    ]);
    expect(result.code).toBe(1);
    const [report] = jsonLines(result.stdout) as {
      valid: boolean;
      issues: { code: string; line: number; column: number }[];
    }[];
    expect(report?.valid).toBe(false);
    expect(report?.issues.map((issue) => `${issue.line}:${issue.column} ${issue.code}`)).toEqual([
      '1:2 unknown-property',
      '1:18 invalid-qualifier',
    ]);
  });

  it('points at a syntax error for people, reading the pattern from stdin', async () => {
    const result = await runCli(['pattern', 'validate', '-'], {
      stdin: "[ipv4-addr:value = '1.2.3.4'\n",
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('invalid');
    expect(result.stdout).toMatch(/^1:29 error .*\[syntax\]$/m);
  });

  it('needs a pattern (exit 2)', async () => {
    const result = await runCli(['pattern', 'validate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^intelshare pattern validate: give one PATTERN/);
  });
});

describe('intelshare pattern match', () => {
  it('prints {matched, observed_data_refs} with the evidence', async () => {
    const result = await runCli(['pattern', 'match', '--json', BOTH, OBSERVED]);
    expect(result.code).toBe(0);
    expect(jsonLines(result.stdout)).toEqual([
      {
        matched: true,
        observed_data_refs: [
          'observed-data--cf8eaa41-6f4c-482e-89b9-9cd2d6a83cb1',
          'observed-data--a0d34360-66ad-4977-b255-d9e1080421c4',
        ],
      },
    ]);
  });

  it('exits 1 when nothing matches', async () => {
    const result = await runCli([
      'pattern',
      'match',
      '--json',
      "[file:name = 'other.pdf']",
      OBSERVED,
    ]);
    expect(result.code).toBe(1);
    expect(jsonLines(result.stdout)).toEqual([{ matched: false, observed_data_refs: [] }]);
  });

  it('exits 1 for an invalid pattern and 3 for a missing file', async () => {
    const invalid = await runCli(['pattern', 'match', '[file:name = ', OBSERVED]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/^intelshare pattern match: the pattern is invalid at 1:\d+: /);
    const missing = await runCli(['pattern', 'match', FILE_MD5, join(dir, 'none.json')]);
    expect(missing.code).toBe(3);
  });
});

describe('intelshare match', () => {
  it('reports each indicator that fires, with its evidence, from an index', async () => {
    const indicators = join(dir, 'indicators.json');
    writeFileSync(
      indicators,
      JSON.stringify({
        type: 'bundle',
        id: 'bundle--3b6f5d5e-1f3a-4c0b-9d57-8c2b7a1e6f10',
        objects: [
          indicator('indicator--0a000000-0000-4000-8000-000000000001', FILE_MD5),
          indicator(
            'indicator--0a000000-0000-4000-8000-000000000002',
            "[ipv4-addr:value = '203.0.113.9']",
          ),
          indicator('indicator--0a000000-0000-4000-8000-000000000003', BOTH),
          // Not valid yet when the file was observed: never fires.
          indicator('indicator--0a000000-0000-4000-8000-000000000004', FILE_MD5, {
            valid_from: '2020-01-01T00:00:00Z',
          }),
        ],
      }),
    );
    const result = await runCli(['match', '--json', indicators, OBSERVED]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const found = jsonLines(result.stdout) as { indicator: string; observed_data_refs: string[] }[];
    expect(found).toContainEqual({
      indicator: 'indicator--0a000000-0000-4000-8000-000000000001',
      observed_data_refs: ['observed-data--cf8eaa41-6f4c-482e-89b9-9cd2d6a83cb1'],
    });
    const ids = found.map((entry) => entry.indicator);
    expect(ids).not.toContain('indicator--0a000000-0000-4000-8000-000000000002');
    expect(ids).not.toContain('indicator--0a000000-0000-4000-8000-000000000004');
    for (const entry of found)
      expect(Object.keys(entry)).toEqual(['indicator', 'observed_data_refs']);
  });

  it('exits 1 when no indicator fires, and when the indicators file has none', async () => {
    const indicators = join(dir, 'quiet.json');
    writeFileSync(
      indicators,
      JSON.stringify([
        indicator(
          'indicator--0b000000-0000-4000-8000-000000000001',
          "[ipv4-addr:value = '203.0.113.9']",
        ),
      ]),
    );
    const quiet = await runCli(['match', indicators, OBSERVED]);
    expect(quiet.code).toBe(1);
    expect(quiet.stderr).toContain('0 matches: 1 indicators, 2 observed-data');
    const none = await runCli(['match', OBSERVED, OBSERVED]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('holds no usable STIX indicator');
  });
});

describe('intelshare extract', () => {
  const REPORT =
    'The loader fetched hxxp://evil[.]example[.]com/gate.php and beaconed to 203.0.113[.]7; ' +
    'dropper MD5 d41d8cd98f00b204e9800998ecf8427e exploits CVE-2021-44228.\n';

  it('prints [{type, value, defanged}] with --json', async () => {
    const result = await runCli(['extract', '--json', '-'], { stdin: REPORT });
    expect(result.code).toBe(0);
    const [iocs] = jsonLines(result.stdout) as {
      type: string;
      value: string;
      defanged: boolean;
    }[][];
    expect(iocs).toContainEqual({
      type: 'url',
      value: 'http://evil.example.com/gate.php',
      defanged: true,
    });
    expect(iocs).toContainEqual({ type: 'ipv4-addr', value: '203.0.113.7', defanged: true });
    expect(iocs).toContainEqual({
      type: 'md5',
      value: 'd41d8cd98f00b204e9800998ecf8427e',
      defanged: false,
    });
    expect(iocs?.map((ioc) => ioc.type)).toContain('cve');
  });

  it('builds a bundle of indicators whose patterns validate', async () => {
    const result = await runCli(
      [
        'extract',
        '--as',
        'indicators',
        '--type',
        'url',
        '--json',
        '--timestamp',
        '2026-01-01T00:00:00Z',
        '-',
      ],
      {
        stdin: REPORT,
      },
    );
    expect(result.code).toBe(0);
    const bundle = JSON.parse(result.stdout) as { type: string; objects: { pattern: string }[] };
    expect(bundle.type).toBe('bundle');
    expect(bundle.objects.map((object) => object.pattern)).toEqual([
      "[url:value = 'http://evil.example.com/gate.php']",
    ]);
    const checked = await runCli(['validate', '--json', '-'], { stdin: result.stdout });
    expect((jsonLines(checked.stdout)[0] as { valid: boolean }).valid).toBe(true);
  });

  it('finds indicators in the OASIS reports and across a large file read in pieces', async () => {
    const apt1 = await runCli([
      'extract',
      '--json',
      fixturePath('stix21/cti-documentation/apt1.json'),
    ]);
    expect(apt1.code).toBe(0);
    // 3 MB of text with the same report in the middle: found once, not lost at a piece edge.
    const big = join(dir, 'big.txt');
    const filler = 'lorem ipsum dolor sit amet '.repeat(60_000);
    writeFileSync(big, `${filler}${REPORT}${filler}${REPORT}`);
    const result = await runCli(['extract', '--json', '--type', 'ipv4-addr', big]);
    expect(jsonLines(result.stdout)).toEqual([
      [{ type: 'ipv4-addr', value: '203.0.113.7', defanged: true }],
    ]);
  });

  it('exits 1 when nothing is found and on binary input', async () => {
    const nothing = await runCli(['extract', '-'], { stdin: 'nothing to see here\n' });
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toBe('No indicators found in `stdin`.\n');
    const binary = await runCli(['extract', '-'], {
      stdin: new Uint8Array([0xff, 0xfe, 0xfd, 0x00, 0x81]),
    });
    expect(binary.code).toBe(1);
    expect(binary.stderr).toBe(
      'intelshare extract: `stdin` is not UTF-8 text (is it a binary file?).\n',
    );
  });

  it('keeps reading JSON as text: every STIX pattern value counts', async () => {
    const text = readFixture('stix21/cti-documentation/indicator-for-malicious-url.json');
    const result = await runCli(['extract', '--json', '--type', 'url', '-'], { stdin: text });
    expect(result.code).toBe(0);
  });

  it('rejects an unknown --as', async () => {
    const result = await runCli(['extract', '--as', 'csv', '-'], { stdin: 'x' });
    expect(result.code).toBe(2);
  });
});
