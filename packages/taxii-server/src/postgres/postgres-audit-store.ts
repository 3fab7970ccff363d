import type { AsyncAuditStore, AuditEntry } from '@intelshare/policy';
import pg from 'pg';
import { createSchema, inTransaction, storageError } from './transaction';

// Any constants: instances creating the table at once, and appenders, serialise on these
// transaction-scoped advisory locks (released at COMMIT/ROLLBACK, never left held).
const AUDIT_SCHEMA_LOCK = 7_211_302_412;
const AUDIT_APPEND_LOCK = 7_211_302_413;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS intelshare_audit (
  seq bigint PRIMARY KEY,
  entry text NOT NULL
);`;

function parseEntry(text: string, seq: string): AuditEntry {
  try {
    return JSON.parse(text) as AuditEntry;
  } catch (cause) {
    // A row that is not JSON is a broken entry, for verification to name, not a crash.
    return { seq: Number(seq), unreadable: String(cause) } as unknown as AuditEntry;
  }
}

/**
 * A `@intelshare/policy` `AsyncAuditStore` in PostgreSQL (table `intelshare_audit`, the
 * same layout as `SqliteAuditStore`), for many hub or server instances writing one audit
 * chain. Each append runs in a transaction holding an advisory lock, reads the last entry
 * and inserts the next, so concurrent writers in any number of processes never chain two
 * entries to the same predecessor; `seq` is the primary key, so an entry is never
 * overwritten. The table is created on first use.
 *
 * @example
 * ```ts
 * import { AsyncAuditLog } from '@intelshare/policy';
 * import { PostgresAuditStore } from '@intelshare/taxii-server/postgres';
 *
 * const store = new PostgresAuditStore('postgres://hub@db.internal/hub');
 * const auditLog = new AsyncAuditLog(store);
 * console.log((await auditLog.verify()).valid);
 * await store.close();
 * ```
 */
export class PostgresAuditStore implements AsyncAuditStore {
  readonly #pool: pg.Pool;
  readonly #ownsPool: boolean;
  #ready: Promise<void> | undefined;

  /** @param pool - a `pg.Pool` (not closed by {@link PostgresAuditStore.close}) or a connection string. */
  constructor(pool: pg.Pool | string) {
    this.#ownsPool = typeof pool === 'string';
    this.#pool = typeof pool === 'string' ? new pg.Pool({ connectionString: pool }) : pool;
  }

  /** Creates the table if missing; called on first use, safe to call again. */
  ready(): Promise<void> {
    this.#ready ??= createSchema(
      this.#pool,
      AUDIT_SCHEMA_LOCK,
      SCHEMA,
      'Cannot create the audit table in PostgreSQL.',
    ).catch((error: unknown) => {
      this.#ready = undefined;
      throw error;
    });
    return this.#ready;
  }

  #transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.#pool, work);
  }

  async appendNext(next: (last: AuditEntry | undefined) => AuditEntry): Promise<AuditEntry> {
    await this.ready();
    try {
      return await this.#transaction(async (client) => {
        // Held until COMMIT: the last entry read below is still the last when we insert.
        await client.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_APPEND_LOCK]);
        const { rows } = await client.query<{ seq: string; entry: string }>(
          'SELECT seq, entry FROM intelshare_audit ORDER BY seq DESC LIMIT 1',
        );
        const entry = next(rows[0] && parseEntry(rows[0].entry, rows[0].seq));
        await client.query('INSERT INTO intelshare_audit (seq, entry) VALUES ($1, $2)', [
          entry.seq,
          JSON.stringify(entry),
        ]);
        return entry;
      });
    } catch (error) {
      throw storageError('Cannot append to the audit log in PostgreSQL.', error);
    }
  }

  async last(): Promise<AuditEntry | undefined> {
    await this.ready();
    const { rows } = await this.#pool.query<{ seq: string; entry: string }>(
      'SELECT seq, entry FROM intelshare_audit ORDER BY seq DESC LIMIT 1',
    );
    return rows[0] && parseEntry(rows[0].entry, rows[0].seq);
  }

  async page(fromSeq: number, limit: number): Promise<readonly AuditEntry[]> {
    await this.ready();
    const { rows } = await this.#pool.query<{ seq: string; entry: string }>(
      'SELECT seq, entry FROM intelshare_audit WHERE seq >= $1 ORDER BY seq LIMIT $2',
      [fromSeq, limit],
    );
    return rows.map((row) => parseEntry(row.entry, row.seq));
  }

  /** Closes the pool when the store opened it from a connection string. */
  async close(): Promise<void> {
    if (this.#ownsPool) await this.#pool.end();
  }
}
