import type { StixIssue } from '@intelshare/stix';
import {
  ALLOW_CUSTOM_OPTION,
  HELP_OPTION,
  integerOption,
  JSON_OPTION,
  parseCommandArgs,
} from '../args';
import { printHelpIfAsked } from '../command';
import type { Context } from '../context';
import { CliError, usageError } from '../errors/cli-error';
import { EXIT_CODES, type ExitCode } from '../exit-codes';
import { openInput } from '../input';
import { printJson, safeText } from '../output';
import { readStix } from '../stix-input';

const HELP = `Usage: intelshare validate FILE... [options]

Checks STIX 2.1 (and 2.0) bundles, arrays of objects, or single objects against the
specification: shapes, identifiers, references, timestamps, vocabularies, extensions.
FILE may be \`-\` for stdin. Inputs over 64 MiB are streamed object by object.

Options:
      --strict          Warnings count too: a file with any issue is invalid.
      --lenient         Report spec MUSTs as warnings instead of errors.
      --allow-custom    Accept custom objects, properties and extensions.
      --max-issues N    Keep at most N issues per file (default 1000); the rest are counted.
      --json            One JSON object per file:
                        {"file","valid","objects","issues":[{"severity","code","path","message"}]}
  -h, --help            Print this help.

Exit codes: 0 every file valid, 1 some file invalid, 2 usage error, 3 a file could not be read.

Example:
  intelshare validate partner-feed.json
  curl -s https://example.org/bundle.json | intelshare validate --json -
`;

/** The JSON line printed per file. */
interface FileReport {
  file: string;
  valid: boolean;
  objects: number;
  issues: StixIssue[];
}

/** Runs the command with the arguments after its name. */
export async function run(argv: readonly string[], ctx: Context): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs('validate', argv, {
    ...HELP_OPTION,
    ...JSON_OPTION,
    ...ALLOW_CUSTOM_OPTION,
    strict: { type: 'boolean' },
    lenient: { type: 'boolean' },
    'max-issues': { type: 'string' },
  });
  if (await printHelpIfAsked(values, HELP, ctx)) return EXIT_CODES.ok;
  if (positionals.length === 0) {
    throw usageError('give at least one FILE (or `-` for stdin); run `intelshare validate --help`');
  }
  if (values.strict && values.lenient)
    throw usageError('`--strict` and `--lenient` exclude each other');
  if (positionals.filter((file) => file === '-').length > 1) {
    throw usageError('stdin (`-`) can be read only once');
  }
  const maxIssues =
    integerOption('max-issues', values['max-issues'], { min: 0, max: 10_000_000 }) ?? 1000;
  const options = {
    mode: values.lenient ? ('lenient' as const) : ('strict' as const),
    allowCustom: values['allow-custom'] === true,
    warningsFail: values.strict === true,
    maxIssues,
  };

  let exitCode: ExitCode = EXIT_CODES.ok;
  for (const file of positionals) {
    let report: FileReport;
    try {
      report = await validateFile(file, options, ctx);
    } catch (error) {
      // One unreadable file does not hide the verdict on the others.
      if (!(error instanceof CliError) || error.exitCode !== EXIT_CODES.io) throw error;
      await ctx.err(`intelshare validate: ${error.message}.\n`);
      exitCode = EXIT_CODES.io;
      continue;
    }
    if (!report.valid && exitCode === EXIT_CODES.ok) exitCode = EXIT_CODES.invalid;
    if (values.json) await printJson(ctx, report);
    else await printHuman(report, ctx);
  }
  return exitCode;
}

interface ValidateOptions {
  mode: 'strict' | 'lenient';
  allowCustom: boolean;
  warningsFail: boolean;
  maxIssues: number;
}

async function validateFile(
  file: string,
  options: ValidateOptions,
  ctx: Context,
): Promise<FileReport> {
  const input = await openInput(file, ctx);
  const reading = await readStix(input, options);
  const collector = new IssueCollector(options.maxIssues);
  let objects: number;
  if (reading.kind === 'whole') {
    objects = reading.count;
    for (const issue of reading.result.issues) collector.add(issue);
  } else {
    objects = 0;
    for await (const element of reading.elements) {
      // The stream's last element may be a syntax error past the final object.
      // …and a `topLevel` element reports the bundle itself, not one of its objects.
      if (
        element.topLevel !== true &&
        (element.object !== undefined || !isTrailingSyntaxError(element.issues))
      )
        objects += 1;
      for (const issue of element.issues) collector.add(issue);
    }
  }
  const valid = collector.errors === 0 && (!options.warningsFail || collector.total === 0);
  return { file: input.label, valid, objects, issues: collector.list() };
}

/** A syntax error after the last object carries no index in its path (`objects`, not `objects[7]`). */
function isTrailingSyntaxError(issues: readonly StixIssue[]): boolean {
  const [issue] = issues;
  return issues.length === 1 && issue?.code === 'INVALID_JSON' && !issue.path.endsWith(']');
}

/** Keeps the first N issues and counts the rest, so a hostile file cannot exhaust memory. */
class IssueCollector {
  readonly #kept: StixIssue[] = [];
  total = 0;
  errors = 0;
  #droppedErrors = 0;

  constructor(readonly max: number) {}

  add(issue: StixIssue): void {
    this.total += 1;
    if (issue.severity === 'error') this.errors += 1;
    if (this.#kept.length < this.max) this.#kept.push(issue);
    else if (issue.severity === 'error') this.#droppedErrors += 1;
  }

  list(): StixIssue[] {
    const dropped = this.total - this.#kept.length;
    if (dropped === 0) return this.#kept;
    return [
      ...this.#kept,
      {
        severity: this.#droppedErrors > 0 ? 'error' : 'warning',
        code: 'TOO_MANY_ISSUES' as StixIssue['code'],
        path: '',
        message: `${dropped} more issues (${this.#droppedErrors} errors) were not listed; raise \`--max-issues\` to see them.`,
      },
    ];
  }
}

async function printHuman(report: FileReport, ctx: Context): Promise<void> {
  const { red, yellow, green, bold, dim } = ctx.style;
  const errors = report.issues.filter((issue) => issue.severity === 'error').length;
  const warnings = report.issues.length - errors;
  const counts = [
    `${report.objects} object${report.objects === 1 ? '' : 's'}`,
    ...(errors > 0 ? [red(`${errors} error${errors === 1 ? '' : 's'}`)] : []),
    ...(warnings > 0 ? [yellow(`${warnings} warning${warnings === 1 ? '' : 's'}`)] : []),
  ].join(', ');
  const verdict = report.valid ? green('valid') : red('invalid');
  const lines = [`${bold(safeText(report.file))}: ${verdict} (${counts})`];
  for (const issue of report.issues) {
    const severity = issue.severity === 'error' ? red('error  ') : yellow('warning');
    const where = issue.path === '' ? dim('(root)') : safeText(issue.path);
    lines.push(`  ${severity} ${where}: ${safeText(issue.message)} ${dim(`[${issue.code}]`)}`);
  }
  await ctx.out(`${lines.join('\n')}\n`);
}
