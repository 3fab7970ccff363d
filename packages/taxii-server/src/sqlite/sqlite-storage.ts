import { IntelshareError } from '@intelshare/stix';
import Database from 'better-sqlite3';
import { nextAdded } from '../storage/select-versions';
import { filterSql } from '../storage/sql-filters';
import { type ObjectRow, rowToStored } from '../storage/sql-row';
import type {
  AddResult,
  NewObject,
  ObjectPage,
  ObjectQuery,
  StoredStatus,
  TaxiiStorage,
  VersionSelector,
} from '../storage/taxii-storage';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS taxii_counters (
  collection TEXT PRIMARY KEY,
  last_added INTEGER NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS taxii_objects (
  collection TEXT NOT NULL,
  added INTEGER NOT NULL,
  id TEXT NOT NULL,
  type TEXT NOT NULL,
  spec_version TEXT NOT NULL,
  version TEXT,
  version_key TEXT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (collection, added)
) STRICT, WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS taxii_objects_id ON taxii_objects (collection, id, version_key);
CREATE INDEX IF NOT EXISTS taxii_objects_type ON taxii_objects (collection, type, added);
CREATE TABLE IF NOT EXISTS taxii_statuses (
  id TEXT PRIMARY KEY,
  api_root TEXT NOT NULL,
  owner TEXT NOT NULL,
  body TEXT NOT NULL
) STRICT;
`;

/**
 * A {@link TaxiiStorage} in a SQLite file via better-sqlite3: the embedded default.
 * WAL mode, one write transaction per POST (`BEGIN IMMEDIATE`, so `added` is assigned in
 * commit order even with several processes on one file), indexes for `added`, type and id.
 *
 * @example
 * ```ts
 * import { SqliteStorage } from '@intelshare/taxii-server/sqlite';
 *
 * const storage = new SqliteStorage('/var/lib/intelshare/taxii.db');
 * await storage.close();
 * ```
 */
export class SqliteStorage implements TaxiiStorage {
  readonly #db: Database.Database;
  readonly #now: () => number;
  readonly #statements = new Map<string, Database.Statement>();
  readonly #insert: Database.Statement;
  readonly #find: Database.Statement;
  readonly #counter: Database.Statement;
  readonly #setCounter: Database.Statement;
  readonly #add: (collection: string, objects: readonly NewObject[]) => AddResult[];

  /**
   * @param filename - database file (created if missing), or `:memory:`.
   * @param options - `now` replaces the clock (milliseconds), for tests.
   */
  constructor(filename: string, options: { now?: () => number } = {}) {
    this.#now = options.now ?? Date.now;
    try {
      this.#db = new Database(filename);
      this.#db.pragma('journal_mode = WAL');
      this.#db.pragma('synchronous = NORMAL');
      this.#db.pragma('busy_timeout = 5000');
      this.#db.exec(SCHEMA);
    } catch (error) {
      throw new IntelshareError('STORAGE_ERROR', `Cannot open SQLite database \`${filename}\`.`, {
        cause: error,
      });
    }
    this.#insert = this.#db.prepare(
      'INSERT INTO taxii_objects (collection, added, id, type, spec_version, version, version_key, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.#find = this.#db.prepare(
      'SELECT added FROM taxii_objects WHERE collection = ? AND id = ? AND version_key = ?',
    );
    this.#counter = this.#db.prepare('SELECT last_added FROM taxii_counters WHERE collection = ?');
    this.#setCounter = this.#db.prepare(
      'INSERT INTO taxii_counters (collection, last_added) VALUES (?, ?) ON CONFLICT (collection) DO UPDATE SET last_added = excluded.last_added',
    );
    const add = (collection: string, objects: readonly NewObject[]): AddResult[] => {
      let last =
        (this.#counter.get(collection) as { last_added: number } | undefined)?.last_added ?? 0;
      const results: AddResult[] = [];
      for (const o of objects) {
        const existing = this.#find.get(collection, o.id, o.versionKey) as
          | { added: number }
          | undefined;
        if (existing) {
          results.push({ added: existing.added, inserted: false });
          continue;
        }
        last = nextAdded(last, this.#now());
        this.#insert.run(
          collection,
          last,
          o.id,
          o.type,
          o.specVersion,
          o.version,
          o.versionKey,
          o.body,
        );
        results.push({ added: last, inserted: true });
      }
      this.#setCounter.run(collection, last);
      return results;
    };
    this.#add = this.#db.transaction(add).immediate as typeof add;
  }

  #prepare(sql: string): Database.Statement {
    let stmt = this.#statements.get(sql);
    if (!stmt) {
      if (this.#statements.size > 500) this.#statements.clear();
      stmt = this.#db.prepare(sql);
      this.#statements.set(sql, stmt);
    }
    return stmt;
  }

  async addObjects(collection: string, objects: readonly NewObject[]): Promise<AddResult[]> {
    return this.#add(collection, objects);
  }

  async queryObjects(collection: string, query: ObjectQuery): Promise<ObjectPage> {
    const params: unknown[] = [collection, query.after];
    const param = (value: unknown) => {
      params.push(value);
      return '?';
    };
    const where = filterSql(query, 'taxii_objects', param);
    params.push(query.limit + 1);
    const rows = this.#prepare(
      `SELECT o.added, o.id, o.type, o.spec_version, o.version, o.version_key, o.body FROM taxii_objects o WHERE o.collection = ? AND o.added > ?${where} ORDER BY o.added LIMIT ?`,
    ).all(...params) as ObjectRow[];
    const more = rows.length > query.limit;
    return { objects: rows.slice(0, query.limit).map(rowToStored), more };
  }

  async deleteObject(
    collection: string,
    id: string,
    versions: VersionSelector,
    specVersions?: readonly string[],
  ): Promise<number> {
    const params: unknown[] = [collection, id];
    const param = (value: unknown) => {
      params.push(value);
      return '?';
    };
    const where = filterSql(
      { after: 0, limit: 0, versions, ...(specVersions ? { specVersions } : {}) },
      'taxii_objects',
      param,
    );
    // Select first, then delete by key: the version rule reads sibling rows, which a
    // DELETE with a self-referencing subquery would see half-removed.
    const del = this.#db.transaction(() => {
      const doomed = this.#db
        .prepare(`SELECT o.added FROM taxii_objects o WHERE o.collection = ? AND o.id = ?${where}`)
        .all(...params) as { added: number }[];
      const stmt = this.#db.prepare('DELETE FROM taxii_objects WHERE collection = ? AND added = ?');
      for (const row of doomed) stmt.run(collection, row.added);
      return doomed.length;
    });
    return del.immediate();
  }

  /** Refreshes the query planner's statistics (`ANALYZE`); useful after a bulk import. */
  async analyze(): Promise<void> {
    this.#db.exec('ANALYZE');
  }

  async putStatus(status: StoredStatus): Promise<void> {
    this.#db
      .prepare(
        'INSERT OR REPLACE INTO taxii_statuses (id, api_root, owner, body) VALUES (?, ?, ?, ?)',
      )
      .run(status.id, status.apiRoot, status.owner, status.body);
  }

  async getStatus(id: string): Promise<StoredStatus | undefined> {
    const row = this.#db
      .prepare('SELECT id, api_root, owner, body FROM taxii_statuses WHERE id = ?')
      .get(id) as { id: string; api_root: string; owner: string; body: string } | undefined;
    return row && { id: row.id, apiRoot: row.api_root, owner: row.owner, body: row.body };
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}
