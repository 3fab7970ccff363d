import { generateScoId } from '@intelshare/stix';
import { ALLOW_CUSTOM_OPTION, HELP_OPTION, JSON_OPTION, parseCommandArgs } from '../args';
import { printHelpIfAsked } from '../command';
import type { Context } from '../context';
import { invalidInputError, usageError } from '../errors/cli-error';
import { EXIT_CODES, type ExitCode } from '../exit-codes';
import { openInput } from '../input';
import { columns, printJson, safeText } from '../output';
import { readStix } from '../stix-input';

const HELP = `Usage: intelshare id FILE [options]

Computes the deterministic identifier of every STIX Cyber-observable Object (SCO) in
FILE (a bundle, an array of objects, or one object; \`-\` for stdin): UUIDv5 over the
object's ID Contributing Properties (STIX 2.1 §2.9). Other objects are skipped; the
SCOs need no \`id\` yet. Types without contributing properties (process) get a random id.

Options:
      --json            Print [{"type","id"}] in input order.
      --allow-custom    Accepted for symmetry; custom SCO types have no deterministic id
                        and are skipped.
  -h, --help            Print this help.

Example:
  echo '{"type":"ipv4-addr","value":"198.51.100.3"}' | intelshare id -
`;

/** Inputs larger than this are refused: `id` holds the objects to keep their order. */
const MAX_BYTES = 512 * 1024 * 1024;

/** Runs the command with the arguments after its name. */
export async function run(argv: readonly string[], ctx: Context): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs('id', argv, {
    ...HELP_OPTION,
    ...JSON_OPTION,
    ...ALLOW_CUSTOM_OPTION,
  });
  if (await printHelpIfAsked(values, HELP, ctx)) return EXIT_CODES.ok;
  if (positionals.length !== 1) {
    throw usageError('give exactly one FILE (or `-` for stdin); run `intelshare id --help`');
  }
  const input = await openInput(positionals[0]!, ctx);
  const reading = await readStix(
    input,
    { mode: 'lenient', allowCustom: values['allow-custom'] === true },
    MAX_BYTES,
  );
  if (reading.kind !== 'whole') {
    throw invalidInputError(`\`${input.label}\` is larger than 512 MiB, the limit for \`id\``);
  }
  const fatal = reading.result.issues.find((issue) => issue.code === 'INVALID_JSON');
  if (fatal) throw invalidInputError(`\`${input.label}\`: ${fatal.message}`);

  const ids: { type: string; id: string; previous?: string }[] = [];
  for (const element of reading.raw) {
    if (typeof element !== 'object' || element === null || Array.isArray(element)) continue;
    const object = element as Record<string, unknown>;
    if (typeof object.type !== 'string') continue;
    let id: string;
    try {
      id = generateScoId(object as { type: string });
    } catch (error) {
      // Not a cyber-observable type (an SDO, an SRO, a custom type): nothing to compute.
      if (error instanceof TypeError) continue;
      throw error;
    }
    ids.push({
      type: object.type,
      id,
      ...(typeof object.id === 'string' && object.id !== id ? { previous: object.id } : {}),
    });
  }

  if (values.json) {
    await printJson(
      ctx,
      ids.map(({ type, id }) => ({ type, id })),
    );
    return EXIT_CODES.ok;
  }
  if (ids.length === 0) {
    await ctx.err(`No cyber-observable objects in \`${safeText(input.label)}\`.\n`);
    return EXIT_CODES.ok;
  }
  const { dim, yellow } = ctx.style;
  const rows = ids.map(({ type, id, previous }) => [
    safeText(type),
    previous === undefined ? id : `${id} ${yellow(`(the input says ${safeText(previous)})`)}`,
  ]);
  await ctx.out(`${columns(rows).join('\n')}\n`);
  const differing = ids.filter((entry) => entry.previous !== undefined).length;
  if (differing > 0) {
    await ctx.err(
      dim(
        `${differing} object${differing === 1 ? ' carries' : 's carry'} an id that differs from the deterministic one.\n`,
      ),
    );
  }
  return EXIT_CODES.ok;
}
