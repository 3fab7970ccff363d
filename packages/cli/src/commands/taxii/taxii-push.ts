import type { StixObject as FeedObject, TaxiiStatus } from '@intelshare/feeds';
import type { StixObject } from '@intelshare/stix';
import {
  ALLOW_CUSTOM_OPTION,
  HELP_OPTION,
  integerOption,
  JSON_OPTION,
  parseCommandArgs,
} from '../../args';
import { printHelpIfAsked } from '../../command';
import type { Context } from '../../context';
import { invalidInputError, usageError } from '../../errors/cli-error';
import { EXIT_CODES, type ExitCode } from '../../exit-codes';
import { openInput } from '../../input';
import { printJson, safeText } from '../../output';
import { createProgress } from '../../progress';
import { readStix } from '../../stix-input';
import { TAXII_AUTH_OPTIONS } from '../../taxii-auth';
import { CONNECTION_HELP, createClient, parseServerUrl, resolveApiRoot } from './taxii-target';

const HELP = `Usage: intelshare taxii push URL --collection ID FILE [options]

Adds the objects of FILE (a bundle, an array or one object; \`-\` for stdin; large files
are streamed) to a TAXII 2.1 collection, in batches. Objects are validated first: an
invalid file is not sent at all.
URL is the API root, or the server (its default API root is then used).

Options:
  -c, --collection ID    The collection to add to (required).
      --batch N          Objects per request (default 500).
      --wait             Poll each status until the server has processed every object.
      --allow-custom     Accept custom STIX content.
      --json             Print {"objects","success_count","failure_count","pending_count","statuses"}.
${CONNECTION_HELP}
  -h, --help             Print this help.

Exit codes: 0 every object accepted (or pending), 1 invalid input or some objects
refused, 2 usage error, 3 network error.

Example:
  intelshare taxii push https://taxii.example.org/api1/ -c 91a7b528-80eb-42ed-a74d-c6fbd5a26116 \\
    --token "$TOKEN" --wait report.json
`;

export async function taxiiPush(argv: readonly string[], ctx: Context): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs('taxii push', argv, {
    ...HELP_OPTION,
    ...JSON_OPTION,
    ...ALLOW_CUSTOM_OPTION,
    ...TAXII_AUTH_OPTIONS,
    timeout: { type: 'string' },
    collection: { type: 'string', short: 'c' },
    batch: { type: 'string' },
    wait: { type: 'boolean' },
  });
  if (await printHelpIfAsked(values, HELP, ctx)) return EXIT_CODES.ok;
  if (positionals.length !== 2) {
    throw usageError(
      'give a URL and a FILE (or `-` for stdin); run `intelshare taxii push --help`',
    );
  }
  const url = parseServerUrl('taxii push', positionals[0]);
  const collection = values.collection;
  if (collection === undefined || collection === '')
    throw usageError('`--collection ID` is required');
  const batchSize = integerOption('batch', values.batch, { min: 1, max: 100_000 }) ?? 500;
  const client = createClient(url, values, ctx);

  const input = await openInput(positionals[1]!, ctx);
  const reading = await readStix(input, {
    mode: 'strict',
    allowCustom: values['allow-custom'] === true,
  });
  const refuse = (errors: number, first: { path: string; message: string } | undefined) =>
    invalidInputError(
      `\`${input.label}\` is not valid STIX (${errors} error${errors === 1 ? '' : 's'}; first: ${first?.path || '(root)'}: ${first?.message}); nothing was sent`,
    );
  if (reading.kind === 'whole' && !reading.result.valid) {
    const errors = reading.result.issues.filter((issue) => issue.severity === 'error');
    throw refuse(errors.length, errors[0]);
  }
  const apiRoot = await resolveApiRoot(client, url);

  const statuses: TaxiiStatus[] = [];
  let sent = 0;
  const progress = createProgress(ctx, 'pushed', true);
  const send = async (batch: StixObject[]) => {
    let status = await client.addObjects(apiRoot, collection, batch as unknown as FeedObject[]);
    if (values.wait && status.status === 'pending') {
      status = await client.waitForStatus(
        apiRoot,
        status.id,
        ctx.signal ? { signal: ctx.signal } : {},
      );
    }
    statuses.push(status);
    sent += batch.length;
    progress.update({ objects: sent, pages: statuses.length });
  };
  try {
    if (reading.kind === 'whole') {
      for (let start = 0; start < reading.result.objects.length; start += batchSize) {
        await send(reading.result.objects.slice(start, start + batchSize));
      }
    } else {
      // A streamed file is checked as it is read: batches before a bad object are already sent.
      let batch: StixObject[] = [];
      for await (const element of reading.elements) {
        const error = element.issues.find((issue) => issue.severity === 'error');
        if (error || element.object === undefined) {
          throw invalidInputError(
            `\`${input.label}\` is not valid STIX at ${error?.path || `objects[${element.index}]`}: ${error?.message ?? 'unusable object'}; ${sent} objects were sent before it`,
          );
        }
        batch.push(element.object);
        if (batch.length >= batchSize) {
          await send(batch);
          batch = [];
        }
      }
      if (batch.length > 0) await send(batch);
    }
  } finally {
    await progress.done();
  }

  const sum = (key: 'success_count' | 'failure_count' | 'pending_count') =>
    statuses.reduce((total, status) => total + status[key], 0);
  const summary = {
    objects: sent,
    success_count: sum('success_count'),
    failure_count: sum('failure_count'),
    pending_count: sum('pending_count'),
    statuses: statuses.map((status) => status.id),
  };
  if (values.json) await printJson(ctx, summary);
  else {
    const { green, red, yellow } = ctx.style;
    await ctx.out(
      `Sent ${summary.objects} objects: ${green(`${summary.success_count} accepted`)}, ${summary.failure_count > 0 ? red(`${summary.failure_count} refused`) : '0 refused'}, ${summary.pending_count > 0 ? yellow(`${summary.pending_count} pending`) : '0 pending'}\n`,
    );
    for (const status of statuses) {
      for (const failure of status.failures ?? []) {
        await ctx.out(
          `  ${red('refused')} ${safeText(failure.id)}: ${safeText(failure.message ?? 'no reason given')}\n`,
        );
      }
    }
  }
  return summary.failure_count > 0 ? EXIT_CODES.invalid : EXIT_CODES.ok;
}
