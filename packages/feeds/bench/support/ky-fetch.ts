// The HTTP layer rebuilt on ky 1.x, for measuring it beside the fetch transport: one
// `ky.create` instance does the retries (backoff with full jitter, `Retry-After` capped),
// the per-attempt timeout and the retry hook; TaxiiClient is given it as its `fetch` with
// its own retries and timeout switched off, so each request pays ky's cost and not both.
import ky, { HTTPError } from 'ky';

export function kyFetch(onRetry?: (attempt: number, reason: string) => void): typeof fetch {
  const api = ky.create({
    timeout: 60_000,
    retry: {
      limit: 4,
      methods: ['get', 'head', 'delete'],
      statusCodes: [408, 425, 429, 500, 502, 503, 504],
      afterStatusCodes: [429, 503],
      maxRetryAfter: 120_000,
      backoffLimit: 30_000,
      delay: (attempt) => 500 * 2 ** (attempt - 1),
      jitter: (delay) => delay / 2 + (Math.random() * delay) / 2,
    },
    hooks: {
      beforeRetry: [({ retryCount, error }) => onRetry?.(retryCount, error.message)],
    },
  });
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    try {
      return await api(input as string | URL, init as Parameters<typeof api>[1]);
    } catch (error) {
      // Error statuses go back to the client, which turns them into typed TaxiiErrors.
      if (error instanceof HTTPError) return error.response;
      throw error;
    }
  }) as typeof fetch;
}
