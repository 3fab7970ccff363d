/** How failed requests are retried. */
export interface RetryOptions {
  /** Retries after the first attempt (default 4; 0 disables retries). */
  limit?: number;
  /** Base delay in ms for exponential backoff (default 500). */
  baseDelayMs?: number;
  /** Upper bound of one computed backoff delay in ms (default 30 000). */
  maxDelayMs?: number;
  /**
   * Upper bound for a server's `Retry-After` in ms (default 120 000): longer values are
   * capped, not obeyed, so a hostile server cannot park the client for hours.
   */
  maxRetryAfterMs?: number;
  /** Status codes worth retrying (default 408, 425, 429, 500, 502, 503, 504). */
  statusCodes?: readonly number[];
}

/** {@link RetryOptions} with every default filled in. */
export type ResolvedRetry = Required<RetryOptions>;

const DEFAULT_STATUS = [408, 425, 429, 500, 502, 503, 504] as const;

/** Fills in retry defaults; a number means `{ limit }`. */
export function resolveRetry(retry: RetryOptions | number | undefined): ResolvedRetry {
  const options = typeof retry === 'number' ? { limit: retry } : (retry ?? {});
  return {
    limit: Math.max(0, Math.floor(options.limit ?? 4)),
    baseDelayMs: options.baseDelayMs ?? 500,
    maxDelayMs: options.maxDelayMs ?? 30_000,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 120_000,
    statusCodes: options.statusCodes ?? DEFAULT_STATUS,
  };
}

/**
 * Delay before retry number `attempt` (1-based): full-jitter exponential backoff, or the
 * server's `Retry-After` (capped) when it sent one, since it knows its own load best.
 */
export function retryDelay(
  attempt: number,
  retry: ResolvedRetry,
  retryAfterMs: number | undefined,
): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, retry.maxRetryAfterMs);
  const ceiling = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
  // Full jitter spreads a herd of clients that failed together.
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/**
 * Parses `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP-date.
 *
 * @returns Milliseconds to wait, or `undefined` when absent or unparseable.
 */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d{1,10}$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
