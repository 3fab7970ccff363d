import { createHash } from 'node:crypto';
import pg from 'pg';
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
import { createSchema, inTransaction } from './transaction';

/** The `LISTEN` channel of change notices (payload: `[schema, collection, lastAdded, deletes]`). */
const CHANGES_CHANNEL = 'intelshare_taxii_changes';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS taxii_counters (
  collection text PRIMARY KEY,
  last_added bigint NOT NULL,
  deletes bigint NOT NULL DEFAULT 0
);
-- Schemas made before the change marker gain its delete count in place (no rewrite: the
-- default is stored once); checked first so a started schema takes no table lock.
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema()
      AND table_name = 'taxii_counters' AND column_name = 'deletes') THEN
    ALTER TABLE taxii_counters ADD COLUMN deletes bigint NOT NULL DEFAULT 0;
  END IF;
END $$;
CREATE TABLE IF NOT EXISTS taxii_objects (
  collection text NOT NULL,
  added bigint NOT NULL,
  id text NOT NULL,
  type text NOT NULL,
  spec_version text NOT NULL,
  version text,
  version_key text NOT NULL,
  body text NOT NULL,
  is_last boolean NOT NULL,
  is_first boolean NOT NULL,
  PRIMARY KEY (collection, added)
) WITH (autovacuum_analyze_scale_factor = 0.02);
CREATE UNIQUE INDEX IF NOT EXISTS taxii_objects_id ON taxii_objects (collection, id, version_key);
CREATE INDEX IF NOT EXISTS taxii_objects_type ON taxii_objects (collection, type, added);
CREATE TABLE IF NOT EXISTS taxii_statuses (
  id text PRIMARY KEY,
  api_root text NOT NULL,
  owner text NOT NULL,
  body text NOT NULL
);
-- Every write of a collection's counters (each add and each delete, in the write's own
-- transaction) notifies listeners at commit: the mirrors of other instances catch up.
-- A collection name too long for a notice (8000 bytes) is sent as null: "any collection".
CREATE OR REPLACE FUNCTION taxii_counters_notify() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM pg_notify('${CHANGES_CHANNEL}', json_build_array(TG_TABLE_SCHEMA,
    CASE WHEN octet_length(NEW.collection) <= 4000 THEN NEW.collection END,
    NEW.last_added::text, NEW.deletes::text)::text);
  RETURN NULL;
END $fn$;
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'taxii_counters_notify'
      AND tgrelid = 'taxii_counters'::regclass) THEN
    CREATE TRIGGER taxii_counters_notify AFTER INSERT OR UPDATE ON taxii_counters
      FOR EACH ROW EXECUTE FUNCTION taxii_counters_notify();
  END IF;
END $$;
`;

const COMMA = 0x2c;

// Any constant: instances creating the schema at once serialise on this advisory lock.
const SCHEMA_LOCK = 7_211_302_411;

/**
 * A {@link TaxiiStorage} in PostgreSQL via `pg`, for many stateless server instances
 * sharing one database behind a load balancer. Each POST takes a row lock on its
 * collection's counter, so `added` values are assigned in commit order and a reader never
 * sees a later position before an earlier one: cursors stay exact across instances.
 * The schema is created on first use.
 *
 * @example
 * ```ts
 * import { PostgresStorage } from '@intelshare/taxii-server/postgres';
 *
 * const storage = new PostgresStorage('postgres://taxii@db.internal/taxii');
 * await storage.close();
 * ```
 */
export class PostgresStorage implements TaxiiStorage {
  readonly #pool: pg.Pool;
  readonly #ownsPool: boolean;
  /** Where pages are read: a read replica when given, else the primary pool. */
  readonly #readPool: pg.Pool;
  readonly #ownsReadPool: boolean;
  readonly #now: () => number;
  #ready: Promise<void> | undefined;
  readonly #mirror: CollectionMirror | undefined;
  /** The connection that `LISTEN`s for change notices, while the mirror has one. */
  #listener: pg.Client | undefined;
  #listenRetry: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  /** SQL text → prepared statement name. Filters bind lists as arrays, so few texts occur. */
  readonly #names = new Map<string, string>();

  #statementName(text: string): string | undefined {
    let name = this.#names.get(text);
    if (name === undefined && this.#names.size < 64) {
      // Named after the text itself: prepared statements belong to a connection, and
      // storages sharing one pool (a mirrored and a plain one, say) must agree on what a
      // name means. A name counted per storage gave one name two texts on one connection.
      name = `taxii_page_${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
      this.#names.set(text, name);
    }
    return name;
  }

  /**
   * @param pool - a `pg.Pool` (not closed by {@link PostgresStorage.close}) or a connection string.
   * @param options - `readPool`: a read replica (pool or connection string) that object
   *   pages are read from; writes, deletes and status resources stay on `pool`. A replica
   *   replays commits in commit order, so a lagging one shows a prefix of the collection:
   *   cursors never skip or repeat there, new objects only appear later. `mirror` keeps a
   *   copy of each collection read in process memory (see {@link MirrorOptions}): pages are
   *   then served without a database round trip, at the cost of the memory (bodies plus
   *   300 to 400 bytes per object). The copy learns of other instances' writes from
   *   `LISTEN`/`NOTIFY` on a connection of its own. `now` replaces the clock
   *   (milliseconds), for tests.
   */
  constructor(
    pool: pg.Pool | string,
    options: {
      readPool?: pg.Pool | string;
      now?: () => number;
      mirror?: boolean | MirrorOptions | undefined;
    } = {},
  ) {
    this.#ownsPool = typeof pool === 'string';
    this.#pool = typeof pool === 'string' ? new pg.Pool({ connectionString: pool }) : pool;
    const read = options.readPool;
    this.#ownsReadPool = typeof read === 'string';
    this.#readPool =
      read === undefined
        ? this.#pool
        : typeof read === 'string'
          ? new pg.Pool({ connectionString: read })
          : read;
    this.#now = options.now ?? Date.now;
    this.#mirror = options.mirror
      ? new CollectionMirror(this.#mirrorSource(), options.mirror === true ? {} : options.mirror)
      : undefined;
  }

  /** Counters and version reads for the mirror, from the database pages are read from. */
  #mirrorSource(): MirrorSource {
    const counters = async (collection: string): Promise<ChangeCounters> => {
      await this.ready();
      return this.#counters(collection);
    };
    const readSince = async (collection: string, after: number, limit: number) => {
      await this.ready();
      // One statement, so the counters and the versions come from one snapshot.
      const result = await this.#readPool.query<
        [
          string,
          string,
          string | null,
          string | null,
          string | null,
          string | null,
          string | null,
          string | null,
          string | null,
        ]
      >({
        name: 'taxii_mirror_since',
        text: 'SELECT c.last_added, c.deletes, o.added, o.id, o.type, o.spec_version, o.version, o.version_key, o.body FROM taxii_counters c LEFT JOIN LATERAL (SELECT * FROM taxii_objects o WHERE o.collection = c.collection AND o.added > $2 ORDER BY o.added LIMIT $3) o ON true WHERE c.collection = $1',
        values: [collection, String(after), limit],
        rowMode: 'array',
      });
      const rows = result.rows;
      if (rows.length === 0) return { counters: EMPTY_COUNTERS, objects: [] };
      const counters = { lastAdded: Number(rows[0]![0]), deletes: Number(rows[0]![1]) };
      const objects = rows
        .filter((row) => row[2] !== null)
        .map((row) => tupleToStored(row.slice(2) as ObjectTuple));
      return { counters, objects };
    };
    return { counters, readSince };
  }

  /**
   * Listens for change notices on a connection of its own (`LISTEN`), and tells the mirror
   * whether they arrive: while the connection is down, the mirror reads the counters on
   * every read instead, and it tries again every few seconds.
   */
  async #listen(): Promise<void> {
    if (!this.#mirror || this.#listener || this.#closed) return;
    const client = new pg.Client(this.#pool.options);
    this.#listener = client;
    const lost = () => {
      if (this.#listener !== client) return;
      this.#listener = undefined;
      this.#mirror?.setNoticesArrive(false);
      client.end().catch(() => {});
      if (this.#closed) return;
      this.#listenRetry = setTimeout(() => {
        this.#listenRetry = undefined;
        this.#listen().catch(() => {});
      }, 2000);
      this.#listenRetry.unref?.();
    };
    client.on('error', lost);
    client.on('end', lost);
    try {
      await client.connect();
      const schema = (await client.query<{ schema: string }>('SELECT current_schema() AS schema'))
        .rows[0]!.schema;
      client.on('notification', (message) => {
        if (message.channel !== CHANGES_CHANNEL) return;
        const notice = parseNotice(message.payload);
        if (notice === undefined) {
          // Not understood: every collection catches up at its next read.
          this.#mirror?.changed(undefined);
        } else if (notice.schema === schema) {
          this.#mirror?.changed(notice.collection, notice.counters);
        }
      });
      await client.query(`LISTEN ${CHANGES_CHANNEL}`);
      if (this.#listener === client && !this.#closed) this.#mirror.setNoticesArrive(true);
    } catch {
      lost();
    }
  }

  /**
   * Loads `collection` into the mirror now (see the `mirror` option), instead of at its
   * first read, and says whether its pages are now served from memory: `false` when the
   * storage has no mirror or the collection does not fit in its `maxBytes`.
   *
   * @example
   * ```ts
   * import { PostgresStorage } from '@intelshare/taxii-server/postgres';
   *
   * const storage = new PostgresStorage('postgres://taxii@db.internal/taxii', { mirror: true });
   * const inMemory = await storage.loadMirror('indicators');
   * await storage.close();
   * ```
   */
  async loadMirror(collection: string): Promise<boolean> {
    if (!this.#mirror) return false;
    await this.ready();
    return this.#mirror.load(collection);
  }

  /** Creates the tables and indexes if missing; called on first use, safe to call again. */
  ready(): Promise<void> {
    this.#ready ??= createSchema(
      this.#pool,
      SCHEMA_LOCK,
      SCHEMA,
      'Cannot create the TAXII tables in PostgreSQL.',
    )
      // Listening before the first read: a change committed after a copy's snapshot is
      // then always noticed.
      .then(() => this.#listen())
      .catch((error: unknown) => {
        this.#ready = undefined;
        throw error;
      });
    return this.#ready;
  }

  #transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.#pool, work);
  }

  async addObjects(collection: string, objects: readonly NewObject[]): Promise<AddResult[]> {
    await this.ready();
    const added = await this.#transaction(async (client) => {
      await client.query(
        'INSERT INTO taxii_counters (collection, last_added) VALUES ($1, 0) ON CONFLICT DO NOTHING',
        [collection],
      );
      // The row lock is held to COMMIT: writers of one collection commit in `added` order.
      const counter = await client.query<{ last_added: string }>(
        'SELECT last_added FROM taxii_counters WHERE collection = $1 FOR UPDATE',
        [collection],
      );
      let last = Number(counter.rows[0]!.last_added);
      // `id = ANY(...)` probes the (collection, id, version_key) index; a join against
      // unnest() may be planned as a scan of the whole table.
      const existing = await client.query<{
        id: string;
        version_key: string;
        added: string;
        is_last: boolean;
        is_first: boolean;
      }>(
        'SELECT id, version_key, added, is_last, is_first FROM taxii_objects WHERE collection = $1 AND id = ANY($2::text[])',
        [collection, [...new Set(objects.map((o) => o.id))]],
      );
      const known = new Map(
        existing.rows.map((r) => [`${r.id}\u0000${r.version_key}`, Number(r.added)]),
      );
      const results: AddResult[] = [];
      const rows: { o: NewObject; added: number }[] = [];
      for (const o of objects) {
        const key = `${o.id}\u0000${o.versionKey}`;
        const seen = known.get(key);
        if (seen !== undefined) {
          results.push({ added: seen, inserted: false });
          continue;
        }
        last = nextAdded(last, this.#now());
        known.set(key, last);
        rows.push({ o, added: last });
        results.push({ added: last, inserted: true });
      }
      // Maintain is_last/is_first. Writers of this collection hold the counter lock, so the
      // versions read above are all there are.
      const extremes = new Map<string, { max: string; min: string }>();
      const note = (id: string, key: string) => {
        const e = extremes.get(id);
        if (!e) extremes.set(id, { max: key, min: key });
        else {
          if (key > e.max) e.max = key;
          if (key < e.min) e.min = key;
        }
      };
      for (const r of existing.rows) note(r.id, r.version_key);
      for (const r of rows) note(r.o.id, r.o.versionKey);
      const flagsOf = (id: string, key: string) => {
        const e = extremes.get(id)!;
        return { last: key === e.max, first: key === e.min };
      };
      const changed = existing.rows.filter((r) => {
        const f = flagsOf(r.id, r.version_key);
        return f.last !== r.is_last || f.first !== r.is_first;
      });
      if (changed.length > 0) {
        await client.query(
          'UPDATE taxii_objects t SET is_last = k.is_last, is_first = k.is_first FROM unnest($2::text[], $3::text[], $4::boolean[], $5::boolean[]) AS k(id, version_key, is_last, is_first) WHERE t.collection = $1 AND t.id = k.id AND t.version_key = k.version_key',
          [
            collection,
            changed.map((r) => r.id),
            changed.map((r) => r.version_key),
            changed.map((r) => flagsOf(r.id, r.version_key).last),
            changed.map((r) => flagsOf(r.id, r.version_key).first),
          ],
        );
      }
      for (let i = 0; i < rows.length; i += 5000) {
        const chunk = rows.slice(i, i + 5000);
        await client.query(
          'INSERT INTO taxii_objects (collection, added, id, type, spec_version, version, version_key, body, is_last, is_first) SELECT $1, * FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::boolean[], $10::boolean[])',
          [
            collection,
            chunk.map((r) => String(r.added)),
            chunk.map((r) => r.o.id),
            chunk.map((r) => r.o.type),
            chunk.map((r) => r.o.specVersion),
            chunk.map((r) => r.o.version),
            chunk.map((r) => r.o.versionKey),
            chunk.map((r) => r.o.body),
            chunk.map((r) => flagsOf(r.o.id, r.o.versionKey).last),
            chunk.map((r) => flagsOf(r.o.id, r.o.versionKey).first),
          ],
        );
      }
      await client.query('UPDATE taxii_counters SET last_added = $2 WHERE collection = $1', [
        collection,
        String(last),
      ]);
      return results;
    });
    this.#mirror?.changed(collection);
    return added;
  }

  /** The WHERE terms of a page after `$2`, and its bind values; `$3` is left for the limit. */
  #pageWhere(collection: string, query: ObjectQuery): [string, unknown[]] {
    const params: unknown[] = [collection, String(query.after), query.limit];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    return [filterSql(query, 'taxii_objects', param, true, true), params];
  }

  /** Runs a page statement as a named prepared statement, rows as arrays. */
  #readPage<Row extends unknown[]>(text: string, values: unknown[]) {
    // A named statement is parsed and planned once per connection, not once per page; rows
    // as arrays skip building an object with named keys per row.
    const name = this.#statementName(text);
    return this.#readPool.query<Row>({
      text,
      values,
      rowMode: 'array',
      ...(name ? { name } : {}),
    });
  }

  async queryObjects(collection: string, query: ObjectQuery): Promise<ObjectPage> {
    await this.ready();
    const held = await this.#mirror?.objects(collection, query);
    if (held) return held;
    const [where, params] = this.#pageWhere(collection, query);
    // One more row than asked says whether another page follows, in the same round trip.
    const result = await this.#readPage<ObjectTuple>(
      `SELECT o.added, o.id, o.type, o.spec_version, o.version, o.version_key, o.body FROM taxii_objects o WHERE o.collection = $1 AND o.added > $2${where} ORDER BY o.added LIMIT $3 + 1`,
      params,
    );
    const rows = result.rows;
    const more = rows.length > query.limit;
    if (more) rows.pop();
    return { objects: rows.map(tupleToStored), more };
  }

  /**
   * The page's bodies joined into one buffer of the exact size, in one round trip (one row
   * more than asked says whether another page follows). Only `added` and `body` are sent:
   * each further column costs pg a string per row. The rows are joined here, not by
   * `string_agg` in the database: measured on pages of 1000, one 400 kB value cost pg
   * about twice as much as the thousand rows (see the "Deploying" docs page).
   */
  async queryJoinedBodies(collection: string, query: ObjectQuery): Promise<JoinedBodiesPage> {
    await this.ready();
    const held = await this.#mirror?.joinedBodies(collection, query);
    if (held) return held;
    const [where, params] = this.#pageWhere(collection, query);
    const result = await this.#readPage<[string, string]>(
      `SELECT o.added, o.body FROM taxii_objects o WHERE o.collection = $1 AND o.added > $2${where} ORDER BY o.added LIMIT $3 + 1`,
      params,
    );
    const rows = result.rows;
    const more = rows.length > query.limit;
    const count = more ? query.limit : rows.length;
    if (count === 0) return { bodies: new Uint8Array(0), count: 0, first: 0, last: 0, more };
    // pg hands each body over as a string: measured, then written straight into the page.
    let size = count - 1;
    for (let i = 0; i < count; i++) size += Buffer.byteLength(rows[i]![1], 'utf8');
    const bodies = Buffer.allocUnsafe(size);
    let offset = 0;
    for (let i = 0; i < count; i++) {
      if (i > 0) bodies[offset++] = COMMA;
      offset += bodies.write(rows[i]![1], offset, 'utf8');
    }
    return {
      bodies,
      count,
      first: Number(rows[0]![0]),
      last: Number(rows[count - 1]![0]),
      more,
    };
  }

  /**
   * The collection's `added` counter and delete count, one primary-key read from the
   * database the pages are read from. Every add that stores an object raises `last_added`
   * (never reused) and every delete that removes one raises `deletes`, both in the write's
   * transaction, so the marker changes on every change of content by any instance.
   */
  async changeMarker(collection: string): Promise<string> {
    await this.ready();
    const held = await this.#mirror?.marker(collection);
    if (held !== undefined) return held;
    const { lastAdded, deletes } = await this.#counters(collection);
    return `${lastAdded}:${deletes}`;
  }

  /** The collection's counters, one primary-key read from the database pages are read from. */
  async #counters(collection: string): Promise<ChangeCounters> {
    const result = await this.#readPool.query<[string, string]>({
      name: 'taxii_change_marker',
      text: 'SELECT last_added, deletes FROM taxii_counters WHERE collection = $1',
      values: [collection],
      rowMode: 'array',
    });
    const row = result.rows[0];
    return row ? { lastAdded: Number(row[0]), deletes: Number(row[1]) } : EMPTY_COUNTERS;
  }

  async deleteObject(
    collection: string,
    id: string,
    versions: VersionSelector,
    specVersions?: readonly string[],
  ): Promise<number> {
    await this.ready();
    const params: unknown[] = [collection, id];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const where = filterSql(
      { after: 0, limit: 0, versions, ...(specVersions ? { specVersions } : {}) },
      'taxii_objects',
      param,
    );
    const deleted = await this.#transaction(async (client) => {
      // Same lock as writers: flags are recomputed without a concurrent insert of this id.
      await client.query('SELECT 1 FROM taxii_counters WHERE collection = $1 FOR UPDATE', [
        collection,
      ]);
      // The version rule is evaluated on the statement's snapshot, before any row goes.
      const result = await client.query(
        `DELETE FROM taxii_objects t USING (SELECT o.collection, o.added FROM taxii_objects o WHERE o.collection = $1 AND o.id = $2${where}) d WHERE t.collection = d.collection AND t.added = d.added`,
        params,
      );
      const removed = result.rowCount ?? 0;
      if (removed === 0) return 0;
      await client.query('UPDATE taxii_counters SET deletes = deletes + 1 WHERE collection = $1', [
        collection,
      ]);
      await client.query(
        'UPDATE taxii_objects t SET is_last = t.version_key = m.max_key, is_first = t.version_key = m.min_key FROM (SELECT max(version_key) AS max_key, min(version_key) AS min_key FROM taxii_objects WHERE collection = $1 AND id = $2) m WHERE t.collection = $1 AND t.id = $2',
        [collection, id],
      );
      return removed;
    });
    if (deleted > 0) this.#mirror?.changed(collection);
    return deleted;
  }

  /**
   * Vacuums and analyzes the objects table (`VACUUM (ANALYZE)`): fresh planner statistics,
   * and every page of the import marked all-visible. Autovacuum does both on its own a
   * minute or so after a large import, and while it scans the new rows, pages are served
   * alongside it; call this after a bulk import to do it at a time of your choosing, so the
   * first pages are planned as index range scans straight away.
   *
   * @example
   * ```ts
   * import { PostgresStorage } from '@intelshare/taxii-server/postgres';
   *
   * const storage = new PostgresStorage('postgres://taxii@db.internal/taxii');
   * await storage.analyze();
   * await storage.close();
   * ```
   */
  async analyze(): Promise<void> {
    await this.ready();
    // Outside a transaction: VACUUM refuses to run inside one.
    await this.#pool.query('VACUUM (ANALYZE) taxii_objects');
  }

  async putStatus(status: StoredStatus): Promise<void> {
    await this.ready();
    await this.#pool.query(
      'INSERT INTO taxii_statuses (id, api_root, owner, body) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET body = excluded.body',
      [status.id, status.apiRoot, status.owner, status.body],
    );
  }

  async getStatus(id: string): Promise<StoredStatus | undefined> {
    await this.ready();
    const result = await this.#pool.query<{
      id: string;
      api_root: string;
      owner: string;
      body: string;
    }>('SELECT id, api_root, owner, body FROM taxii_statuses WHERE id = $1', [id]);
    const row = result.rows[0];
    return row && { id: row.id, apiRoot: row.api_root, owner: row.owner, body: row.body };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#mirror?.close();
    if (this.#listenRetry) clearTimeout(this.#listenRetry);
    const listener = this.#listener;
    this.#listener = undefined;
    await listener?.end().catch(() => {});
    if (this.#ownsPool) await this.#pool.end();
    if (this.#ownsReadPool) await this.#readPool.end();
  }
}

const EMPTY_COUNTERS: ChangeCounters = { lastAdded: 0, deletes: 0 };

/** A change notice's payload, or `undefined` when it is not one this version understands. */
function parseNotice(
  payload: string | undefined,
): { schema: string; collection: string | undefined; counters: ChangeCounters } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(payload ?? '');
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || value.length !== 4) return undefined;
  const [schema, collection, lastAdded, deletes] = value as unknown[];
  if (typeof schema !== 'string' || (collection !== null && typeof collection !== 'string')) {
    return undefined;
  }
  const counters = { lastAdded: Number(lastAdded), deletes: Number(deletes) };
  if (!Number.isSafeInteger(counters.lastAdded) || !Number.isSafeInteger(counters.deletes)) {
    return undefined;
  }
  return { schema, collection: collection ?? undefined, counters };
}
