import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, runCli } from './helpers/run-cli';

const pkg = JSON.parse(readFileSync(join(BIN, '..', '..', 'package.json'), 'utf8')) as {
  version: string;
};

describe('intelshare', () => {
  it('prints the package version with --version', async () => {
    const result = await runCli(['--version']);
    expect(result).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  it('lists the commands with --help and exits 0', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: intelshare <command> [options]');
    expect(result.stdout).toContain('Exit codes: 0 ok');
  });

  it('prints usage on stderr and exits 2 without a command', async () => {
    const result = await runCli([]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Usage: intelshare');
  });

  it('rejects an unknown command with one sentence and exit code 2', async () => {
    const result = await runCli(['frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'intelshare: unknown command `frobnicate`; run `intelshare --help` for the list.\n',
    );
  });

  it.each(['pattern', 'taxii'])(
    'prints the %s group help on stderr without a subcommand, exit code 2',
    async (group) => {
      const result = await runCli([group]);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(new RegExp(`^Usage: intelshare ${group} `));
    },
  );

  it.each(['pattern', 'taxii'])(
    'rejects an unknown %s subcommand with exit code 2',
    async (group) => {
      const result = await runCli([group, 'frobnicate']);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(
        `unknown subcommand \`frobnicate\`; run \`intelshare ${group} --help\``,
      );
    },
  );
});

describe('--help on every subcommand', () => {
  const commands = [
    ['validate'],
    ['id'],
    ['pattern'],
    ['pattern', 'validate'],
    ['pattern', 'match'],
    ['match'],
    ['extract'],
    ['convert'],
    ['share'],
    ['taxii'],
    ['taxii', 'discover'],
    ['taxii', 'collections'],
    ['taxii', 'pull'],
    ['taxii', 'push'],
    ['serve'],
  ];
  it.each(commands)('intelshare %s %s --help prints usage and an example', async (...words) => {
    const args = words.filter((word): word is string => typeof word === 'string');
    const result = await runCli([...args, '--help']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^Usage: intelshare /);
    expect(result.stdout).toContain('Example:');
    expect(result.stdout).toContain(`intelshare ${args[0]}`);
  });

  it('lists every command in the top-level help', async () => {
    const result = await runCli(['--help']);
    for (const name of [
      'validate',
      'id',
      'pattern',
      'match',
      'extract',
      'convert',
      'share',
      'taxii',
      'serve',
    ]) {
      expect(result.stdout).toMatch(new RegExp(`^  ${name}\\s+\\S`, 'm'));
    }
  });
});
