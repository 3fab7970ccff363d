import type { Command } from '../command';
import type { Context } from '../context';
import type { ExitCode } from '../exit-codes';

type Runner = { run(argv: readonly string[], ctx: Context): Promise<ExitCode> };

/**
 * Declares a command whose code is loaded only when it runs: `intelshare validate` never
 * loads the TAXII client or server, which keeps start-up fast and one package's problem
 * from breaking every command.
 */
function lazy(
  name: string,
  summary: string,
  load: () => Promise<Runner>,
  subcommands?: readonly string[],
): Command {
  return {
    name,
    summary,
    ...(subcommands ? { subcommands } : {}),
    run: async (argv, ctx) => (await load()).run(argv, ctx),
  };
}

/** Every shipped subcommand, in the order `intelshare --help` lists them. */
export const COMMANDS: readonly Command[] = [
  lazy(
    'validate',
    'Check STIX 2.1 / 2.0 files against the specification.',
    () => import('./validate'),
  ),
  lazy('id', 'Compute deterministic ids for the SCOs in a file.', () => import('./id')),
  lazy(
    'pattern',
    'Validate a STIX pattern, or match it against observed-data.',
    () => import('./pattern'),
    ['validate', 'match'],
  ),
  lazy('match', 'Find which indicators fire on observed-data (indexed).', () => import('./match')),
  lazy(
    'extract',
    'Extract IOCs from text, as values, SCOs or indicators.',
    () => import('./extract'),
  ),
  lazy(
    'convert',
    'Convert between MISP, CSV feeds, STIX 2.0 and STIX 2.1.',
    () => import('./convert'),
  ),
  lazy(
    'share',
    'Preview what a partner receives under a sharing agreement.',
    () => import('./share'),
  ),
  lazy(
    'taxii',
    'Discover, list, pull from and push to TAXII 2.1 collections.',
    () => import('./taxii/index'),
    ['discover', 'collections', 'pull', 'push'],
  ),
  lazy(
    'serve',
    'Run a TAXII 2.1 server (--demo: with bundled public data).',
    () => import('./serve'),
  ),
];
