import { HELP_OPTION, JSON_OPTION, parseCommandArgs } from '../../args';
import { printHelpIfAsked } from '../../command';
import type { Context } from '../../context';
import { usageError } from '../../errors/cli-error';
import { EXIT_CODES, type ExitCode } from '../../exit-codes';
import { printJson, safeText } from '../../output';
import { TAXII_AUTH_OPTIONS } from '../../taxii-auth';
import { CONNECTION_HELP, createClient, parseServerUrl } from './taxii-target';

const HELP = `Usage: intelshare taxii discover URL [options]

Reads a TAXII 2.1 server's discovery resource: its title and API roots.
URL is the server (discovery is then at /taxii2/) or the discovery URL itself.

Options:
      --json             Print the discovery resource as JSON.
${CONNECTION_HELP}
  -h, --help             Print this help.

Example:
  intelshare taxii discover https://taxii.example.org/taxii2/ --user alice --password s3cret
`;

export async function taxiiDiscover(argv: readonly string[], ctx: Context): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs('taxii discover', argv, {
    ...HELP_OPTION,
    ...JSON_OPTION,
    ...TAXII_AUTH_OPTIONS,
    timeout: { type: 'string' },
  });
  if (await printHelpIfAsked(values, HELP, ctx)) return EXIT_CODES.ok;
  if (positionals.length > 1) throw usageError('`intelshare taxii discover` takes one URL');
  const url = parseServerUrl('taxii discover', positionals[0]);
  if (!/\/taxii2\/$/.test(url.pathname) && url.pathname !== '/') {
    url.pathname = `${url.pathname}taxii2/`;
  }
  const client = createClient(url, values, ctx);
  const discovery = await client.discover();
  if (values.json) {
    await printJson(ctx, discovery);
    return EXIT_CODES.ok;
  }
  const { bold, dim } = ctx.style;
  const lines = [bold(safeText(discovery.title))];
  if (discovery.description) lines.push(safeText(discovery.description));
  if (discovery.contact) lines.push(`${dim('contact:')} ${safeText(discovery.contact)}`);
  const roots = discovery.api_roots ?? [];
  lines.push(`${dim('API roots:')}${roots.length === 0 ? ' none' : ''}`);
  for (const root of roots) {
    lines.push(`  ${safeText(root)}${root === discovery.default ? dim(' (default)') : ''}`);
  }
  await ctx.out(`${lines.join('\n')}\n`);
  return EXIT_CODES.ok;
}
