/**
 * Where the per-principal request budget (`limits.rateLimit`) is kept. The default is in
 * process memory, so each instance behind a load balancer limits on its own; a shared
 * store (`PostgresRateLimiter` from `@intelshare/taxii-server/postgres`) makes the limit
 * hold across every instance.
 *
 * @example
 * ```ts
 * import type { RateLimitStore } from '@intelshare/taxii-server';
 *
 * const unlimited: RateLimitStore = { take: async () => 0 };
 * ```
 */
export interface RateLimitStore {
  /**
   * Takes one request from `key`'s bucket (`burst` at once, refilled at `perSecond`).
   * Resolves to 0 when allowed, else the whole seconds to wait.
   */
  take(key: string, perSecond: number, burst: number): Promise<number>;
}
