import { IntelshareError } from '@intelshare/stix';
import Database from 'better-sqlite3';
import {
  type ChangeCounters,
  CollectionMirror,
  type MirrorOptions,
  type MirrorSource,
} from '../storage/collection-mirror';
import { nextAdded } from '../storage/select-versions';
import { filterSql } from '../storage/sql-filters';
import { type ObjectTuple, tupleToStored } from '../storage/sql-row';
import type {
  AddResult,
  JoinedBodiesPage,
  NewObject,
  ObjectPage,
  ObjectQuery,
  StoredStatus,
  TaxiiStorage,
  VersionSelector,
} from '../storage/taxii-storage';

/**
 * `PRAGMA user_version` of the current schema. 0 is a database from before versions were
 * recorded (no `is_last`/`is_first` columns), 2 one from before the change marker counted
 * deletes (no `taxii_counters.deletes`); {@link migrate} brings either up to date.
 */
const SCHEMA_VERSION = 3;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS taxii_counters (
  collection TEXT PRIMARY KEY,
  last_added INTEGER NOT NULL,
  deletes INTEGER NOT NULL DEFAULT 0
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
  is_last INTEGER NOT NULL DEFAULT 0,
  is_first INTEGER NOT NULL DEFAULT 0,
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
 * Every removed row raises its collection's delete count, in the deleting statement's own
 * transaction. A trigger rather than a statement in {@link SqliteStorage.deleteObject}: it
 * lives in the file, so a delete by any writer (an older version of this code on the same
 * file during an upgrade included) moves the change marker. Created after {@link migrate},
 * which gives older files the column it writes.
 */
const DELETE_TRIGGER = `
CREATE TRIGGER IF NOT EXISTS taxii_objects_count_deletes AFTER DELETE ON taxii_objects
BEGIN
  UPDATE taxii_counters SET deletes = deletes + 1 WHERE collection = OLD.collection;
END;
`;

/** The column names of a table, as the file has them now. */
function columnsOf(db: Database.Database, table: string): Set<string> {
  return new Set((db.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name));
}

/**
 * Brings a database written by an earlier version up to {@link SCHEMA_VERSION}, in one
 * transaction, so an existing file keeps working. Version 2 adds `is_last`/`is_first`
 * (is this row the newest/oldest version of its object), which `match[version]=last`, the
 * default of every list, reads instead of probing the id index once per row. Version 3 adds
 * `taxii_counters.deletes` (the change marker's delete count, 0 for deletes made before:
 * `last_added` already tells those files' markers apart from any later one). The version is
 * read again inside the write transaction, so two processes opening one old file migrate it
 * once.
 */
function migrate(db: Database.Database): void {
  const current = () => db.pragma('user_version', { simple: true }) as number;
  if (current() >= SCHEMA_VERSION) return;
  db.transaction(() => {
    const version = current();
    if (version >= SCHEMA_VERSION) return;
    if (version < 2) {
      if (!columnsOf(db, 'taxii_objects').has('is_last')) {
        db.exec('ALTER TABLE taxii_objects ADD COLUMN is_last INTEGER NOT NULL DEFAULT 0');
        db.exec('ALTER TABLE taxii_objects ADD COLUMN is_first INTEGER NOT NULL DEFAULT 0');
      }
      db.exec(`UPDATE taxii_objects AS o SET
        is_last = o.version_key = (SELECT max(o2.version_key) FROM taxii_objects o2 INDEXED BY taxii_objects_id WHERE o2.collection = o.collection AND o2.id = o.id),
        is_first = o.version_key = (SELECT min(o2.version_key) FROM taxii_objects o2 INDEXED BY taxii_objects_id WHERE o2.collection = o.collection AND o2.id = o.id)`);
    }
    if (!columnsOf(db, 'taxii_counters').has('deletes')) {
      // A constant default: SQLite records it in the schema, no row is rewritten.
      db.exec('ALTER TABLE taxii_counters ADD COLUMN deletes INTEGER NOT NULL DEFAULT 0');
    }
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

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
  readonly #siblings: Database.Statement;
  readonly #setFlags: Database.Statement;
  readonly #counter: Database.Statement;
  readonly #setCounter: Database.Statement;
  readonly #marker: Database.Statement;
  readonly #add: (collection: string, objects: readonly NewObject[]) => AddResult[];
  readonly #mirror: CollectionMirror | undefined;

  /**
   * @param filename - database file (created if missing), or `:memory:`.
   * @param options - `now` replaces the clock (milliseconds), for tests. `mmapBytes` maps up
   *   to that many bytes of the file into memory (SQLite `PRAGMA mmap_size`): pages are then
   *   read without a copy through the page cache, about a fifth faster on large pages. Off
   *   (0) by default, as in SQLite: an I/O error on a mapped file ends the process instead of
   *   failing one query. `mirror` keeps a copy of each collection read in process memory,
   *   kept current from the file (see {@link MirrorOptions}): pages are then served at
   *   memory speed, at the cost of the memory (bodies plus 300 to 400 bytes per object).
   *   Writes by other processes on the same file are seen by the next read.
   */
  constructor(
    filename: string,
    options: {
      now?: () => number;
      mmapBytes?: number;
      mirror?: boolean | MirrorOptions | undefined;
    } = {},
  ) {
    this.#now = options.now ?? Date.now;
    const mmapBytes = options.mmapBytes ?? 0;
    if (!Number.isSafeInteger(mmapBytes) || mmapBytes < 0) {
      throw new TypeError('`mmapBytes` must be a non-negative integer.');
    }
    try {
      this.#db = new Database(filename);
      this.#db.pragma('journal_mode = WAL');
      this.#db.pragma('synchronous = NORMAL');
      this.#db.pragma('busy_timeout = 5000');
      this.#db.pragma(`mmap_size = ${mmapBytes}`);
      this.#db.exec(SCHEMA);
      migrate(this.#db);
      this.#db.exec(DELETE_TRIGGER);
    } catch (error) {
      throw new IntelshareError('STORAGE_ERROR', `Cannot open SQLite database \`${filename}\`.`, {
        cause: error,
      });
    }
    this.#insert = this.#db.prepare(
      'INSERT INTO taxii_objects (collection, added, id, type, spec_version, version, version_key, body, is_last, is_first) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.#siblings = this.#db
      .prepare(
        // Without statistics the planner would scan the collection's primary key instead.
        'SELECT version_key, added, is_last, is_first FROM taxii_objects INDEXED BY taxii_objects_id WHERE collection = ? AND id = ?',
      )
      .raw();
    this.#setFlags = this.#db.prepare(
      'UPDATE taxii_objects SET is_last = ?, is_first = ? WHERE collection = ? AND added = ?',
    );
    this.#counter = this.#db.prepare('SELECT last_added FROM taxii_counters WHERE collection = ?');
    this.#setCounter = this.#db.prepare(
      'INSERT INTO taxii_counters (collection, last_added) VALUES (?, ?) ON CONFLICT (collection) DO UPDATE SET last_added = excluded.last_added',
    );
    this.#marker = this.#db
      .prepare('SELECT last_added, deletes FROM taxii_counters WHERE collection = ?')
      .raw();
    const add = (collection: string, objects: readonly NewObject[]): AddResult[] => {
      let last =
        (this.#counter.get(collection) as { last_added: number } | undefined)?.last_added ?? 0;
      const results: AddResult[] = [];
      for (const o of objects) {
        // Every stored version of this id (rows inserted earlier in the batch included).
        const siblings = this.#siblings.all(collection, o.id) as [string, number, number, number][];
        const existing = siblings.find(([key]) => key === o.versionKey);
        if (existing) {
          results.push({ added: existing[1], inserted: false });
          continue;
        }
        const isLast = siblings.every(([key]) => key < o.versionKey);
        const isFirst = siblings.every(([key]) => key > o.versionKey);
        // The new version takes over a flag: the sibling that held it gives it up.
        for (const [, added, wasLast, wasFirst] of siblings) {
          if ((isLast && wasLast) || (isFirst && wasFirst)) {
            this.#setFlags.run(isLast ? 0 : wasLast, isFirst ? 0 : wasFirst, collection, added);
          }
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
          isLast ? 1 : 0,
          isFirst ? 1 : 0,
        );
        results.push({ added: last, inserted: true });
      }
      this.#setCounter.run(collection, last);
      return results;
    };
    this.#add = this.#db.transaction(add).immediate as typeof add;
    this.#mirror = options.mirror
      ? new CollectionMirror(this.#mirrorSource(), options.mirror === true ? {} : options.mirror)
      : undefined;
  }

  /** Counters and version reads for the mirror, each from one snapshot of the file. */
  /** The collection's counters: one primary-key read of its `taxii_counters` row. */
  #counters(collection: string): ChangeCounters {
    const row = this.#marker.get(collection) as [number, number] | undefined;
    return row ? { lastAdded: row[0], deletes: row[1] } : { lastAdded: 0, deletes: 0 };
  }

  #mirrorSource(): MirrorSource {
    const counters = (collection: string) => this.#counters(collection);
    const since = this.#db
      .prepare(
        'SELECT o.added, o.id, o.type, o.spec_version, o.version, o.version_key, o.body FROM taxii_objects o WHERE o.collection = ? AND o.added > ? ORDER BY o.added LIMIT ?',
      )
      .raw();
    // A deferred read transaction: the counters and the rows come from one snapshot.
    const readSince = this.#db.transaction((collection: string, after: number, limit: number) => ({
      counters: counters(collection),
      objects: (since.all(collection, after, limit) as ObjectTuple[]).map(tupleToStored),
    }));
    return {
      counters: async (collection) => counters(collection),
      readSince: async (collection, after, limit) => readSince(collection, after, limit),
    };
  }

  /**
   * Loads `collection` into the mirror now (see the `mirror` option), instead of at its
   * first read, and says whether its pages are now served from memory: `false` when the
   * storage has no mirror or the collection does not fit in its `maxBytes`.
   *
   * @example
   * ```ts
   * import { SqliteStorage } from '@intelshare/taxii-server/sqlite';
   *
   * const storage = new SqliteStorage('/var/lib/intelshare/taxii.db', { mirror: true });
   * const inMemory = await storage.loadMirror('indicators');
   * await storage.close();
   * ```
   */
  async loadMirror(collection: string): Promise<boolean> {
    return this.#mirror ? this.#mirror.load(collection) : false;
  }

  #prepare(sql: string, raw = false): Database.Statement {
    let stmt = this.#statements.get(sql);
    if (!stmt) {
      if (this.#statements.size > 500) this.#statements.clear();
      stmt = this.#db.prepare(sql);
      if (raw) stmt.raw();
      this.#statements.set(sql, stmt);
    }
    return stmt;
  }

  async addObjects(collection: string, objects: readonly NewObject[]): Promise<AddResult[]> {
    const results = this.#add(collection, objects);
    this.#mirror?.changed(collection);
    return results;
  }

  /** `WHERE` terms and bind values of a page query, after the collection and position. */
  #pageWhere(collection: string, after: number, query: ObjectQuery): [string, unknown[]] {
    const params: unknown[] = [collection, after];
    const param = (value: unknown) => {
      params.push(value);
      return '?';
    };
    const where = filterSql(query, 'taxii_objects', param, true);
    return [`o.collection = ? AND o.added > ?${where}`, params];
  }

  async queryObjects(collection: string, query: ObjectQuery): Promise<ObjectPage> {
    const held = await this.#mirror?.objects(collection, query);
    if (held) return held;
    const [where, params] = this.#pageWhere(collection, query.after, query);
    // Rows as arrays: better-sqlite3 builds an object with named keys per row otherwise,
    // which costs more than the rest of the page. The body is read as text and encoded by
    // `tupleToStored`: a BLOB per row (a Buffer each) costs twice as much.
    const rows = this.#prepare(
      `SELECT o.added, o.id, o.type, o.spec_version, o.version, o.version_key, o.body FROM taxii_objects o${byIds(query)} WHERE ${where} ORDER BY o.added LIMIT ?`,
      true,
    ).all(...params, query.limit + 1) as ObjectTuple[];
    const more = rows.length > query.limit;
    if (more) rows.pop();
    return { objects: rows.map(tupleToStored), more };
  }

  /**
   * The page's bodies joined inside SQLite into one BLOB: one value crosses into JavaScript
   * instead of a row per object, which is most of a page's cost. The inner query hands its
   * rows to the aggregate in `added` order (a co-routine over the index range), so the
   * aggregate needs no `ORDER BY`, which would sort the page again.
   */
  async queryJoinedBodies(collection: string, query: ObjectQuery): Promise<JoinedBodiesPage> {
    const held = await this.#mirror?.joinedBodies(collection, query);
    if (held) return held;
    const [where, params] = this.#pageWhere(collection, query.after, query);
    const [count, first, last, bodies] = this.#prepare(
      `SELECT count(*), min(p.added), max(p.added), CAST(group_concat(p.body, ',') AS BLOB) FROM (SELECT o.added, o.body FROM taxii_objects o${byIds(query)} WHERE ${where} ORDER BY o.added LIMIT ?) p`,
      true,
    ).get(...params, query.limit) as [number, number | null, number | null, Uint8Array | null];
    let more = false;
    if (count === query.limit && last !== null) {
      // A full page: one probe of the index past its end says whether another one follows.
      const [after, afterParams] = this.#pageWhere(collection, last, query);
      more =
        this.#prepare(`SELECT 1 FROM taxii_objects o WHERE ${after} LIMIT 1`, true).get(
          ...afterParams,
        ) !== undefined;
    }
    return {
      bodies: bodies ?? new Uint8Array(0),
      count,
      first: first ?? 0,
      last: last ?? 0,
      more,
    };
  }

  /**
   * The collection's `added` counter and delete count: one primary-key read of its
   * `taxii_counters` row, from the file, so writes by another process on it count too. Every
   * add that stores a version raises `last_added` (never reused) and every removed row raises
   * `deletes` (a trigger), both in the write's transaction; a re-add of a stored version or a
   * delete of nothing moves neither.
   */
  async changeMarker(collection: string): Promise<string> {
    const held = await this.#mirror?.marker(collection);
    if (held !== undefined) return held;
    const { lastAdded, deletes } = this.#counters(collection);
    return `${lastAdded}:${deletes}`;
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
      this.#db
        .prepare(
          `UPDATE taxii_objects AS o SET
            is_last = o.version_key = (SELECT max(o2.version_key) FROM taxii_objects o2 INDEXED BY taxii_objects_id WHERE o2.collection = o.collection AND o2.id = o.id),
            is_first = o.version_key = (SELECT min(o2.version_key) FROM taxii_objects o2 INDEXED BY taxii_objects_id WHERE o2.collection = o.collection AND o2.id = o.id)
          WHERE o.collection = ? AND o.id = ?`,
        )
        .run(collection, id);
      return doomed.length;
    });
    const removed = del.immediate();
    this.#mirror?.changed(collection);
    return removed;
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
    this.#mirror?.close();
    if (this.#db.open) this.#db.close();
  }
}

/**
 * With `match[id]`, look the ids up in the id index: without statistics the planner walks
 * the whole collection in `added` order instead (a full scan per query).
 */
function byIds(query: ObjectQuery): string {
  return query.ids ? ' INDEXED BY taxii_objects_id' : '';
}
