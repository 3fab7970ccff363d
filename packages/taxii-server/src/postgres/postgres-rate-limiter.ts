import pg from 'pg';
import type { RateLimitStore } from '../limits/rate-limit-store';
import { createSchema } from './transaction';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS taxii_rate_limits (
  key text PRIMARY KEY,
  tat double precision NOT NULL
);
`;
// The storage's schema lock: instances creating tables at once serialise on it.
const SCHEMA_LOCK = 7_211_302_411;

/**
 * A {@link RateLimitStore} in PostgreSQL, so `limits.rateLimit` holds across every server
 * instance sharing the database rather than per process.
 *
 * One row per key holds the bucket as a "theoretical arrival time" (the generic cell rate
 * algorithm, equivalent to a token bucket): a request is allowed when it would not push
 * that time more than `burst` intervals past now, decided and recorded by one atomic
 * `INSERT … ON CONFLICT DO UPDATE … WHERE`, on the database's clock, so instances with
 * skewed clocks still share one budget.
 *
 * @example
 * ```ts
 * import { createTaxiiHandler } from '@intelshare/taxii-server';
 * import { PostgresRateLimiter, PostgresStorage } from '@intelshare/taxii-server/postgres';
 *
 * const url = 'postgres://taxii@db.internal/taxii';
 * const handler = createTaxiiHandler({
 *   title: 'CERT', cursorSecret: 'a-long-random-secret-shared-by-all-instances',
 *   storage: new PostgresStorage(url), rateLimitStore: new PostgresRateLimiter(url),
 *   limits: { rateLimit: { perSecond: 20, burst: 100 } },
 *   apiRoots: [],
 * });
 * ```
 */
export class PostgresRateLimiter implements RateLimitStore {
  readonly #pool: pg.Pool;
  readonly #ownsPool: boolean;
  #ready: Promise<void> | undefined;
  #takes = 0;

  /** @param pool - a `pg.Pool` (not closed by {@link PostgresRateLimiter.close}) or a connection string. */
  constructor(pool: pg.Pool | string) {
    this.#ownsPool = typeof pool === 'string';
    this.#pool = typeof pool === 'string' ? new pg.Pool({ connectionString: pool }) : pool;
  }

  #schema(): Promise<void> {
    this.#ready ??= createSchema(
      this.#pool,
      SCHEMA_LOCK,
      SCHEMA,
      'Cannot create the rate-limit table.',
    ).catch((error: unknown) => {
      this.#ready = undefined;
      throw error;
    });
    return this.#ready;
  }

  async take(key: string, perSecond: number, burst: number): Promise<number> {
    await this.#schema();
    const interval = 1000 / perSecond;
    // `excluded.tat - interval` is the database's now (ms) for this statement.
    const taken = await this.#pool.query({
      name: 'taxii_rate_take',
      text: `INSERT INTO taxii_rate_limits AS r (key, tat)
        VALUES ($1, extract(epoch FROM clock_timestamp()) * 1000 + $2)
        ON CONFLICT (key) DO UPDATE SET tat = GREATEST(r.tat, excluded.tat - $2) + $2
        WHERE GREATEST(r.tat, excluded.tat - $2) + $2 - (excluded.tat - $2) <= $3
        RETURNING tat`,
      values: [key, interval, burst * interval],
    });
    // Expired buckets are the same as absent ones; drop them now and then.
    if (++this.#takes % 1000 === 0) {
      await this.#pool.query(
        'DELETE FROM taxii_rate_limits WHERE tat < extract(epoch FROM clock_timestamp()) * 1000 - 60000',
      );
    }
    if (taken.rowCount === 1) return 0;
    const state = await this.#pool.query<{ wait: number }>(
      'SELECT GREATEST(tat, extract(epoch FROM clock_timestamp()) * 1000) + $2 - extract(epoch FROM clock_timestamp()) * 1000 - $3 AS wait FROM taxii_rate_limits WHERE key = $1',
      [key, interval, burst * interval],
    );
    return Math.max(1, Math.ceil((state.rows[0]?.wait ?? interval) / 1000));
  }

  /** Releases the pool when this limiter opened it. */
  async close(): Promise<void> {
    if (this.#ownsPool) await this.#pool.end();
  }
}
