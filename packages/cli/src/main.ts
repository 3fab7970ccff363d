import { VERSION } from './version';

/** Where the command writes; injectable so tests and embedders can capture output. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const USAGE = `Usage: intelshare <command> [options]

Commands grow with the packages; run \`intelshare <command> --help\` for each.

Options:
  --version  Print the version.
  --help     Print this help.
`;

/**
 * Runs the `intelshare` command with the given arguments and returns its exit code
 * (0 ok, 1 invalid input / no match / denied, 2 usage error, 3 I/O or network error).
 *
 * @example
 * ```ts
 * import { main } from '@intelshare/cli';
 *
 * const code = await main(['--version']);
 * ```
 */
export async function main(
  argv: readonly string[],
  io: CliIo = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  },
): Promise<number> {
  const [first] = argv;
  if (first === '--version' || first === '-v') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  if (first === undefined || first === '--help' || first === '-h') {
    io.stdout(USAGE);
    return first === undefined ? 2 : 0;
  }
  io.stderr(`intelshare: unknown command \`${first}\`; run \`intelshare --help\` for the list.\n`);
  return 2;
}
