import { IntelshareError } from '@intelshare/stix';

/** The HTTP statuses the server answers with a TAXII error message (TAXII 2.1 §3.6.1). */
export type TaxiiErrorStatus =
  | 400
  | 401
  | 403
  | 404
  | 405
  | 406
  | 413
  | 415
  | 422
  | 429
  | 500
  | 503;

/**
 * A request the server refuses, carrying the HTTP status and the TAXII error message
 * fields (TAXII 2.1 §3.6.1) it is rendered to.
 *
 * @example
 * ```ts
 * import { TaxiiHttpError } from '@intelshare/taxii-server';
 *
 * throw new TaxiiHttpError(404, 'Collection not found.', 'No collection `abc` in this API root.');
 * ```
 */
export class TaxiiHttpError extends IntelshareError {
  /** The HTTP status of the response. */
  readonly status: TaxiiErrorStatus;
  /** The TAXII error `title`: short, human-readable. */
  readonly title: string;
  /** The TAXII error `description`, when there is more to say. */
  readonly description: string | undefined;
  /** Extra response headers (e.g. `WWW-Authenticate`, `Retry-After`, `Allow`). */
  readonly headers: Record<string, string>;

  /**
   * @param status - HTTP status of the error response.
   * @param title - one-line TAXII error title.
   * @param description - optional longer explanation.
   * @param headers - extra response headers.
   */
  constructor(
    status: TaxiiErrorStatus,
    title: string,
    description?: string,
    headers: Record<string, string> = {},
  ) {
    super('TAXII_ERROR', description ? `${title} ${description}` : title);
    this.name = 'TaxiiHttpError';
    this.status = status;
    this.title = title;
    this.description = description;
    this.headers = headers;
  }
}
