import type { Context } from '../../context';
import { usageError } from '../../errors/cli-error';
import { EXIT_CODES, type ExitCode } from '../../exit-codes';
import { taxiiCollections } from './taxii-collections';
import { taxiiDiscover } from './taxii-discover';
import { taxiiPull } from './taxii-pull';
import { taxiiPush } from './taxii-push';

const SUBCOMMANDS: Record<string, (argv: readonly string[], ctx: Context) => Promise<ExitCode>> = {
  discover: taxiiDiscover,
  collections: taxiiCollections,
  pull: taxiiPull,
  push: taxiiPush,
};

const HELP = `Usage: intelshare taxii <discover|collections|pull|push> URL [options]

Talks to a TAXII 2.1 server.

Subcommands:
  discover      The server's title and API roots.
  collections   The collections of an API root and what you may do in each.
  pull          Every object of a collection into one STIX bundle, resumable.
  push          The objects of a STIX file into a collection.

Run \`intelshare taxii <subcommand> --help\` for its options.

Example:
  intelshare taxii collections https://taxii.example.org/api1/ --user alice --password s3cret
`;

/** Runs `intelshare taxii <subcommand> ...`. */
export async function run(argv: readonly string[], ctx: Context): Promise<ExitCode> {
  const [sub, ...rest] = argv;
  if (sub === undefined) {
    await ctx.err(HELP);
    return EXIT_CODES.usage;
  }
  if (sub === '--help' || sub === '-h') {
    await ctx.out(HELP);
    return EXIT_CODES.ok;
  }
  const subcommand = Object.hasOwn(SUBCOMMANDS, sub) ? SUBCOMMANDS[sub] : undefined;
  if (subcommand === undefined) {
    throw usageError(`unknown subcommand \`${sub}\`; run \`intelshare taxii --help\``);
  }
  return subcommand(rest, ctx);
}
