import { isIntelshareError } from '@intelshare/stix';
import { EXIT_CODES, type ExitCode } from '../exit-codes';
import { CliError } from './cli-error';

/** Library error codes that mean the outside world failed rather than the input. */
const IO_CODES = new Set([
  'HTTP_ERROR',
  'TAXII_ERROR',
  'NETWORK_ERROR',
  'TIMEOUT',
  'ABORTED',
  'STORAGE_ERROR',
]);

/**
 * Maps anything thrown to the documented exit codes: 1 invalid input / denied, 2 usage,
 * 3 I/O or network. An HTTP 401 or 403 is a denial (1), not a network fault (3): retrying
 * it will not help.
 */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof CliError) return error.exitCode;
  if (isIntelshareError(error)) {
    const status = (error as { status?: unknown }).status;
    if (status === 401 || status === 403) return EXIT_CODES.invalid;
    // A transport error whose response was too large is an I/O failure, not bad input.
    if (error.name === 'FeedTransportError') return EXIT_CODES.io;
    if (IO_CODES.has(error.code)) return EXIT_CODES.io;
    if (error.code === 'INVALID_ARGUMENT') return EXIT_CODES.usage;
    return EXIT_CODES.invalid;
  }
  // Node system errors (EPIPE, ECONNREFUSED, EADDRINUSE, ENOSPC, ...) are I/O failures.
  if (typeof (error as { code?: unknown } | null)?.code === 'string') return EXIT_CODES.io;
  return EXIT_CODES.invalid;
}
