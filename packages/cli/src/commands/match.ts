import type { StixObject } from '@intelshare/stix';
import {
  IndicatorIndex,
  type IndicatorLike,
  type ObservedDataLike,
} from '@intelshare/stix/patterns';
import { ALLOW_CUSTOM_OPTION, HELP_OPTION, JSON_OPTION, parseCommandArgs } from '../args';
import { printHelpIfAsked } from '../command';
import type { Context } from '../context';
import { invalidInputError, usageError } from '../errors/cli-error';
import { EXIT_CODES, type ExitCode } from '../exit-codes';
import { openInput } from '../input';
import { printJson, safeText } from '../output';
import { readStix } from '../stix-input';
import { readObjects } from './pattern';

const HELP = `Usage: intelshare match INDICATORS OBSERVATIONS [options]

Finds every indicator in INDICATORS (a bundle) that fires on the observed-data in
OBSERVATIONS, using an index, so thousands of indicators cost about as much as one.
OBSERVATIONS may be \`-\` for stdin and is streamed when large; SCOs that \`object_refs\`
point to must then come before the observed-data that references them.
Indicators outside their valid_from/valid_until window, or revoked, never fire.

Options:
      --json            One line per match: {"indicator","observed_data_refs"}.
      --allow-custom    Accept custom STIX content in either file.
  -h, --help            Print this help.

Exit codes: 0 something matched, 1 nothing matched or invalid input, 2 usage error,
3 a file could not be read.

Example:
  intelshare match threat-feed.json todays-observations.json --json
`;

/** Runs `intelshare match INDICATORS OBSERVATIONS`. */
export async function run(argv: readonly string[], ctx: Context): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs('match', argv, {
    ...HELP_OPTION,
    ...JSON_OPTION,
    ...ALLOW_CUSTOM_OPTION,
  });
  if (await printHelpIfAsked(values, HELP, ctx)) return EXIT_CODES.ok;
  if (positionals.length !== 2) {
    throw usageError('give INDICATORS and OBSERVATIONS files; run `intelshare match --help`');
  }
  const [indicatorsFile, observationsFile] = positionals as [string, string];
  if (indicatorsFile === '-' && observationsFile === '-') {
    throw usageError('stdin (`-`) can be read only once');
  }
  const allowCustom = values['allow-custom'] === true;

  const indicators = (await readObjects(indicatorsFile, allowCustom, ctx)).filter(
    (object) => object.type === 'indicator',
  );
  const index = new IndicatorIndex();
  const { added, skipped } = index.add(indicators as unknown as IndicatorLike[]);
  for (const { id, reason } of skipped) {
    await ctx.err(ctx.errStyle.dim(`skipped ${safeText(id)}: ${safeText(reason)}\n`));
  }
  if (added === 0) {
    throw invalidInputError(
      `\`${indicatorsFile === '-' ? 'stdin' : indicatorsFile}\` holds no usable STIX indicator`,
    );
  }

  const input = await openInput(observationsFile, ctx);
  const reading = await readStix(input, { mode: 'lenient', allowCustom });
  const scos = new Map<string, Record<string, unknown>>();
  const correlation = index.createCorrelation();
  let observations = 0;
  let matches = 0;

  const consider = async (object: StixObject) => {
    if (object.type !== 'observed-data') {
      scos.set(object.id, object as Record<string, unknown>);
      return;
    }
    observations += 1;
    for (const found of index.match(object as unknown as ObservedDataLike, { scos, correlation })) {
      matches += 1;
      if (values.json) {
        await printJson(ctx, { indicator: found.indicatorId, observed_data_refs: found.evidence });
      } else {
        const name =
          typeof found.indicator.name === 'string' ? ` (${safeText(found.indicator.name)})` : '';
        await ctx.out(
          `${ctx.style.green(found.indicatorId)}${name} ← ${found.evidence.join(', ')}\n`,
        );
      }
    }
  };

  if (reading.kind === 'whole') {
    const fatal = reading.result.issues.find((issue) => issue.code === 'INVALID_JSON');
    if (fatal) throw invalidInputError(`\`${input.label}\`: ${fatal.message}`);
    // Whole files: every SCO is known before any observation is matched.
    for (const object of reading.result.objects) {
      if (object.type !== 'observed-data') scos.set(object.id, object as Record<string, unknown>);
    }
    for (const object of reading.result.objects)
      if (object.type === 'observed-data') await consider(object);
  } else {
    for await (const element of reading.elements) {
      const fatal = element.issues.find(
        (issue) => issue.code === 'INVALID_JSON' && !issue.path.endsWith(']'),
      );
      if (fatal) throw invalidInputError(`\`${input.label}\`: ${fatal.message}`);
      if (element.object) await consider(element.object);
    }
  }
  if (!values.json) {
    await ctx.err(
      ctx.errStyle.dim(
        `${matches} match${matches === 1 ? '' : 'es'}: ${added} indicators, ${observations} observed-data\n`,
      ),
    );
  }
  return matches > 0 ? EXIT_CODES.ok : EXIT_CODES.invalid;
}
