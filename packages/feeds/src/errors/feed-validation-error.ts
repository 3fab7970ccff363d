import { IntelshareError } from '@intelshare/stix';
import type { FeedIssue } from './feed-error-issue';

/** Why feed content was rejected. */
export type FeedValidationErrorCode =
  | 'INVALID_JSON'
  | 'VALIDATION_FAILED'
  | 'FEED_FORMAT'
  | 'TAXII_INCOMPLETE'
  | 'TAXII_VERSION_UNSUPPORTED';

/**
 * The server answered, but what it sent is not acceptable: malformed or truncated JSON,
 * objects that are not STIX, a protocol violation, or an unsupported TAXII version. Every
 * issue names where it is (`objects[3].id: ...`).
 *
 * @example
 * ```ts
 * import { FeedValidationError } from '@intelshare/feeds';
 *
 * const error = new FeedValidationError('VALIDATION_FAILED', 'Page rejected.', [
 *   { path: 'objects[3].id', message: 'must be `type--uuid`' },
 * ]);
 * console.log(error.issues[0]?.path); // 'objects[3].id'
 * ```
 */
export class FeedValidationError extends IntelshareError {
  /** Every problem found, each with its path. */
  readonly issues: readonly FeedIssue[];
  declare readonly code: FeedValidationErrorCode;

  constructor(
    code: FeedValidationErrorCode,
    message: string,
    issues: readonly FeedIssue[] = [],
    options: { cause?: unknown; path?: string } = {},
  ) {
    const first = issues[0];
    const suffix = first
      ? ` ${first.path}: ${first.message}${issues.length > 1 ? ` (+${issues.length - 1} more)` : ''}`
      : '';
    super(code, `${message}${suffix}`, options);
    this.name = 'FeedValidationError';
    this.issues = issues;
  }
}
