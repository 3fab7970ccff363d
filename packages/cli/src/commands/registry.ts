import type { Command } from '../command';
import { idCommand } from './id';
import { serveCommand } from './serve';
import { taxiiCommand } from './taxii/index';
import { validateCommand } from './validate';

/** Every shipped subcommand, in the order `intelshare --help` lists them. */
export const COMMANDS: readonly Command[] = [
  validateCommand,
  idCommand,
  taxiiCommand,
  serveCommand,
];
