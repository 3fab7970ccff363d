import { HELP_OPTION, JSON_OPTION, parseCommandArgs } from '../../args';
import { printHelpIfAsked } from '../../command';
import type { Context } from '../../context';
import { usageError } from '../../errors/cli-error';
import { EXIT_CODES, type ExitCode } from '../../exit-codes';
import { columns, printJson, safeText } from '../../output';
import { TAXII_AUTH_OPTIONS } from '../../taxii-auth';
import { CONNECTION_HELP, createClient, parseServerUrl, resolveApiRoot } from './taxii-target';

const HELP = `Usage: intelshare taxii collections URL [options]

Lists the collections of a TAXII 2.1 API root, with what you may do in each.
URL is the API root, or the server (its default API root is then used).

Options:
      --json             Print the collections resource: {"collections": [...]}.
${CONNECTION_HELP}
  -h, --help             Print this help.

Example:
  intelshare taxii collections https://taxii.example.org/api1/ --token "$TOKEN" --json
`;

export async function taxiiCollections(argv: readonly string[], ctx: Context): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs('taxii collections', argv, {
    ...HELP_OPTION,
    ...JSON_OPTION,
    ...TAXII_AUTH_OPTIONS,
    timeout: { type: 'string' },
  });
  if (await printHelpIfAsked(values, HELP, ctx)) return EXIT_CODES.ok;
  if (positionals.length > 1) throw usageError('`intelshare taxii collections` takes one URL');
  const url = parseServerUrl('taxii collections', positionals[0]);
  const client = createClient(url, values, ctx);
  const apiRoot = await resolveApiRoot(client, url);
  const collections = await client.collections(apiRoot);
  if (values.json) {
    // TAXII 2.1 §5.1: the collections resource; an empty one has no `collections` key.
    await printJson(ctx, collections.length === 0 ? {} : { collections });
    return EXIT_CODES.ok;
  }
  if (collections.length === 0) {
    await ctx.out(`No collections at ${apiRoot}\n`);
    return EXIT_CODES.ok;
  }
  const { bold, dim } = ctx.style;
  const rows = [
    ['ID', 'ACCESS', 'TITLE'].map((cell) => bold(cell)),
    ...collections.map((collection) => [
      safeText(collection.id),
      `${collection.can_read ? 'read' : dim('-')}${collection.can_write ? ' write' : ''}`,
      safeText(collection.title),
    ]),
  ];
  await ctx.out(`${columns(rows).join('\n')}\n`);
  return EXIT_CODES.ok;
}
