import { PostgresAuditStore, PostgresStorage } from '@intelshare/taxii-server/postgres';
import pg from 'pg';
import {
  INDICATOR_SORTS,
  type IndicatorPage,
  type IndicatorQuery,
  type IndicatorRow,
  pageOf,
  readCursor,
} from '../indicator-query';
import { addedBuckets, type CatalogRows, catalogRows } from './catalog-rows';
import type {
  ApiKeyRow,
  CatalogCounts,
  HubStore,
  IndicatorPatternRow,
  MatchRow,
  ObjectFacts,
  RelationshipRow,
  SessionRow,
  SightingRow,
  SourceRow,
  SourceUpdate,
} from './hub-store';
import { sourceUpdateSql } from './source-update-sql';

/**
 * Schema migrations, applied in order once each (recorded in `hub_schema_migrations`).
 * Text columns use the "C" collation: byte order, as SQLite's BINARY, so both stores sort
 * and page identically whatever locale the cluster was created with. Substring search uses
 * `pg_trgm` GIN indexes (a trusted extension since PostgreSQL 13: the database owner may
 * create it).
 */
export const HUB_MIGRATIONS: readonly { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE hub_objects (
  id text COLLATE "C" PRIMARY KEY,
  type text COLLATE "C" NOT NULL,
  version text COLLATE "C" NOT NULL,
  source text COLLATE "C" NOT NULL,
  tlp text COLLATE "C" NOT NULL,
  name text COLLATE "C",
  revoked integer NOT NULL DEFAULT 0,
  first_seen bigint NOT NULL,
  last_seen bigint NOT NULL
);
CREATE INDEX hub_objects_type ON hub_objects (type);
CREATE TABLE hub_indicators (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id text COLLATE "C" NOT NULL UNIQUE,
  name text COLLATE "C" NOT NULL,
  pattern text COLLATE "C" NOT NULL,
  value text COLLATE "C" NOT NULL,
  ioc_type text COLLATE "C" NOT NULL,
  tlp text COLLATE "C" NOT NULL,
  source text COLLATE "C" NOT NULL,
  confidence integer,
  valid_from text COLLATE "C",
  valid_until text COLLATE "C",
  revoked integer NOT NULL DEFAULT 0,
  modified text COLLATE "C" NOT NULL,
  added bigint NOT NULL
);
CREATE INDEX hub_indicators_value ON hub_indicators (value, seq);
CREATE INDEX hub_indicators_modified ON hub_indicators (modified, seq);
CREATE INDEX hub_indicators_source ON hub_indicators (source, seq);
CREATE INDEX hub_indicators_tlp ON hub_indicators (tlp, seq);
CREATE INDEX hub_indicators_type ON hub_indicators (ioc_type, seq);
-- NULLS FIRST ascending: read backwards it is "highest first, missing last" (SQLite's order).
CREATE INDEX hub_indicators_confidence ON hub_indicators (confidence NULLS FIRST, seq);
CREATE INDEX hub_indicators_added ON hub_indicators (added);
CREATE INDEX hub_indicators_value_trgm ON hub_indicators USING gin (value gin_trgm_ops);
CREATE INDEX hub_indicators_name_trgm ON hub_indicators USING gin (name gin_trgm_ops);
CREATE INDEX hub_indicators_pattern_trgm ON hub_indicators USING gin (pattern gin_trgm_ops);
CREATE TABLE hub_relationships (
  id text COLLATE "C" PRIMARY KEY,
  relationship_type text COLLATE "C" NOT NULL,
  source_ref text COLLATE "C" NOT NULL,
  target_ref text COLLATE "C" NOT NULL
);
CREATE INDEX hub_relationships_source ON hub_relationships (source_ref);
CREATE INDEX hub_relationships_target ON hub_relationships (target_ref);
CREATE TABLE hub_sightings (
  id text COLLATE "C" PRIMARY KEY,
  sighting_of_ref text COLLATE "C" NOT NULL,
  count integer,
  first_seen text COLLATE "C",
  last_seen text COLLATE "C",
  source text COLLATE "C" NOT NULL,
  description text
);
CREATE INDEX hub_sightings_of ON hub_sightings (sighting_of_ref);
CREATE TABLE hub_sources (
  id text COLLATE "C" PRIMARY KEY,
  state text,
  last_poll_at bigint,
  last_ok_at bigint,
  last_error text,
  polls integer NOT NULL DEFAULT 0,
  new_count integer NOT NULL DEFAULT 0,
  updated_count integer NOT NULL DEFAULT 0,
  rejected_count integer NOT NULL DEFAULT 0,
  issue_count integer NOT NULL DEFAULT 0,
  last_issue text
);
CREATE TABLE hub_matches (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at bigint NOT NULL,
  value text NOT NULL,
  indicator_id text NOT NULL
);
CREATE TABLE hub_users (
  username text COLLATE "C" PRIMARY KEY,
  password_hash text NOT NULL
);
CREATE TABLE hub_sessions (
  token_hash text COLLATE "C" PRIMARY KEY,
  username text NOT NULL,
  csrf text NOT NULL,
  expires bigint NOT NULL
);
CREATE INDEX hub_sessions_username ON hub_sessions (username);
CREATE TABLE hub_api_keys (
  id text COLLATE "C" PRIMARY KEY,
  partner_id text COLLATE "C" NOT NULL,
  hash text NOT NULL,
  hint text NOT NULL,
  created bigint NOT NULL,
  revoked bigint
);
CREATE TABLE hub_secrets (
  name text COLLATE "C" PRIMARY KEY,
  value text NOT NULL
);`,
  },
  {
    // One trigram index over the three searched columns instead of one per column: a
    // search reads each trigram's posting list once, not three times (name words such as
    // "indicator" occur in every row, so their lists are long). \x01 separates the
    // columns, so a match never spans two of them (a query holding \x01 is searched per column).
    version: 2,
    sql: `
CREATE INDEX hub_indicators_search_trgm ON hub_indicators
  USING gin ((value || E'\\x01' || name || E'\\x01' || pattern) gin_trgm_ops);
DROP INDEX hub_indicators_value_trgm;
DROP INDEX hub_indicators_name_trgm;
DROP INDEX hub_indicators_pattern_trgm;`,
  },
];

/** The expression migration 2 indexes: value, name and pattern, \x01 between them. */
const SEARCH_TEXT = "(value || E'\\x01' || name || E'\\x01' || pattern)";

// Any constant: instances migrating at once serialise on this transaction advisory lock.
const MIGRATION_LOCK = 7_211_302_421;

const INDICATOR_COLUMNS =
  'seq, id, name, value, ioc_type, tlp, source, confidence, valid_from, valid_until, revoked, modified';

/** `bigint` (OID 20) and `count(*)` come back as numbers: every value here is below 2^53. */
const types = {
  getTypeParser(oid: number, format?: string) {
    if (oid === 20) return (text: string) => Number(text);
    return pg.types.getTypeParser(oid, format as never);
  },
} as pg.CustomTypesConfig;

/** `text` for a LIKE pattern that matches itself only (`\` is the escape character). */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

/**
 * The hub store in PostgreSQL: the hub's tables, the TAXII storage (`PostgresStorage`)
 * and the audit chain (`PostgresAuditStore`) in one database, so several hub instances
 * can share it. The schema is created on first start and migrated by version.
 */
export class PostgresHubStore implements HubStore {
  readonly kind = 'postgres' as const;
  readonly taxiiStorage: PostgresStorage;
  readonly auditStore: PostgresAuditStore;
  readonly #pool: pg.Pool;

  private constructor(pool: pg.Pool, url: string) {
    this.#pool = pool;
    // Their own pools: they read bigint columns as the package expects (text), not as numbers.
    this.taxiiStorage = new PostgresStorage(url);
    this.auditStore = new PostgresAuditStore(url);
  }

  /**
   * Connects, applies the migrations not yet applied, and returns the store.
   *
   * @param url - a `postgres://` connection string (may hold a password: never logged here).
   */
  static async open(url: string): Promise<PostgresHubStore> {
    const pool = new pg.Pool({ connectionString: url, types, max: 10 });
    // An idle client's error (the server restarted) must not crash the process.
    pool.on('error', () => {});
    const store = new PostgresHubStore(pool, url);
    try {
      await store.#migrate();
      await store.taxiiStorage.ready();
      await store.auditStore.ready();
    } catch (error) {
      await store.close().catch(() => {});
      throw error;
    }
    return store;
  }

  async #transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
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

  async #migrate(): Promise<void> {
    await this.#transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await client.query(
        'CREATE TABLE IF NOT EXISTS hub_schema_migrations (version integer PRIMARY KEY, applied_at bigint NOT NULL)',
      );
      const { rows } = await client.query<{ version: number }>(
        'SELECT version FROM hub_schema_migrations',
      );
      const applied = new Set(rows.map((row) => row.version));
      for (const migration of HUB_MIGRATIONS) {
        if (applied.has(migration.version)) continue;
        await client.query(migration.sql);
        await client.query(
          'INSERT INTO hub_schema_migrations (version, applied_at) VALUES ($1, $2)',
          [migration.version, Date.now()],
        );
      }
    });
  }

  async #rows<T>(sql: string, values: unknown[] = []): Promise<T[]> {
    return (await this.#pool.query(sql, values)).rows as T[];
  }

  async recordObjects(
    sourceId: string,
    objects: readonly Record<string, unknown>[],
  ): Promise<CatalogCounts> {
    const counts: CatalogCounts = { new: 0, updated: 0, unchanged: 0 };
    if (objects.length === 0) return counts;
    const now = Date.now();
    const all = objects.map(catalogRows);
    return this.#transaction(async (client) => {
      // One round trip for what is stored, one statement per table for what changes: a
      // poll page is a handful of statements, not one per object.
      const { rows } = await client.query<{ id: string; version: string }>(
        'SELECT id, version FROM hub_objects WHERE id = ANY($1::text[])',
        [[...new Set(all.map((rows) => rows.object.id))]],
      );
      const current = new Map(rows.map((row) => [row.id, row.version]));
      // The latest version of each id in the batch, at the place it first changed (so the
      // order of "newest first" is the order SQLite gives, which writes row by row).
      const winners = new Map<string, CatalogRows>();
      for (const rows of all) {
        const before = current.get(rows.object.id);
        if (before !== undefined && before >= rows.object.version) {
          counts.unchanged++;
          continue;
        }
        if (before === undefined) counts.new++;
        else counts.updated++;
        current.set(rows.object.id, rows.object.version);
        winners.set(rows.object.id, rows);
      }
      const changed = [...winners.values()];
      if (changed.length === 0) return counts;
      const column = <T>(pick: (rows: CatalogRows) => T, list = changed) => list.map(pick);
      await client.query(
        `INSERT INTO hub_objects (id, type, version, source, tlp, name, revoked, first_seen, last_seen)
         SELECT id, type, version, $7, tlp, name, revoked, $8, $8
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[]) AS t(id, type, version, tlp, name, revoked)
         ON CONFLICT (id) DO UPDATE SET version = excluded.version, source = excluded.source,
           tlp = excluded.tlp, name = excluded.name, revoked = excluded.revoked, last_seen = excluded.last_seen
         WHERE hub_objects.version < excluded.version`,
        [
          column((r) => r.object.id),
          column((r) => r.object.type),
          column((r) => r.object.version),
          column((r) => r.object.tlp),
          column((r) => r.object.name),
          column((r) => r.object.revoked),
          sourceId,
          now,
        ],
      );
      const indicators = changed.filter((r) => r.indicator);
      if (indicators.length > 0) {
        const ind = <T>(pick: (i: NonNullable<CatalogRows['indicator']>, r: CatalogRows) => T) =>
          indicators.map((r) => pick(r.indicator!, r));
        await client.query(
          `INSERT INTO hub_indicators (id, name, pattern, value, ioc_type, tlp, source, confidence, valid_from, valid_until, revoked, modified, added)
           SELECT id, name, pattern, value, ioc_type, tlp, $12, confidence, valid_from, valid_until, revoked, modified, $13
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::text[], $9::text[], $10::int[], $11::text[])
             WITH ORDINALITY AS t(id, name, pattern, value, ioc_type, tlp, confidence, valid_from, valid_until, revoked, modified, ord)
           ORDER BY ord
           ON CONFLICT (id) DO UPDATE SET name = excluded.name, pattern = excluded.pattern, value = excluded.value,
             ioc_type = excluded.ioc_type, tlp = excluded.tlp, source = excluded.source, confidence = excluded.confidence,
             valid_from = excluded.valid_from, valid_until = excluded.valid_until, revoked = excluded.revoked,
             modified = excluded.modified
           WHERE hub_indicators.modified < excluded.modified`,
          [
            ind((_, r) => r.object.id),
            ind((i) => i.name),
            ind((i) => i.pattern),
            ind((i) => i.value),
            ind((i) => i.iocType),
            ind((_, r) => r.object.tlp),
            ind((i) => i.confidence),
            ind((i) => i.validFrom),
            ind((i) => i.validUntil),
            ind((_, r) => r.object.revoked),
            ind((_, r) => r.object.version),
            sourceId,
            now,
          ],
        );
      }
      const relationships = changed.filter((r) => r.relationship);
      if (relationships.length > 0)
        await client.query(
          `INSERT INTO hub_relationships (id, relationship_type, source_ref, target_ref)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
           ON CONFLICT (id) DO UPDATE SET relationship_type = excluded.relationship_type,
             source_ref = excluded.source_ref, target_ref = excluded.target_ref`,
          [
            relationships.map((r) => r.object.id),
            relationships.map((r) => r.relationship!.relationshipType),
            relationships.map((r) => r.relationship!.sourceRef),
            relationships.map((r) => r.relationship!.targetRef),
          ],
        );
      const sightings = changed.filter((r) => r.sighting);
      if (sightings.length > 0)
        await client.query(
          `INSERT INTO hub_sightings (id, sighting_of_ref, count, first_seen, last_seen, source, description)
           SELECT id, sighting_of_ref, count, first_seen, last_seen, $7, description
           FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[]) AS t(id, sighting_of_ref, count, first_seen, last_seen, description)
           ON CONFLICT (id) DO UPDATE SET count = excluded.count, first_seen = excluded.first_seen,
             last_seen = excluded.last_seen, description = excluded.description`,
          [
            sightings.map((r) => r.object.id),
            sightings.map((r) => r.sighting!.of),
            sightings.map((r) => r.sighting!.count),
            sightings.map((r) => r.sighting!.firstSeen),
            sightings.map((r) => r.sighting!.lastSeen),
            sightings.map((r) => r.sighting!.description),
            sourceId,
          ],
        );
      return counts;
    });
  }

  async countsBy(column: 'type' | 'tlp' | 'source'): Promise<{ key: string; count: number }[]> {
    return this.#rows(
      `SELECT ${column} AS key, count(*) AS count FROM hub_objects GROUP BY ${column} ORDER BY count DESC, key`,
    );
  }

  async totalObjects(): Promise<number> {
    const [row] = await this.#rows<{ n: number }>('SELECT count(*) AS n FROM hub_objects');
    return row?.n ?? 0;
  }

  async indicatorsAddedOverTime(
    bucketMs: number,
    buckets: number,
    now = Date.now(),
  ): Promise<{ start: number; count: number }[]> {
    const { start, slots } = addedBuckets(bucketMs, buckets, now);
    const rows = await this.#rows<{ slot: number; count: number }>(
      'SELECT (added - $1::bigint) / $2::bigint AS slot, count(*) AS count FROM hub_indicators WHERE added >= $1::bigint GROUP BY slot',
      [start, bucketMs],
    );
    for (const row of rows)
      if (row.slot >= 0 && row.slot < buckets) slots[row.slot]!.count = row.count;
    return slots;
  }

  async objectFacts(id: string): Promise<ObjectFacts | undefined> {
    const [row] = await this.#rows<ObjectFacts>(
      'SELECT id, type, version, source, tlp, name FROM hub_objects WHERE id = $1',
      [id],
    );
    return row;
  }

  async relationshipsOf(id: string): Promise<RelationshipRow[]> {
    return this.#rows(
      `SELECT r.id, r.relationship_type AS type, r.source_ref AS source, r.target_ref AS target,
              o.name AS "otherName", o.type AS "otherType"
       FROM hub_relationships r
       LEFT JOIN hub_objects o ON o.id = CASE WHEN r.source_ref = $1 THEN r.target_ref ELSE r.source_ref END
       WHERE r.source_ref = $1 OR r.target_ref = $1 ORDER BY r.id LIMIT 50`,
      [id],
    );
  }

  async sightingsOf(id: string): Promise<SightingRow[]> {
    return this.#rows(
      'SELECT id, count, first_seen, last_seen, source, description FROM hub_sightings WHERE sighting_of_ref = $1 ORDER BY last_seen DESC NULLS LAST, id LIMIT 100',
      [id],
    );
  }

  async recordMatch(value: string, indicatorId: string): Promise<void> {
    await this.#pool.query(
      'INSERT INTO hub_matches (at, value, indicator_id) VALUES ($1, $2, $3)',
      [Date.now(), value.slice(0, 2000), indicatorId],
    );
  }

  async recentMatches(limit: number): Promise<MatchRow[]> {
    return this.#rows(
      'SELECT at, value, indicator_id FROM hub_matches ORDER BY seq DESC LIMIT $1',
      [limit],
    );
  }

  async queryIndicators(
    query: IndicatorQuery,
    now = new Date(),
  ): Promise<IndicatorPage | { error: string }> {
    const where: string[] = [];
    const values: unknown[] = [];
    const param = (value: unknown): string => {
      values.push(value);
      return `$${values.length}`;
    };
    const sort = INDICATOR_SORTS[query.sort];
    const q = query.q?.trim();
    if (q) {
      if ([...q].length >= 3) {
        // Substring of value, name or pattern, case-insensitive: the trigram GIN indexes
        // answer ILIKE '%…%' (what SQLite's FTS5 trigram phrase matches).
        const like = param(`%${likeLiteral(q)}%`);
        // The matching rows are found through the trigram index first (OFFSET 0 keeps the
        // planner from turning this into a walk along the sort index that tests every row,
        // which takes seconds when few of a million rows match), as SQLite does with FTS5.
        where.push(
          `seq IN (SELECT seq FROM hub_indicators WHERE ${
            q.includes('\u0001')
              ? `(value ILIKE ${like} OR name ILIKE ${like} OR pattern ILIKE ${like})`
              : `${SEARCH_TEXT} ILIKE ${like}`
          } OFFSET 0)`,
        );
      } else {
        where.push(`value >= ${param(q)} AND value < ${param(`${q}\u{10FFFF}`)}`);
      }
    }
    if (query.type) where.push(`ioc_type = ${param(query.type)}`);
    if (query.tlp) where.push(`tlp = ${param(query.tlp)}`);
    if (query.source) where.push(`source = ${param(query.source)}`);
    if (query.minConfidence !== undefined)
      where.push(`confidence >= ${param(query.minConfidence)}`);
    if (query.validity) {
      const at = param(now.toISOString());
      where.push(
        query.validity === 'current'
          ? `(valid_until IS NULL OR valid_until > ${at}) AND (valid_from IS NULL OR valid_from <= ${at})`
          : `valid_until IS NOT NULL AND valid_until <= ${at}`,
      );
    }
    if (query.revoked === 'exclude') where.push('revoked = 0');
    else if (query.revoked === 'only') where.push('revoked = 1');

    const cmp = sort.direction === 'DESC' ? '<' : '>';
    const cursor = readCursor(query);
    if (cursor && 'error' in cursor) return cursor;
    if (cursor) {
      const seq = `${param(cursor.seq)}::bigint`;
      if (sort.column === 'seq') where.push(`seq ${cmp} ${seq}`);
      else if (cursor.key === null) where.push(`${sort.column} IS NULL AND seq ${cmp} ${seq}`);
      else {
        const key = `${param(cursor.key)}${sort.column === 'confidence' ? '::integer' : ''}`;
        // Only confidence can be NULL (last when descending); the other sort columns never
        // are, and without the OR the row comparison bounds the index scan.
        where.push(
          `((${sort.column}, seq) ${cmp} (${key}, ${seq})${sort.column === 'confidence' ? ` OR ${sort.column} IS NULL` : ''})`,
        );
      }
    }
    // SQLite's order: NULL below every value, so a missing confidence comes last when
    // descending; its index (NULLS FIRST, read backwards) gives exactly that. value and
    // modified are never NULL, so they keep the default, which their indexes serve.
    const order =
      sort.column === 'seq'
        ? 'seq DESC'
        : `${sort.column} ${sort.direction}${sort.column === 'confidence' ? ' NULLS LAST' : ''}, seq ${sort.direction}`;
    const sql = `SELECT ${INDICATOR_COLUMNS} FROM hub_indicators ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order} LIMIT ${query.limit + 1}`;
    return pageOf(await this.#rows<IndicatorRow>(sql, values), query);
  }

  async indicatorFacets(): Promise<{ types: string[]; sources: string[] }> {
    // A recursive skip-scan: one index probe per distinct value, not a scan of every row.
    const distinct = async (column: 'ioc_type' | 'source'): Promise<string[]> => {
      const rows = await this.#rows<{ v: string }>(
        `WITH RECURSIVE d(v, n) AS (
           (SELECT ${column}, 1 FROM hub_indicators ORDER BY ${column} LIMIT 1)
           UNION ALL
           SELECT (SELECT ${column} FROM hub_indicators WHERE ${column} > d.v ORDER BY ${column} LIMIT 1), n + 1
           FROM d WHERE d.v IS NOT NULL AND n < 200
         )
         SELECT v FROM d WHERE v IS NOT NULL`,
      );
      return rows.map((row) => row.v);
    };
    return { types: await distinct('ioc_type'), sources: await distinct('source') };
  }

  async indicatorPatterns(afterSeq: number, limit: number): Promise<IndicatorPatternRow[]> {
    return this.#rows(
      'SELECT seq, id, name, pattern, valid_from, valid_until, revoked, modified FROM hub_indicators WHERE seq > $1 ORDER BY seq LIMIT $2',
      [afterSeq, limit],
    );
  }

  async indicatorSummary(id: string): Promise<{ name: string; pattern: string } | undefined> {
    const [row] = await this.#rows<{ name: string; pattern: string }>(
      'SELECT name, pattern FROM hub_indicators WHERE id = $1',
      [id],
    );
    return row;
  }

  async ensureSources(ids: readonly string[]): Promise<void> {
    await this.#pool.query(
      'INSERT INTO hub_sources (id) SELECT unnest($1::text[]) ON CONFLICT (id) DO NOTHING',
      [[...ids]],
    );
  }

  async sourceRows(): Promise<SourceRow[]> {
    return this.#rows(
      'SELECT id, last_poll_at, last_ok_at, last_error, polls, new_count, updated_count, rejected_count, issue_count, last_issue FROM hub_sources ORDER BY id',
    );
  }

  async updateSource(id: string, update: SourceUpdate): Promise<void> {
    const { sets, values } = sourceUpdateSql(update, (n) => `$${n}`);
    if (sets.length > 0)
      await this.#pool.query(
        `UPDATE hub_sources SET ${sets.join(', ')} WHERE id = $${values.length + 1}`,
        [...values, id],
      );
  }

  async pollState(id: string): Promise<unknown> {
    const [row] = await this.#rows<{ state: string | null }>(
      'SELECT state FROM hub_sources WHERE id = $1',
      [id],
    );
    return row?.state ? (JSON.parse(row.state) as unknown) : undefined;
  }

  async setPollState(id: string, state: unknown): Promise<void> {
    await this.#pool.query('UPDATE hub_sources SET state = $1 WHERE id = $2', [
      JSON.stringify(state ?? null),
      id,
    ]);
  }

  async passwordHash(username: string): Promise<string | undefined> {
    const [row] = await this.#rows<{ password_hash: string }>(
      'SELECT password_hash FROM hub_users WHERE username = $1',
      [username],
    );
    return row?.password_hash;
  }

  async setPasswordHash(username: string, hash: string): Promise<void> {
    await this.#transaction(async (client) => {
      await client.query(
        'INSERT INTO hub_users (username, password_hash) VALUES ($1, $2) ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash',
        [username, hash],
      );
      await client.query('DELETE FROM hub_sessions WHERE username = $1', [username]);
    });
  }

  async createSession(
    tokenHash: string,
    username: string,
    csrf: string,
    expires: number,
  ): Promise<void> {
    await this.#pool.query(
      'INSERT INTO hub_sessions (token_hash, username, csrf, expires) VALUES ($1, $2, $3, $4)',
      [tokenHash, username, csrf, expires],
    );
    await this.#pool.query('DELETE FROM hub_sessions WHERE expires < $1', [Date.now()]);
  }

  async session(tokenHash: string): Promise<SessionRow | undefined> {
    const [row] = await this.#rows<SessionRow>(
      'SELECT username, csrf, expires FROM hub_sessions WHERE token_hash = $1',
      [tokenHash],
    );
    return row;
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.#pool.query('DELETE FROM hub_sessions WHERE token_hash = $1', [tokenHash]);
  }

  async insertApiKey(key: {
    id: string;
    partnerId: string;
    hash: string;
    hint: string;
    created: number;
  }): Promise<void> {
    await this.#pool.query(
      'INSERT INTO hub_api_keys (id, partner_id, hash, hint, created) VALUES ($1, $2, $3, $4, $5)',
      [key.id, key.partnerId, key.hash, key.hint, key.created],
    );
  }

  async revokeApiKey(partnerId: string, keyId: string, at: number): Promise<boolean> {
    const result = await this.#pool.query(
      'UPDATE hub_api_keys SET revoked = $1 WHERE id = $2 AND partner_id = $3 AND revoked IS NULL',
      [at, keyId, partnerId],
    );
    return result.rowCount === 1;
  }

  async apiKeys(partnerId: string): Promise<ApiKeyRow[]> {
    return this.#rows(
      'SELECT id, partner_id, hint, created, revoked FROM hub_api_keys WHERE partner_id = $1 ORDER BY created DESC, id',
      [partnerId],
    );
  }

  async activeApiKeys(): Promise<{ partnerId: string; hash: string }[]> {
    const rows = await this.#rows<{ partner_id: string; hash: string }>(
      'SELECT partner_id, hash FROM hub_api_keys WHERE revoked IS NULL ORDER BY id',
    );
    return rows.map((row) => ({ partnerId: row.partner_id, hash: row.hash }));
  }

  async apiKeysMarker(): Promise<string> {
    const [row] = await this.#rows<{ keys: number; revoked: number; latest: number }>(
      'SELECT count(*) AS keys, count(revoked) AS revoked, coalesce(max(created), 0) AS latest FROM hub_api_keys',
    );
    return `${row!.keys}:${row!.revoked}:${row!.latest}`;
  }

  async secret(name: string, create: () => string): Promise<string> {
    // The first instance to write wins; every other reads that value.
    await this.#pool.query(
      'INSERT INTO hub_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING',
      [name, create()],
    );
    const [row] = await this.#rows<{ value: string }>(
      'SELECT value FROM hub_secrets WHERE name = $1',
      [name],
    );
    return row!.value;
  }

  async optimize(): Promise<void> {
    await this.#pool.query('VACUUM ANALYZE hub_objects');
    await this.#pool.query('VACUUM ANALYZE hub_indicators');
  }

  async close(): Promise<void> {
    await this.taxiiStorage.close();
    await this.auditStore.close();
    await this.#pool.end();
  }
}
