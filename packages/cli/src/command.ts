import type { Context } from './context';
import { usageError } from './errors/cli-error';
import { EXIT_CODES, type ExitCode } from './exit-codes';

/** One `intelshare` subcommand (or group of subcommands, such as `taxii`). */
export interface Command {
  /** The word typed after `intelshare`. */
  readonly name: string;
  /** One line for `intelshare --help`. */
  readonly summary: string;
  /** Words accepted after the name (`taxii pull`), so errors can name the full command. */
  readonly subcommands?: readonly string[];
  /** Runs with the arguments after the command name and returns the exit code. */
  run(argv: readonly string[], ctx: Context): Promise<ExitCode>;
}

/** Prints a command's help when `--help` is given; returns whether it did. */
export async function printHelpIfAsked(
  values: { help?: boolean | undefined },
  help: string,
  ctx: Context,
): Promise<boolean> {
  if (values.help !== true) return false;
  await ctx.out(help.endsWith('\n') ? help : `${help}\n`);
  return true;
}

/** Runs one subcommand of a group with the arguments after it. */
export type SubcommandRunner = (argv: readonly string[], ctx: Context) => Promise<ExitCode>;

/**
 * Dispatches a command group (`intelshare taxii pull …`): no subcommand prints the
 * group's help to stderr (usage error), `--help` prints it to stdout, and an unknown
 * word is a usage error that points at the help.
 */
export async function runSubcommand(
  group: string,
  help: string,
  subcommands: Readonly<Record<string, SubcommandRunner>>,
  argv: readonly string[],
  ctx: Context,
): Promise<ExitCode> {
  const [sub, ...rest] = argv;
  if (sub === undefined) {
    await ctx.err(help);
    return EXIT_CODES.usage;
  }
  if (sub === '--help' || sub === '-h') {
    await ctx.out(help);
    return EXIT_CODES.ok;
  }
  const subcommand = Object.hasOwn(subcommands, sub) ? subcommands[sub] : undefined;
  if (subcommand === undefined) {
    throw usageError(`unknown subcommand \`${sub}\`; run \`intelshare ${group} --help\``);
  }
  return subcommand(rest, ctx);
}
