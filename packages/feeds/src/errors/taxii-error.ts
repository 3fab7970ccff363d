import { IntelshareError } from '@intelshare/stix';

// A registry symbol, so the guard works across two installed copies of the package.
const marker = Symbol.for('intelshare.feeds.TaxiiError');

/** Fields of a TAXII 2.1 error message (§3.6.1) when the server sent one. */
export interface TaxiiErrorBody {
  title?: string;
  description?: string;
  errorId?: string;
  errorCode?: string;
  httpStatus?: string;
  externalDetails?: string;
  details?: Record<string, unknown>;
}

/**
 * An HTTP error response from a TAXII (or other feed) server: carries the method, URL
 * (credentials stripped), HTTP status and, when the body is a TAXII error message
 * (TAXII 2.1 §3.6.1), its fields. `code` is `TAXII_ERROR` when the body parsed as a TAXII
 * error and `HTTP_ERROR` otherwise.
 *
 * @example
 * ```ts
 * import { TaxiiClient, isTaxiiError } from '@intelshare/feeds';
 *
 * const client = new TaxiiClient({ url: 'https://taxii.example.org/' });
 * try {
 *   await client.collections('https://taxii.example.org/api1/');
 * } catch (error) {
 *   if (isTaxiiError(error) && error.status === 401) console.log('check credentials');
 * }
 * ```
 */
export class TaxiiError extends IntelshareError {
  /** The HTTP status code. */
  readonly status: number;
  /** The request method. */
  readonly method: string;
  /** The request URL without credentials. */
  readonly url: string;
  /** The TAXII error message fields, when the server sent one. */
  readonly body: TaxiiErrorBody | undefined;
  /** Milliseconds the server asked us to wait (`Retry-After`), when it did. */
  readonly retryAfterMs: number | undefined;

  constructor(
    init: {
      status: number;
      method: string;
      url: string;
      body?: TaxiiErrorBody | undefined;
      retryAfterMs?: number | undefined;
      /** Why the response is unusable, when the status alone does not say. */
      detail?: string;
      /** What the caller can do about it, appended to the message. */
      hint?: string;
    },
    options: { cause?: unknown } = {},
  ) {
    const detail = init.body?.title
      ? `: ${init.body.title}${init.body.description ? ` — ${init.body.description}` : ''}`
      : init.detail
        ? `: ${init.detail}`
        : '';
    super(
      init.body ? 'TAXII_ERROR' : 'HTTP_ERROR',
      `${init.method} ${init.url} failed with HTTP ${init.status}${detail}.${init.hint ? ` ${init.hint}` : ''}`,
      options,
    );
    this.name = 'TaxiiError';
    this.status = init.status;
    this.method = init.method;
    this.url = init.url;
    this.body = init.body;
    this.retryAfterMs = init.retryAfterMs;
    Object.defineProperty(this, marker, { value: true });
  }
}

/**
 * Tells whether a value is a {@link TaxiiError} (an HTTP error response).
 *
 * @param value - Anything caught.
 * @returns `true` for HTTP error responses from feed servers.
 *
 * @example
 * ```ts
 * import { isTaxiiError } from '@intelshare/feeds';
 *
 * isTaxiiError(new Error('x')); // false
 * ```
 */
export function isTaxiiError(value: unknown): value is TaxiiError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[marker] === true
  );
}
