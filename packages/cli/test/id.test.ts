import { fixturePath } from '@intelshare/fixtures';
import { describe, expect, it } from 'vitest';
import { jsonLines, runCli } from './helpers/run-cli';

describe('intelshare id', () => {
  it('prints [{type, id}] for every SCO, in input order, skipping other objects', async () => {
    const file = fixturePath('stix21/cti-documentation/sighting-of-observed-data.json');
    const result = await runCli(['id', '--json', file]);
    expect(result.code).toBe(0);
    expect(jsonLines(result.stdout)).toEqual([
      [
        // The ids the OASIS example itself carries: computed per STIX 2.1 §2.9.
        { type: 'file', id: 'file--364fe3e5-b1f4-5ba3-b951-ee5983b3538d' },
        {
          type: 'windows-registry-key',
          id: 'windows-registry-key--16b80d14-d574-5620-abad-10ff304b1c26',
        },
      ],
    ]);
  });

  it('computes ids for SCOs that have none yet, from stdin', async () => {
    const result = await runCli(['id', '--json', '-'], {
      stdin: JSON.stringify([
        { type: 'ipv4-addr', value: '198.51.100.3' },
        { type: 'indicator', id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f' },
        { type: 'domain-name', value: 'example.com' },
      ]),
    });
    expect(result.code).toBe(0);
    const [ids] = jsonLines(result.stdout) as { type: string; id: string }[][];
    expect(ids?.map((entry) => entry.type)).toEqual(['ipv4-addr', 'domain-name']);
    // UUIDv5 in the SCO namespace over {"value":"198.51.100.3"}.
    expect(ids?.[0]?.id).toBe('ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4');
    expect(ids?.[1]?.id).toMatch(/^domain-name--[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-/);
  });

  it('shows ids for people and notes ids that differ from the deterministic one', async () => {
    const result = await runCli(['id', '-'], {
      stdin:
        '{"type":"ipv4-addr","id":"ipv4-addr--b4e29b62-2053-47c4-bab4-bbce39e5ed67","value":"198.51.100.3"}',
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      'ipv4-addr  ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4 (the input says ipv4-addr--b4e29b62-2053-47c4-bab4-bbce39e5ed67)\n',
    );
    expect(result.stderr).toBe('1 object carries an id that differs from the deterministic one.\n');
  });

  it('exits 1 on input that is not JSON, 3 on a missing file, 2 without a file', async () => {
    const junk = await runCli(['id', '-'], { stdin: 'not json' });
    expect(junk.code).toBe(1);
    expect(junk.stderr).toMatch(/^intelshare id: `stdin`: Input is not valid JSON: .*\.\n$/);
    const missing = await runCli(['id', 'nope.json']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toBe('intelshare id: cannot read `nope.json`: no such file.\n');
    const none = await runCli(['id']);
    expect(none.code).toBe(2);
  });

  it('exits 1 on empty stdin', async () => {
    const result = await runCli(['id', '-'], { stdin: '' });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('intelshare id: `stdin`: `stdin` is empty.\n');
  });
});
