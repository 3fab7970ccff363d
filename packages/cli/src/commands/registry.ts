import type { Command } from '../command';
import { serveCommand } from './serve';
import { taxiiCommand } from './taxii/index';

/** Every shipped subcommand, in the order `intelshare --help` lists them. */
export const COMMANDS: readonly Command[] = [taxiiCommand, serveCommand];
