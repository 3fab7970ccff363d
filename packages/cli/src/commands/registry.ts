import type { Command } from '../command';

/** Every shipped subcommand, in the order `intelshare --help` lists them. */
export const COMMANDS: readonly Command[] = [];
