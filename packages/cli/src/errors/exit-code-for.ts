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
 * 3 I/O or network. An HTTP 4xx answer (401, 403, 404 unknown or hidden collection, 422
 * refused content) is the server refusing the request (1), not a network fault (3):
 * retrying it will not help. 408, 429 and 5xx are the server or the network failing (3).
 */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof CliError) return error.exitCode;
  if (isIntelshareError(error)) {
    const status = (error as { status?: unknown }).status;
    if (
      typeof status === 'number' &&
      status >= 400 &&
      status < 500 &&
      status !== 408 &&
      status !== 429
    ) {
      return EXIT_CODES.invalid;
    }
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
