import type { CliIo } from './cli-io';
import { COMMANDS } from './commands/registry';
import { type Context, createContext } from './context';
import { EXIT_CODES, type ExitCode } from './exit-codes';
import { VERSION } from './version';

function usage(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  const list = COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return `Usage: intelshare <command> [options]

Work with STIX 2.1 threat intelligence, TAXII 2.1 servers and sharing agreements.

Commands:
${list.join('\n')}

Options:
  --version  Print the version.
  --help     Print this help; \`intelshare <command> --help\` explains each command.

Exit codes: 0 ok, 1 invalid input / no match / denied, 2 usage error, 3 I/O or network error.
`;
}

/**
 * Runs the `intelshare` command with the given arguments and returns its exit code
 * (0 ok, 1 invalid input / no match / denied, 2 usage error, 3 I/O or network error).
 *
 * @param argv - The arguments after the program name, e.g. `['validate', 'bundle.json']`.
 * @param io - Where to write; defaults to the process's stdout, stderr and stdin.
 * @returns The exit code.
 *
 * @example
 * ```ts
 * import { main } from '@intelshare/cli';
 *
 * const code = await main(['--version']);
 * ```
 */
export async function main(argv: readonly string[], io?: CliIo): Promise<ExitCode> {
  const ctx = createContext(io);
  const [first, ...rest] = argv;
  if (first === '--version' || first === '-v') {
    await ctx.out(`${VERSION}\n`);
    return EXIT_CODES.ok;
  }
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    if (first === undefined) {
      await ctx.err(usage());
      return EXIT_CODES.usage;
    }
    await ctx.out(usage());
    return EXIT_CODES.ok;
  }
  const command = COMMANDS.find((candidate) => candidate.name === first);
  if (command === undefined) {
    await ctx.err(
      `intelshare: unknown command \`${first}\`; run \`intelshare --help\` for the list.\n`,
    );
    return EXIT_CODES.usage;
  }
  try {
    return await command.run(rest, ctx);
  } catch (error) {
    const sub = rest[0];
    const name =
      sub !== undefined && command.subcommands?.includes(sub)
        ? `${command.name} ${sub}`
        : command.name;
    return report(name, error, ctx);
  }
}

async function report(name: string, error: unknown, ctx: Context): Promise<ExitCode> {
  // Loaded only on failure: it pulls in the STIX model, which `--version` does not need.
  const { exitCodeFor } = await import('./errors/exit-code-for');
  const exitCode = exitCodeFor(error);
  const message = error instanceof Error ? error.message : String(error);
  const sentence = message.trim().replace(/[.\s]*$/, '.');
  await ctx.err(`intelshare ${name}: ${sentence}\n`);
  if (ctx.env.INTELSHARE_DEBUG && error instanceof Error && error.stack) {
    await ctx.err(`${error.stack}\n`);
  }
  return exitCode;
}
