import type { StixObject } from '@intelshare/stix';
import {
  matchPattern,
  type ObservedDataLike,
  type PatternIssue,
  validatePattern,
} from '@intelshare/stix/patterns';
import { ALLOW_CUSTOM_OPTION, HELP_OPTION, JSON_OPTION, parseCommandArgs } from '../args';
import { printHelpIfAsked, runSubcommand } from '../command';
import type { Context } from '../context';
import { invalidInputError, usageError } from '../errors/cli-error';
import { EXIT_CODES, type ExitCode } from '../exit-codes';
import { openInput, readText } from '../input';
import { printJson, safeText } from '../output';
import { readStix } from '../stix-input';

const HELP = `Usage: intelshare pattern <validate|match> ...

  intelshare pattern validate PATTERN [--json]
      Checks a STIX pattern: syntax, object types and properties, literal types,
      regexes, qualifiers. PATTERN may be \`-\` to read it from stdin.
      --json prints {"valid", "issues": [{"severity","code","message","line","column","offset"}]}.
      Exit codes: 0 valid, 1 invalid.

  intelshare pattern match PATTERN FILE [--json] [--allow-custom]
      Evaluates PATTERN against the observed-data in FILE (a bundle; \`-\` for stdin),
      honouring AND/OR/FOLLOWEDBY, WITHIN, START/STOP and REPEATS. SCOs referenced by
      \`object_refs\` are looked up in the same file.
      --json prints {"matched", "observed_data_refs": [...]}: the evidence a sighting needs.
      Exit codes: 0 matched, 1 no match or invalid input.

Example:
  intelshare pattern validate "[ipv4-addr:value ISSUBSET '198.51.100.0/24']"
  intelshare pattern match "[domain-name:value = 'evil.example']" observations.json --json
`;

/** Runs `intelshare pattern <validate|match> ...`. */
export function run(argv: readonly string[], ctx: Context): Promise<ExitCode> {
  return runSubcommand('pattern', HELP, { validate, match }, argv, ctx);
}

/** A pattern argument, or the text of stdin for `-`. */
async function patternText(value: string, ctx: Context): Promise<string> {
  if (value !== '-') return value;
  return (await readText(await openInput('-', ctx), 1024 * 1024)).trim();
}

async function validate(argv: readonly string[], ctx: Context): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs('pattern validate', argv, {
    ...HELP_OPTION,
    ...JSON_OPTION,
  });
  if (await printHelpIfAsked(values, HELP, ctx)) return EXIT_CODES.ok;
  if (positionals.length !== 1) {
    throw usageError('give one PATTERN (quote it for the shell); run `intelshare pattern --help`');
  }
  const text = await patternText(positionals[0]!, ctx);
  const { valid, issues } = validatePattern(text);
  if (values.json) await printJson(ctx, { valid, issues });
  else await printIssues(text, valid, issues, ctx);
  return valid ? EXIT_CODES.ok : EXIT_CODES.invalid;
}

async function printIssues(
  text: string,
  valid: boolean,
  issues: readonly PatternIssue[],
  ctx: Context,
): Promise<void> {
  const { red, yellow, green, dim } = ctx.style;
  const lines = [valid ? green('valid') : red('invalid')];
  const sourceLines = text.split('\n');
  for (const issue of issues) {
    const severity = issue.severity === 'error' ? red('error') : yellow('warning');
    lines.push(
      `${issue.line}:${issue.column} ${severity} ${safeText(issue.message)} ${dim(`[${issue.code}]`)}`,
    );
    const source = sourceLines[issue.line - 1];
    if (source !== undefined && source.length <= 200) {
      lines.push(
        `  ${safeText(source)}`,
        `  ${' '.repeat(Math.max(issue.column - 1, 0))}${red('^')}`,
      );
    }
  }
  await ctx.out(`${lines.join('\n')}\n`);
}

async function match(argv: readonly string[], ctx: Context): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs('pattern match', argv, {
    ...HELP_OPTION,
    ...JSON_OPTION,
    ...ALLOW_CUSTOM_OPTION,
  });
  if (await printHelpIfAsked(values, HELP, ctx)) return EXIT_CODES.ok;
  if (positionals.length !== 2) {
    throw usageError('give a PATTERN and a FILE of observed-data; run `intelshare pattern --help`');
  }
  const [patternArg, file] = positionals as [string, string];
  if (patternArg === '-' && file === '-') throw usageError('stdin (`-`) can be read only once');
  const text = await patternText(patternArg, ctx);
  const validation = validatePattern(text);
  if (!validation.valid) {
    const first = validation.issues.find((issue) => issue.severity === 'error');
    throw invalidInputError(
      `the pattern is invalid at ${first?.line}:${first?.column}: ${first?.message ?? 'syntax error'}`,
    );
  }
  const objects = await readObjects(file, values['allow-custom'] === true, ctx);
  // Validated observed-data objects; the matcher reads them through a looser shape.
  const observations = objects.filter(
    (object) => object.type === 'observed-data',
  ) as unknown as ObservedDataLike[];
  const result = matchPattern(validation.pattern ?? text, observations, { scos: objects });
  if (values.json) {
    await printJson(ctx, { matched: result.matched, observed_data_refs: result.evidence });
  } else if (result.matched) {
    await ctx.out(`${ctx.style.green('matched')}: ${result.evidence.join(', ')}\n`);
  } else {
    await ctx.out(`${ctx.style.red('no match')} in ${observations.length} observed-data\n`);
  }
  return result.matched ? EXIT_CODES.ok : EXIT_CODES.invalid;
}

/**
 * Reads the STIX objects of a file leniently (observations from sensors are often
 * imperfect), refusing only what is not STIX at all.
 */
export async function readObjects(
  file: string,
  allowCustom: boolean,
  ctx: Context,
): Promise<StixObject[]> {
  const input = await openInput(file, ctx);
  const reading = await readStix(input, { mode: 'lenient', allowCustom });
  if (reading.kind !== 'whole') {
    throw invalidInputError(
      `\`${input.label}\` is larger than 64 MiB; use \`intelshare match\`, which streams observations`,
    );
  }
  const fatal = reading.result.issues.find((issue) => issue.code === 'INVALID_JSON');
  if (fatal) throw invalidInputError(`\`${input.label}\`: ${fatal.message}`);
  return reading.result.objects;
}
