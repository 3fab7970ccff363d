import { IntelshareError } from '@intelshare/stix';

/** Why a request never produced a usable response. */
export type FeedTransportErrorCode = 'NETWORK_ERROR' | 'TIMEOUT' | 'ABORTED' | 'LIMIT_EXCEEDED';

/**
 * A transport failure: the network failed, the request timed out or was aborted, or the
 * response body grew past `maxResponseBytes`. Distinct from {@link TaxiiError} (the server
 * answered with an error) and {@link FeedValidationError} (the server answered with bad data).
 *
 * @example
 * ```ts
 * import { FeedTransportError } from '@intelshare/feeds';
 *
 * const error = new FeedTransportError('TIMEOUT', 'GET', 'https://x.example/', 'Timed out after 10 ms.');
 * console.log(error.code); // 'TIMEOUT'
 * ```
 */
export class FeedTransportError extends IntelshareError {
  /** The request method. */
  readonly method: string;
  /** The request URL without credentials. */
  readonly url: string;
  declare readonly code: FeedTransportErrorCode;

  constructor(
    code: FeedTransportErrorCode,
    method: string,
    url: string,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(code, `${method} ${url}: ${message}`, options);
    this.name = 'FeedTransportError';
    this.method = method;
    this.url = url;
  }
}
