import { randomUUID } from 'node:crypto';
import {
  type ExtractedIoc,
  extractIocs,
  type IocType,
  iocsToIndicators,
  iocsToObservables,
} from '@intelshare/stix/extract';
import { HELP_OPTION, JSON_OPTION, parseCommandArgs } from '../args';
import { printHelpIfAsked } from '../command';
import type { Context } from '../context';
import { invalidInputError, usageError } from '../errors/cli-error';
import { EXIT_CODES, type ExitCode } from '../exit-codes';
import { openInput } from '../input';
import { columns, printJson, safeText } from '../output';

const IOC_TYPES: readonly IocType[] = [
  'ipv4-addr',
  'ipv6-addr',
  'domain-name',
  'url',
  'email-addr',
  'md5',
  'sha1',
  'sha256',
  'sha512',
  'cve',
  'asn',
  'bitcoin-address',
];

const HELP = `Usage: intelshare extract FILE [options]

Finds indicators of compromise in text (a report, an e-mail, a log; \`-\` for stdin):
IP addresses, domains, URLs, e-mail addresses, hashes, CVEs, ASNs, bitcoin addresses,
also when defanged (hxxp://, [.], (dot)). Large files are read in pieces.

Options:
      --as KIND         iocs (default): the values found;
                        scos: a STIX bundle of cyber-observables with deterministic ids;
                        indicators: a STIX bundle of indicators with patterns.
      --type TYPE       Only this kind; repeatable. One of:
                        ${IOC_TYPES.join(', ')}.
      --created-by ID   created_by_ref of the indicators (with --as indicators).
      --timestamp T     created/valid_from of the indicators (default: now).
      --json            JSON output: [{"type","value","defanged"}] for iocs, the bundle otherwise.
  -h, --help            Print this help.

Exit codes: 0 something found, 1 nothing found or the input is not text.

Example:
  intelshare extract report.txt --as indicators --json > indicators.json
`;

/** Text is handed to the extractor in pieces of about this many characters. */
const PIECE = 1 << 20;

/** Runs `intelshare extract FILE`. */
export async function run(argv: readonly string[], ctx: Context): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs('extract', argv, {
    ...HELP_OPTION,
    ...JSON_OPTION,
    as: { type: 'string' },
    type: { type: 'string', multiple: true },
    'created-by': { type: 'string' },
    timestamp: { type: 'string' },
  });
  if (await printHelpIfAsked(values, HELP, ctx)) return EXIT_CODES.ok;
  if (positionals.length !== 1) {
    throw usageError('give exactly one FILE (or `-` for stdin); run `intelshare extract --help`');
  }
  const as = values.as ?? 'iocs';
  if (as !== 'iocs' && as !== 'scos' && as !== 'indicators') {
    throw usageError(`\`--as\` must be iocs, scos or indicators, got \`${as}\``);
  }
  for (const type of values.type ?? []) {
    if (!IOC_TYPES.includes(type as IocType)) {
      throw usageError(`\`--type\` must be one of ${IOC_TYPES.join(', ')}; got \`${type}\``);
    }
  }
  if (values.timestamp !== undefined && Number.isNaN(Date.parse(values.timestamp))) {
    throw usageError(`\`--timestamp\` must be an RFC 3339 timestamp, got \`${values.timestamp}\``);
  }
  const types = values.type as IocType[] | undefined;

  const input = await openInput(positionals[0]!, ctx);
  const iocs = await extractFromStream(input.label, input.chunks(), types);

  if (as === 'iocs') {
    if (values.json) await printJson(ctx, iocs);
    else if (iocs.length > 0) {
      const rows = iocs.map((ioc) => [
        ioc.type,
        safeText(ioc.value),
        ...(ioc.defanged ? [ctx.style.dim('(defanged)')] : []),
      ]);
      await ctx.out(`${columns(rows).join('\n')}\n`);
    }
  } else {
    const objects =
      as === 'scos'
        ? iocsToObservables(iocs)
        : iocsToIndicators(iocs, {
            ...(values.timestamp !== undefined ? { timestamp: values.timestamp } : {}),
            ...(values['created-by'] !== undefined ? { createdByRef: values['created-by'] } : {}),
            indicatorTypes: ['malicious-activity'],
          });
    const bundle = { type: 'bundle', id: `bundle--${randomUUID()}`, objects };
    await ctx.out(
      values.json ? `${JSON.stringify(bundle)}\n` : `${JSON.stringify(bundle, null, 2)}\n`,
    );
  }
  if (iocs.length === 0 && !values.json)
    await ctx.err(`No indicators found in \`${safeText(input.label)}\`.\n`);
  return iocs.length > 0 ? EXIT_CODES.ok : EXIT_CODES.invalid;
}

/**
 * Decodes the input as UTF-8 and extracts piece by piece, cutting only at whitespace so
 * no indicator is split, and de-duplicating across pieces (first sighting wins).
 */
async function extractFromStream(
  label: string,
  chunks: AsyncIterable<Uint8Array>,
  types: IocType[] | undefined,
): Promise<ExtractedIoc[]> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const found = new Map<string, ExtractedIoc>();
  let pending = '';
  const take = (text: string) => {
    for (const ioc of extractIocs(text, types ? { types } : {})) {
      const key = `${ioc.type}\u0000${ioc.value}`;
      if (!found.has(key)) found.set(key, ioc);
    }
  };
  const decode = (bytes?: Uint8Array) => {
    try {
      return bytes === undefined ? decoder.decode() : decoder.decode(bytes, { stream: true });
    } catch {
      throw invalidInputError(`\`${label}\` is not UTF-8 text (is it a binary file?)`);
    }
  };
  for await (const chunk of chunks) {
    pending += decode(chunk);
    while (pending.length >= PIECE) {
      // Cut at the last whitespace of the piece; a 1 MiB run without any is not prose.
      let cut = pending.slice(0, PIECE).search(/\s(?=\S*$)/);
      if (cut <= 0) cut = PIECE;
      take(pending.slice(0, cut));
      pending = pending.slice(cut);
    }
  }
  pending += decode();
  if (pending.length > 0) take(pending);
  return [...found.values()];
}
