import { readFile } from 'node:fs/promises';
import {
  type Decision,
  parseAgreement,
  project,
  type Recipient,
  type SharingAgreement,
} from '@intelshare/policy';
import { ALLOW_CUSTOM_OPTION, HELP_OPTION, JSON_OPTION, parseCommandArgs } from '../args';
import { printHelpIfAsked } from '../command';
import type { Context } from '../context';
import { invalidInputError, ioError, usageError } from '../errors/cli-error';
import { EXIT_CODES, type ExitCode } from '../exit-codes';
import { describeSystemError, openInput, readText } from '../input';
import { columns, printJson, safeText } from '../output';
import { readStix } from '../stix-input';

const HELP = `Usage: intelshare share --agreement FILE --recipient ID BUNDLE [options]

Previews what a partner would receive under a sharing agreement: the projection of
BUNDLE (\`-\` for stdin) for one recipient. Withheld objects are dropped, fields above
the recipient's clearance are removed, victims are protected as the agreement says.

Options:
  -a, --agreement FILE        The sharing agreement (YAML or JSON).
  -r, --recipient ID          The recipient's STIX identity id, or a party's name
                              from the agreement.
      --community NAME        A community the recipient belongs to; repeatable.
      --client-of ID          An organisation the recipient is a client of; repeatable.
      --individual NAME       A named person who will read it (TLP:RED); repeatable.
      --automated             The recipient is an automated feed, not people.
      --now TIMESTAMP         Decide as of this time (default: now).
      --pseudonym-key-file F  The key for keyed pseudonyms (or set INTELSHARE_PSEUDONYM_KEY).
      --explain               Print the decision for every object instead of the bundle.
      --json                  The projected bundle as JSON; with --explain,
                              [{"id","action","reasons"}].
      --allow-custom          Accept custom STIX content in BUNDLE.
  -h, --help                  Print this help.

Exit codes: 0 something may be shared, 1 everything is withheld or the input is
invalid, 2 usage error, 3 a file could not be read.

Example:
  intelshare share --agreement mou.yaml --recipient identity--7e3d9f1a-2b4c-4d6e-8f0a-1b3c5d7e9f22 \\
    --individual det-insp-a-okafor --explain report.json
`;

const IDENTITY_ID = /^identity--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Runs the command with the arguments after its name. */
export async function run(argv: readonly string[], ctx: Context): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs('share', argv, {
    ...HELP_OPTION,
    ...JSON_OPTION,
    ...ALLOW_CUSTOM_OPTION,
    agreement: { type: 'string', short: 'a' },
    recipient: { type: 'string', short: 'r' },
    community: { type: 'string', multiple: true },
    'client-of': { type: 'string', multiple: true },
    individual: { type: 'string', multiple: true },
    automated: { type: 'boolean' },
    now: { type: 'string' },
    'pseudonym-key-file': { type: 'string' },
    explain: { type: 'boolean' },
  });
  if (await printHelpIfAsked(values, HELP, ctx)) return EXIT_CODES.ok;
  if (values.agreement === undefined) throw usageError('`--agreement FILE` is required');
  if (values.recipient === undefined) throw usageError('`--recipient ID` is required');
  if (positionals.length !== 1) {
    throw usageError('give exactly one BUNDLE (or `-` for stdin); run `intelshare share --help`');
  }
  if (values.agreement === '-' && positionals[0] === '-') {
    throw usageError('the agreement and the bundle cannot both come from stdin');
  }
  let now: string | undefined;
  if (values.now !== undefined) {
    if (Number.isNaN(Date.parse(values.now))) {
      throw usageError(`\`--now\` must be an RFC 3339 timestamp, got \`${values.now}\``);
    }
    now = values.now;
  }

  const agreementInput = await openInput(values.agreement, ctx);
  const agreement = parseAgreement(await readText(agreementInput, 1024 * 1024));
  const recipient: Recipient = {
    identity: resolveRecipient(values.recipient, agreement),
    communities: values.community ?? [],
    clientOf: values['client-of'] ?? [],
    individuals: values.individual ?? [],
    automated: values.automated === true,
  };
  const pseudonymKey = await readPseudonymKey(values['pseudonym-key-file'], ctx);
  const keyId = agreement.victimProtection?.pseudonymKeyId;

  const bundleInput = await openInput(positionals[0]!, ctx);
  const reading = await readStix(bundleInput, {
    mode: 'strict',
    allowCustom: values['allow-custom'] === true,
  });
  if (reading.kind !== 'whole') {
    throw invalidInputError(
      `\`${bundleInput.label}\` is larger than 64 MiB, the limit for \`share\``,
    );
  }
  const { result } = reading;
  if (!result.valid) {
    const errors = result.issues.filter((issue) => issue.severity === 'error');
    const first = errors[0];
    throw invalidInputError(
      `\`${bundleInput.label}\` is not valid STIX (${errors.length} error${errors.length === 1 ? '' : 's'}; first: ${first?.path || '(root)'}: ${first?.message}); run \`intelshare validate\` to see them all`,
    );
  }
  // Keep the input's bundle id when there is one: the projection's id is derived from it.
  const source =
    result.bundleId !== undefined
      ? { type: 'bundle', id: result.bundleId, objects: result.objects }
      : result.objects;
  const projection = project(source, agreement, recipient, {
    ...(now !== undefined ? { now } : {}),
    ...(pseudonymKey !== undefined && keyId !== undefined
      ? { pseudonymKeys: { [keyId]: pseudonymKey } }
      : {}),
  });
  const { decisions } = projection;
  const denied =
    decisions.length > 0 && decisions.every((decision) => decision.action === 'withhold');

  if (values.explain) {
    if (values.json) {
      await printJson(
        ctx,
        decisions.map(({ id, action, reasons }) => ({ id, action, reasons })),
      );
    } else {
      await printExplanation(decisions, ctx);
    }
  } else if (values.json) {
    await printJson(ctx, projection.bundle);
  } else {
    await ctx.out(`${JSON.stringify(projection.bundle, null, 2)}\n`);
    await printSummary(decisions, ctx);
  }
  return denied ? EXIT_CODES.invalid : EXIT_CODES.ok;
}

/** Takes an identity id, or the name of a party of the agreement (case-insensitive). */
function resolveRecipient(value: string, agreement: SharingAgreement): string {
  if (IDENTITY_ID.test(value)) return value;
  const wanted = value.trim().toLowerCase();
  const party = agreement.parties.find((candidate) => candidate.name?.toLowerCase() === wanted);
  if (party) return party.identity;
  const names = agreement.parties.map((candidate) => `\`${candidate.name}\``).join(', ');
  throw usageError(
    `\`--recipient\` must be an identity id or one of the agreement's parties: ${names}`,
  );
}

async function readPseudonymKey(
  file: string | undefined,
  ctx: Context,
): Promise<string | undefined> {
  if (file === undefined) return ctx.env.INTELSHARE_PSEUDONYM_KEY || undefined;
  try {
    const key = (await readFile(file, 'utf8')).trim();
    if (key === '') throw invalidInputError(`the pseudonym key file \`${file}\` is empty`);
    return key;
  } catch (error) {
    if ((error as { code?: unknown }).code === undefined) throw error;
    throw ioError(`cannot read \`${file}\`: ${describeSystemError(error)}`, error);
  }
}

const ACTION_LABEL: Record<Decision['action'], string> = {
  share: 'share',
  'share-redacted': 'redact',
  withhold: 'withhold',
};

async function printExplanation(decisions: readonly Decision[], ctx: Context): Promise<void> {
  const { red, yellow, green, dim, bold } = ctx.style;
  const colour = { share: green, 'share-redacted': yellow, withhold: red } as const;
  const lines: string[] = [];
  for (const decision of decisions) {
    lines.push(
      `${colour[decision.action](ACTION_LABEL[decision.action].padEnd(8))} ${bold(safeText(decision.id))}`,
    );
    for (const reason of decision.reasons) {
      if (reason.effect === 'allow' && decision.action !== 'share') continue;
      const mark =
        reason.effect === 'deny' ? red('✗') : reason.effect === 'redact' ? yellow('~') : green('✓');
      lines.push(`  ${mark} ${safeText(reason.message)} ${dim(`[${reason.clause}]`)}`);
    }
    for (const redaction of decision.redactions) {
      lines.push(
        `  ${yellow('~')} ${safeText(redaction.message)} ${dim(`[${redaction.path || 'object'}]`)}`,
      );
    }
    for (const hint of decision.whyNot ?? []) lines.push(`  ${dim(`to share: ${safeText(hint)}`)}`);
  }
  lines.push('');
  await ctx.out(lines.join('\n'));
  await printSummary(decisions, ctx);
}

async function printSummary(decisions: readonly Decision[], ctx: Context): Promise<void> {
  const count = (action: Decision['action']) => decisions.filter((d) => d.action === action).length;
  const rows = [
    ['shared', String(count('share'))],
    ['shared redacted', String(count('share-redacted'))],
    ['withheld', String(count('withhold'))],
  ];
  await ctx.err(`${columns(rows).join('\n')}\n`);
}
