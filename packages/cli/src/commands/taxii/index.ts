import { runSubcommand, type SubcommandRunner } from '../../command';
import type { Context } from '../../context';
import type { ExitCode } from '../../exit-codes';
import { taxiiCollections } from './taxii-collections';
import { taxiiDiscover } from './taxii-discover';
import { taxiiPull } from './taxii-pull';
import { taxiiPush } from './taxii-push';

const SUBCOMMANDS: Record<string, SubcommandRunner> = {
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
export function run(argv: readonly string[], ctx: Context): Promise<ExitCode> {
  return runSubcommand('taxii', HELP, SUBCOMMANDS, argv, ctx);
}
