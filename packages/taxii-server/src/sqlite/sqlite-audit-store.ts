import type { AuditEntry, AuditStore } from '@intelshare/policy';
import { IntelshareError } from '@intelshare/stix';
import Database from 'better-sqlite3';

/**
 * A persistent `@intelshare/policy` `AuditStore` in a SQLite file, so the audit log of
 * view reads survives restarts. Append-only: an entry's `seq` is its primary key, so an
 * entry can never be overwritten.
 *
 * @example
 * ```ts
 * import { AuditLog, verifyAuditChain } from '@intelshare/policy';
 * import { SqliteAuditStore } from '@intelshare/taxii-server/sqlite';
 *
 * const auditLog = new AuditLog(new SqliteAuditStore('./audit.db'));
 * console.log(verifyAuditChain(auditLog.entries()).valid);
 * ```
 */
export class SqliteAuditStore implements AuditStore {
  readonly #db: Database.Database;
  readonly #insert: Database.Statement;
  readonly #last: Database.Statement;
  readonly #all: Database.Statement;

  /** @param filename - database file (created if missing); may be the storage's own file. */
  constructor(filename: string) {
    try {
      this.#db = new Database(filename);
      this.#db.pragma('journal_mode = WAL');
      this.#db.pragma('busy_timeout = 5000');
      this.#db.exec(
        'CREATE TABLE IF NOT EXISTS intelshare_audit (seq INTEGER PRIMARY KEY, entry TEXT NOT NULL) STRICT',
      );
    } catch (error) {
      throw new IntelshareError(
        'STORAGE_ERROR',
        `Cannot open SQLite audit store \`${filename}\`.`,
        {
          cause: error,
        },
      );
    }
    this.#insert = this.#db.prepare('INSERT INTO intelshare_audit (seq, entry) VALUES (?, ?)');
    this.#last = this.#db.prepare('SELECT entry FROM intelshare_audit ORDER BY seq DESC LIMIT 1');
    this.#all = this.#db.prepare('SELECT entry FROM intelshare_audit ORDER BY seq');
  }

  append(entry: AuditEntry): void {
    this.#insert.run(entry.seq, JSON.stringify(entry));
  }

  last(): AuditEntry | undefined {
    const row = this.#last.get() as { entry: string } | undefined;
    return row && (JSON.parse(row.entry) as AuditEntry);
  }

  entries(): readonly AuditEntry[] {
    return (this.#all.all() as { entry: string }[]).map(
      (row) => JSON.parse(row.entry) as AuditEntry,
    );
  }

  /** Closes the database file. */
  close(): void {
    if (this.#db.open) this.#db.close();
  }
}
