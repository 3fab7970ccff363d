import type { Context } from './context';
import type { ExitCode } from './exit-codes';

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
