import { type ParseArgsConfig, parseArgs } from 'node:util';
import { usageError } from './errors/cli-error';

type Options = NonNullable<ParseArgsConfig['options']>;

/** What {@link parseCommandArgs} returns: typed `values` and `positionals`. */
export type ParsedCommandArgs<O extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>
>;

/** `--help` / `-h`, accepted by every subcommand. */
export const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;
/** `--json`, for machine output. */
export const JSON_OPTION = { json: { type: 'boolean' } } as const;
/** `--allow-custom`, accepted by every subcommand that reads STIX. */
export const ALLOW_CUSTOM_OPTION = { 'allow-custom': { type: 'boolean' } } as const;

/**
 * Parses a subcommand's arguments with `node:util` `parseArgs` (strict, positionals
 * allowed) and turns its errors into one-sentence usage errors (exit code 2).
 */
export function parseCommandArgs<const O extends Options>(
  command: string,
  argv: readonly string[],
  options: O,
): ParsedCommandArgs<O> {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw usageError(`${describeParseError(error)}; run \`intelshare ${command} --help\``);
  }
}

function describeParseError(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  const option = /'(-{1,2}[^'\s]*)/.exec(message)?.[1];
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option \`${option ?? message}\``;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (option === undefined) return message.replace(/\.$/, '');
      return message.includes('does not take')
        ? `option \`${option}\` does not take a value`
        : `option \`${option}\` needs a value`;
    default:
      return message.replace(/\.$/, '');
  }
}

/** Parses a positive integer option such as `--port` or `--limit`, or throws a usage error. */
export function integerOption(
  name: string,
  value: string | undefined,
  { min, max }: { min: number; max: number },
): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value))
    throw usageError(`\`--${name}\` must be a whole number, got \`${value}\``);
  const n = Number(value);
  if (n < min || n > max)
    throw usageError(`\`--${name}\` must be between ${min} and ${max}, got ${n}`);
  return n;
}
