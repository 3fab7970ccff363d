import { IntelshareError } from '@intelshare/stix';
import type pg from 'pg';

/** A storage failure, with the driver's error as its cause. */
export function storageError(message: string, cause: unknown): IntelshareError {
  return new IntelshareError('STORAGE_ERROR', message, { cause });
}

/** Runs `work` on one pooled connection inside BEGIN … COMMIT; rolls back if it throws. */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Creates a schema (idempotent DDL) under a transaction advisory lock, so instances
 * starting at once apply it one after another; a failure is a {@link storageError}.
 */
export async function createSchema(
  pool: pg.Pool,
  lock: number,
  schema: string,
  failure: string,
): Promise<void> {
  try {
    await inTransaction(pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [lock]);
      await client.query(schema);
    });
  } catch (error) {
    throw storageError(failure, error);
  }
}
