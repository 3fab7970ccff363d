import { IntelshareError } from '@intelshare/stix';
import { EXIT_CODES, type ExitCode } from '../exit-codes';

/** The error codes the command line raises itself. */
export type CliErrorCode = 'CLI_USAGE' | 'CLI_IO' | 'CLI_INVALID_INPUT';

const EXIT_BY_CODE: Record<CliErrorCode, ExitCode> = {
  CLI_USAGE: EXIT_CODES.usage,
  CLI_IO: EXIT_CODES.io,
  CLI_INVALID_INPUT: EXIT_CODES.invalid,
};

/**
 * An error the command reports to the user as one sentence on stderr, with the exit code
 * it maps to (usage 2, I/O 3, invalid input 1).
 */
export class CliError extends IntelshareError {
  /** The process exit code this error ends the command with. */
  readonly exitCode: ExitCode;

  constructor(code: CliErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, options);
    this.name = 'CliError';
    this.exitCode = EXIT_BY_CODE[code];
  }
}

/** A wrong command line: exit code 2. */
export function usageError(message: string): CliError {
  return new CliError('CLI_USAGE', message);
}

/** A failed read or write of a file, stdin or the network: exit code 3. */
export function ioError(message: string, cause?: unknown): CliError {
  return new CliError('CLI_IO', message, { cause });
}

/** Input that cannot be used (not JSON, empty, wrong shape): exit code 1. */
export function invalidInputError(message: string, cause?: unknown): CliError {
  return new CliError('CLI_INVALID_INPUT', message, { cause });
}
