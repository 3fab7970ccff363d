import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import {
  type FeedIssue,
  type FeedMappingInput,
  type StixObject as FeedObject,
  feodoTrackerMapping,
  mispToStix,
  openPhishMapping,
  parseFeed,
  spamhausDropMapping,
  stixToMisp,
  threatFoxMapping,
  urlhausMapping,
} from '@intelshare/feeds';
import { parse as parseYaml } from 'yaml';
import { ALLOW_CUSTOM_OPTION, HELP_OPTION, JSON_OPTION, parseCommandArgs } from '../args';
import { printHelpIfAsked } from '../command';
import type { Context } from '../context';
import { invalidInputError, ioError, usageError } from '../errors/cli-error';
import { EXIT_CODES, type ExitCode } from '../exit-codes';
import { describeSystemError, type Input, openInput, readText } from '../input';
import { safeText } from '../output';
import { readStix } from '../stix-input';

const PRESETS: Record<string, FeedMappingInput> = {
  urlhaus: urlhausMapping,
  feodotracker: feodoTrackerMapping,
  threatfox: threatFoxMapping,
  'spamhaus-drop': spamhausDropMapping,
  openphish: openPhishMapping,
};

const HELP = `Usage: intelshare convert --from FORMAT --to FORMAT FILE [options]

Converts threat intelligence between formats. FILE may be \`-\` for stdin.

  --from misp          A MISP event ({"Event": ...}), a list of events, or a
                       restSearch response ({"response": [...]}).
  --from csv:MAPPING   A plain feed (CSV, TSV, one value per line, JSON lines). MAPPING is a
                       preset (${Object.keys(PRESETS).join(', ')}) or a mapping file
                       (YAML or JSON: observable column and kind, dates, labels...).
  --from stix20        STIX 2.0 (upgraded to 2.1); \`stix21\` is accepted too.
  --to stix21          One STIX 2.1 bundle.
  --to misp            MISP events: {"Event": ...}, or a list when there are several.

Options:
  -o, --out FILE       Write the result to FILE instead of stdout.
      --allow-custom   Accept custom STIX content (STIX input).
      --json           Compact JSON (the default when stdout is not a terminal).
  -h, --help           Print this help.

Rows or values that cannot be converted are listed on stderr (skipped, or kept as notes);
nothing is dropped silently. Exit codes: 0 converted, 1 invalid input, 2 usage error, 3 I/O error.

Example:
  intelshare convert --from misp --to stix21 event.json -o event.stix.json
  curl -s https://feodotracker.abuse.ch/downloads/ipblocklist.csv | \\
    intelshare convert --from csv:feodotracker --to stix21 -
`;

/** Runs `intelshare convert`. */
export async function run(argv: readonly string[], ctx: Context): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs('convert', argv, {
    ...HELP_OPTION,
    ...JSON_OPTION,
    ...ALLOW_CUSTOM_OPTION,
    from: { type: 'string' },
    to: { type: 'string' },
    out: { type: 'string', short: 'o' },
  });
  if (await printHelpIfAsked(values, HELP, ctx)) return EXIT_CODES.ok;
  const from = values.from;
  const to = values.to;
  if (from === undefined || to === undefined) throw usageError('`--from` and `--to` are required');
  if (to !== 'stix21' && to !== 'misp')
    throw usageError(`\`--to\` must be stix21 or misp, got \`${to}\``);
  if (!(from === 'misp' || from === 'stix20' || from === 'stix21' || from.startsWith('csv:'))) {
    throw usageError(`\`--from\` must be misp, csv:MAPPING, stix20 or stix21, got \`${from}\``);
  }
  if (from === 'misp' && to === 'misp')
    throw usageError('`--from misp --to misp` converts nothing');
  if (positionals.length !== 1) {
    throw usageError('give exactly one FILE (or `-` for stdin); run `intelshare convert --help`');
  }
  const mapping = from.startsWith('csv:') ? await loadMapping(from.slice(4), ctx) : undefined;
  const input = await openInput(positionals[0]!, ctx);

  let objects: FeedObject[];
  let issues: FeedIssue[] = [];
  if (from === 'misp') {
    const events = mispEvents(await readJson(input), input.label);
    objects = [];
    for (const event of events) {
      const converted = mispToStix(event);
      objects.push(...converted.objects);
      issues.push(...converted.issues);
    }
  } else if (mapping !== undefined) {
    const parsed = parseFeed(await readText(input, 512 * 1024 * 1024), mapping);
    objects = parsed.objects;
    issues = parsed.issues;
  } else {
    const reading = await readStix(input, {
      mode: 'strict',
      allowCustom: values['allow-custom'] === true,
    });
    if (reading.kind !== 'whole') {
      throw invalidInputError(
        `\`${input.label}\` is larger than 64 MiB, the limit for \`convert\``,
      );
    }
    if (!reading.result.valid) {
      const errors = reading.result.issues.filter((issue) => issue.severity === 'error');
      throw invalidInputError(
        `\`${input.label}\` is not valid STIX (${errors.length} errors; first: ${errors[0]?.path || '(root)'}: ${errors[0]?.message}); run \`intelshare validate\` to see them all`,
      );
    }
    objects = reading.result.objects as unknown as FeedObject[];
  }

  for (const issue of issues) {
    await ctx.err(
      ctx.errStyle.yellow(`warning ${safeText(issue.path)}: ${safeText(issue.message)}\n`),
    );
  }
  let output: unknown;
  if (to === 'stix21') {
    output = { type: 'bundle', id: `bundle--${randomUUID()}`, objects };
  } else {
    const events = stixToMisp(objects).map((event) => ({ Event: event }));
    output = events.length === 1 ? events[0] : events;
  }
  const pretty = values.json !== true && values.out === undefined && ctx.stdoutIsTTY;
  const text = `${pretty ? JSON.stringify(output, null, 2) : JSON.stringify(output)}\n`;
  if (values.out !== undefined && values.out !== '-') {
    try {
      await writeFile(values.out, text);
    } catch (error) {
      throw ioError(`cannot write \`${values.out}\`: ${describeSystemError(error)}`, error);
    }
    await ctx.err(`Wrote ${objects.length} objects to ${values.out}\n`);
  } else {
    await ctx.out(text);
  }
  return EXIT_CODES.ok;
}

async function readJson(input: Input): Promise<unknown> {
  const text = await readText(input, 512 * 1024 * 1024);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw invalidInputError(
      `\`${input.label}\` is not valid JSON: ${(error as Error).message}`,
      error,
    );
  }
}

/** The events of a MISP export: one event, a list of events, or a restSearch response. */
function mispEvents(value: unknown, label: string): unknown[] {
  const response = (value as { response?: unknown } | null)?.response;
  const list = Array.isArray(value) ? value : Array.isArray(response) ? response : [value];
  if (list.length === 0) throw invalidInputError(`\`${label}\` holds no MISP event`);
  return list;
}

async function loadMapping(name: string, ctx: Context): Promise<FeedMappingInput> {
  if (name === '') throw usageError('`--from csv:MAPPING` needs a preset name or a mapping file');
  if (Object.hasOwn(PRESETS, name)) return PRESETS[name]!;
  const input = await openInput(name, ctx).catch((error: unknown) => {
    throw usageError(
      `\`${name}\` is neither a preset (${Object.keys(PRESETS).join(', ')}) nor a readable mapping file: ${error instanceof Error ? error.message : String(error)}`,
    );
  });
  try {
    return parseYaml(await readText(input, 1024 * 1024), {
      maxAliasCount: 100,
    }) as FeedMappingInput;
  } catch (error) {
    if (error instanceof Error && error.name === 'CliError') throw error;
    throw invalidInputError(`the mapping file \`${name}\` is not valid YAML or JSON`, error);
  }
}
