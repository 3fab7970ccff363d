import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type AsyncAuditStore, asyncAuditStore } from '@intelshare/policy';
import { SqliteAuditStore, SqliteStorage } from '@intelshare/taxii-server/sqlite';
import Database from 'better-sqlite3';
import {
  INDICATOR_SORTS,
  type IndicatorPage,
  type IndicatorQuery,
  type IndicatorRow,
  pageOf,
  readCursor,
} from '../indicator-query';
import { addedBuckets, catalogRows } from './catalog-rows';
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
 * The hub's own tables, beside the TAXII storage and the audit log in the same SQLite
 * file. The STIX objects themselves (every version, byte for byte) live in the TAXII
 * storage; these tables hold what the pages search, sort and count. Unchanged from the
 * first release, so existing files open as they are.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS hub_objects (
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  version TEXT NOT NULL,
  source TEXT NOT NULL,
  tlp TEXT NOT NULL,
  name TEXT,
  revoked INTEGER NOT NULL DEFAULT 0,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS hub_objects_type ON hub_objects (type);

-- One row per indicator (its latest version). seq is the keyset for "newest first".
CREATE TABLE IF NOT EXISTS hub_indicators (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  pattern TEXT NOT NULL,
  value TEXT NOT NULL,
  ioc_type TEXT NOT NULL,
  tlp TEXT NOT NULL,
  source TEXT NOT NULL,
  confidence INTEGER,
  valid_from TEXT,
  valid_until TEXT,
  revoked INTEGER NOT NULL DEFAULT 0,
  modified TEXT NOT NULL,
  added INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS hub_indicators_value ON hub_indicators (value, seq);
CREATE INDEX IF NOT EXISTS hub_indicators_modified ON hub_indicators (modified, seq);
CREATE INDEX IF NOT EXISTS hub_indicators_source ON hub_indicators (source, seq);
CREATE INDEX IF NOT EXISTS hub_indicators_tlp ON hub_indicators (tlp, seq);
CREATE INDEX IF NOT EXISTS hub_indicators_type ON hub_indicators (ioc_type, seq);
CREATE INDEX IF NOT EXISTS hub_indicators_confidence ON hub_indicators (confidence, seq);
CREATE INDEX IF NOT EXISTS hub_indicators_added ON hub_indicators (added);
-- Substring search over value, name and pattern (trigram tokenizer: any 3+ characters).
CREATE VIRTUAL TABLE IF NOT EXISTS hub_indicators_text USING fts5(
  value, name, pattern, content='hub_indicators', content_rowid='seq', tokenize='trigram'
);
CREATE TRIGGER IF NOT EXISTS hub_indicators_ai AFTER INSERT ON hub_indicators BEGIN
  INSERT INTO hub_indicators_text (rowid, value, name, pattern) VALUES (new.seq, new.value, new.name, new.pattern);
END;
CREATE TRIGGER IF NOT EXISTS hub_indicators_ad AFTER DELETE ON hub_indicators BEGIN
  INSERT INTO hub_indicators_text (hub_indicators_text, rowid, value, name, pattern) VALUES ('delete', old.seq, old.value, old.name, old.pattern);
END;
CREATE TRIGGER IF NOT EXISTS hub_indicators_au AFTER UPDATE ON hub_indicators BEGIN
  INSERT INTO hub_indicators_text (hub_indicators_text, rowid, value, name, pattern) VALUES ('delete', old.seq, old.value, old.name, old.pattern);
  INSERT INTO hub_indicators_text (rowid, value, name, pattern) VALUES (new.seq, new.value, new.name, new.pattern);
END;

CREATE TABLE IF NOT EXISTS hub_relationships (
  id TEXT PRIMARY KEY,
  relationship_type TEXT NOT NULL,
  source_ref TEXT NOT NULL,
  target_ref TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS hub_relationships_source ON hub_relationships (source_ref);
CREATE INDEX IF NOT EXISTS hub_relationships_target ON hub_relationships (target_ref);

CREATE TABLE IF NOT EXISTS hub_sightings (
  id TEXT PRIMARY KEY,
  sighting_of_ref TEXT NOT NULL,
  count INTEGER,
  first_seen TEXT,
  last_seen TEXT,
  source TEXT NOT NULL,
  description TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS hub_sightings_of ON hub_sightings (sighting_of_ref);

CREATE TABLE IF NOT EXISTS hub_sources (
  id TEXT PRIMARY KEY,
  state TEXT,
  last_poll_at INTEGER,
  last_ok_at INTEGER,
  last_error TEXT,
  polls INTEGER NOT NULL DEFAULT 0,
  new_count INTEGER NOT NULL DEFAULT 0,
  updated_count INTEGER NOT NULL DEFAULT 0,
  rejected_count INTEGER NOT NULL DEFAULT 0,
  issue_count INTEGER NOT NULL DEFAULT 0,
  last_issue TEXT
) STRICT;

CREATE TABLE IF NOT EXISTS hub_matches (
  seq INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  value TEXT NOT NULL,
  indicator_id TEXT NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS hub_users (
  username TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS hub_sessions (
  token_hash TEXT PRIMARY KEY,
  username TEXT NOT NULL,
  csrf TEXT NOT NULL,
  expires INTEGER NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS hub_api_keys (
  id TEXT PRIMARY KEY,
  partner_id TEXT NOT NULL,
  hash TEXT NOT NULL,
  hint TEXT NOT NULL,
  created INTEGER NOT NULL,
  revoked INTEGER
) STRICT;
CREATE TABLE IF NOT EXISTS hub_secrets (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;
`;

/** An FTS5 phrase: the text in double quotes, inner quotes doubled (no operators get through). */
function ftsPhrase(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

const INDICATOR_COLUMNS =
  'seq, id, name, value, ioc_type, tlp, source, confidence, valid_from, valid_until, revoked, modified';

/**
 * The hub store in one SQLite file (better-sqlite3): the hub's tables, the TAXII storage
 * and the audit log side by side. Calls run synchronously underneath; the interface is
 * asynchronous so the hub runs unchanged on PostgreSQL.
 */
export class SqliteHubStore implements HubStore {
  readonly kind = 'sqlite' as const;
  readonly taxiiStorage: SqliteStorage;
  readonly auditStore: AsyncAuditStore;
  readonly #db: Database.Database;
  readonly #audit: SqliteAuditStore;
  readonly #record: (
    sourceId: string,
    objects: readonly Record<string, unknown>[],
  ) => CatalogCounts;
  readonly #statements = new Map<string, Database.Statement>();

  /** Opens (creating when missing) the SQLite file and its tables. */
  constructor(file: string) {
    mkdirSync(dirname(file), { recursive: true });
    this.#db = new Database(file);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = NORMAL');
    this.#db.pragma('busy_timeout = 5000');
    this.#db.exec(SCHEMA);
    this.taxiiStorage = new SqliteStorage(file);
    this.#audit = new SqliteAuditStore(file);
    this.auditStore = asyncAuditStore(this.#audit);
    this.#record = this.#recorder();
  }

  /** A prepared statement, kept for the store's life (the texts are fixed, so few). */
  #sql(text: string): Database.Statement {
    let statement = this.#statements.get(text);
    if (!statement) {
      statement = this.#db.prepare(text);
      this.#statements.set(text, statement);
    }
    return statement;
  }

  #recorder() {
    const db = this.#db;
    const existing = db.prepare('SELECT version FROM hub_objects WHERE id = ?').pluck();
    const upsertObject = db.prepare(`
      INSERT INTO hub_objects (id, type, version, source, tlp, name, revoked, first_seen, last_seen)
      VALUES (@id, @type, @version, @source, @tlp, @name, @revoked, @now, @now)
      ON CONFLICT (id) DO UPDATE SET version = excluded.version, source = excluded.source,
        tlp = excluded.tlp, name = excluded.name, revoked = excluded.revoked, last_seen = excluded.last_seen`);
    const upsertIndicator = db.prepare(`
      INSERT INTO hub_indicators (id, name, pattern, value, ioc_type, tlp, source, confidence, valid_from, valid_until, revoked, modified, added)
      VALUES (@id, @name, @pattern, @value, @iocType, @tlp, @source, @confidence, @validFrom, @validUntil, @revoked, @modified, @now)
      ON CONFLICT (id) DO UPDATE SET name = excluded.name, pattern = excluded.pattern, value = excluded.value,
        ioc_type = excluded.ioc_type, tlp = excluded.tlp, source = excluded.source, confidence = excluded.confidence,
        valid_from = excluded.valid_from, valid_until = excluded.valid_until, revoked = excluded.revoked,
        modified = excluded.modified`);
    const upsertRelationship = db.prepare(`
      INSERT INTO hub_relationships (id, relationship_type, source_ref, target_ref) VALUES (?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET relationship_type = excluded.relationship_type,
        source_ref = excluded.source_ref, target_ref = excluded.target_ref`);
    const upsertSighting = db.prepare(`
      INSERT INTO hub_sightings (id, sighting_of_ref, count, first_seen, last_seen, source, description)
      VALUES (@id, @of, @count, @firstSeen, @lastSeen, @source, @description)
      ON CONFLICT (id) DO UPDATE SET count = excluded.count, first_seen = excluded.first_seen,
        last_seen = excluded.last_seen, description = excluded.description`);
    // One transaction per batch: one fsync per poll page instead of one per object.
    return db.transaction((sourceId: string, objects: readonly Record<string, unknown>[]) => {
      const counts: CatalogCounts = { new: 0, updated: 0, unchanged: 0 };
      const now = Date.now();
      for (const input of objects) {
        const rows = catalogRows(input);
        const { object } = rows;
        const before = existing.get(object.id) as string | undefined;
        // Timestamps in STIX are RFC 3339 UTC with a Z, so they sort as text (same precision aside).
        if (before !== undefined && before >= object.version) {
          counts.unchanged++;
          continue;
        }
        if (before === undefined) counts.new++;
        else counts.updated++;
        upsertObject.run({ ...object, source: sourceId, now });
        if (rows.indicator)
          upsertIndicator.run({
            ...rows.indicator,
            id: object.id,
            tlp: object.tlp,
            source: sourceId,
            revoked: object.revoked,
            modified: object.version,
            now,
          });
        if (rows.relationship)
          upsertRelationship.run(
            object.id,
            rows.relationship.relationshipType,
            rows.relationship.sourceRef,
            rows.relationship.targetRef,
          );
        if (rows.sighting)
          upsertSighting.run({ ...rows.sighting, id: object.id, source: sourceId });
      }
      return counts;
    });
  }

  async recordObjects(
    sourceId: string,
    objects: readonly Record<string, unknown>[],
  ): Promise<CatalogCounts> {
    return this.#record(sourceId, objects);
  }

  async countsBy(column: 'type' | 'tlp' | 'source'): Promise<{ key: string; count: number }[]> {
    return this.#sql(
      `SELECT ${column} AS key, count(*) AS count FROM hub_objects GROUP BY ${column} ORDER BY count DESC, key`,
    ).all() as { key: string; count: number }[];
  }

  async totalObjects(): Promise<number> {
    return this.#sql('SELECT count(*) FROM hub_objects').pluck().get() as number;
  }

  async indicatorsAddedOverTime(
    bucketMs: number,
    buckets: number,
    now = Date.now(),
  ): Promise<{ start: number; count: number }[]> {
    const { start, slots } = addedBuckets(bucketMs, buckets, now);
    const rows = this.#sql(
      'SELECT CAST((added - @start) / @bucket AS INTEGER) AS slot, count(*) AS count FROM hub_indicators WHERE added >= @start GROUP BY slot',
    ).all({ start, bucket: bucketMs }) as { slot: number; count: number }[];
    for (const row of rows)
      if (row.slot >= 0 && row.slot < buckets) slots[row.slot]!.count = row.count;
    return slots;
  }

  async objectFacts(id: string): Promise<ObjectFacts | undefined> {
    return this.#sql(
      'SELECT id, type, version, source, tlp, name FROM hub_objects WHERE id = ?',
    ).get(id) as ObjectFacts | undefined;
  }

  async relationshipsOf(id: string): Promise<RelationshipRow[]> {
    return this.#sql(`
        SELECT r.id, r.relationship_type AS type, r.source_ref AS source, r.target_ref AS target,
               o.name AS otherName, o.type AS otherType
        FROM hub_relationships r
        LEFT JOIN hub_objects o ON o.id = CASE WHEN r.source_ref = @id THEN r.target_ref ELSE r.source_ref END
        WHERE r.source_ref = @id OR r.target_ref = @id ORDER BY r.id LIMIT 50`).all({
      id,
    }) as RelationshipRow[];
  }

  async sightingsOf(id: string): Promise<SightingRow[]> {
    // SQLite sorts NULL lowest, so DESC puts a missing last_seen last.
    return this.#sql(
      'SELECT id, count, first_seen, last_seen, source, description FROM hub_sightings WHERE sighting_of_ref = ? ORDER BY last_seen DESC, id LIMIT 100',
    ).all(id) as SightingRow[];
  }

  async recordMatch(value: string, indicatorId: string): Promise<void> {
    this.#sql('INSERT INTO hub_matches (at, value, indicator_id) VALUES (?, ?, ?)').run(
      Date.now(),
      value.slice(0, 2000),
      indicatorId,
    );
  }

  async recentMatches(limit: number): Promise<MatchRow[]> {
    return this.#sql(
      'SELECT at, value, indicator_id FROM hub_matches ORDER BY seq DESC LIMIT ?',
    ).all(limit) as MatchRow[];
  }

  async queryIndicators(
    query: IndicatorQuery,
    now = new Date(),
  ): Promise<IndicatorPage | { error: string }> {
    const where: string[] = [];
    const params: Record<string, unknown> = Object.create(null);
    const sort = INDICATOR_SORTS[query.sort];
    // Sorted by anything but seq, the page is read along the sort column's index and the
    // filters are checked row by row (a unary + keeps SQLite off the filter columns' indexes,
    // which would make it sort every matching row instead). Sorted newest first, the
    // (column, seq) indexes give the rows of an equality filter already in seq order.
    const col = (name: string) => (sort.column === 'seq' ? name : `+${name}`);
    const q = query.q?.trim();
    if (q) {
      if ([...q].length >= 3) {
        where.push(
          'seq IN (SELECT rowid FROM hub_indicators_text WHERE hub_indicators_text MATCH @fts)',
        );
        params.fts = ftsPhrase(q);
      } else {
        where.push(`${col('value')} >= @prefix AND ${col('value')} < @prefixEnd`);
        params.prefix = q;
        params.prefixEnd = `${q}\u{10FFFF}`;
      }
    }
    if (query.type) {
      where.push(`${col('ioc_type')} = @type`);
      params.type = query.type;
    }
    if (query.tlp) {
      where.push(`${col('tlp')} = @tlp`);
      params.tlp = query.tlp;
    }
    if (query.source) {
      where.push(`${col('source')} = @source`);
      params.source = query.source;
    }
    if (query.minConfidence !== undefined) {
      where.push(`${col('confidence')} >= @minConfidence`);
      params.minConfidence = query.minConfidence;
    }
    if (query.validity) {
      params.now = now.toISOString();
      where.push(
        query.validity === 'current'
          ? '(valid_until IS NULL OR valid_until > @now) AND (valid_from IS NULL OR valid_from <= @now)'
          : 'valid_until IS NOT NULL AND valid_until <= @now',
      );
    }
    if (query.revoked === 'exclude') where.push('revoked = 0');
    else if (query.revoked === 'only') where.push('revoked = 1');

    const cmp = sort.direction === 'DESC' ? '<' : '>';
    const cursor = readCursor(query);
    if (cursor && 'error' in cursor) return cursor;
    if (cursor) {
      params.afterSeq = cursor.seq;
      if (sort.column === 'seq') where.push(`seq ${cmp} @afterSeq`);
      else if (cursor.key === null) {
        // Past the last non-NULL key: only NULL keys remain (DESC order puts them last).
        where.push(`${sort.column} IS NULL AND seq ${cmp} @afterSeq`);
      } else {
        params.afterKey = cursor.key;
        // A row-value comparison, so SQLite starts the index scan at the cursor (no offset cost).
        where.push(
          `((${sort.column}, seq) ${cmp} (@afterKey, @afterSeq)${sort.direction === 'DESC' ? ` OR ${sort.column} IS NULL` : ''})`,
        );
      }
    }
    // SQLite sorts NULL below every value: last in DESC order, which is where a missing
    // confidence belongs (value and modified are never NULL), so the index order is the page order.
    const order =
      sort.column === 'seq'
        ? 'seq DESC'
        : `${sort.column} ${sort.direction}, seq ${sort.direction}`;
    const sql = `SELECT ${INDICATOR_COLUMNS}
    FROM hub_indicators ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order} LIMIT ${query.limit + 1}`;
    return pageOf(this.#sql(sql).all(params) as IndicatorRow[], query);
  }

  async indicatorFacets(): Promise<{ types: string[]; sources: string[] }> {
    // Skip-scan over the (column, seq) indexes: one step per distinct value, not per row.
    const distinct = (column: string): string[] => {
      const out: string[] = [];
      const next = this.#sql(
        `SELECT ${column} FROM hub_indicators WHERE ${column} > ? ORDER BY ${column} LIMIT 1`,
      ).pluck();
      for (
        let value = next.get('') as string | undefined;
        value !== undefined && out.length < 200;
        value = next.get(value) as string | undefined
      )
        out.push(value);
      return out;
    };
    return { types: distinct('ioc_type'), sources: distinct('source') };
  }

  async indicatorPatterns(afterSeq: number, limit: number): Promise<IndicatorPatternRow[]> {
    return this.#sql(
      'SELECT seq, id, name, pattern, valid_from, valid_until, revoked, modified FROM hub_indicators WHERE seq > ? ORDER BY seq LIMIT ?',
    ).all(afterSeq, limit) as IndicatorPatternRow[];
  }

  async indicatorSummary(id: string): Promise<{ name: string; pattern: string } | undefined> {
    return this.#sql('SELECT name, pattern FROM hub_indicators WHERE id = ?').get(id) as
      | { name: string; pattern: string }
      | undefined;
  }

  async ensureSources(ids: readonly string[]): Promise<void> {
    const insert = this.#sql('INSERT OR IGNORE INTO hub_sources (id) VALUES (?)');
    for (const id of ids) insert.run(id);
  }

  async sourceRows(): Promise<SourceRow[]> {
    return this.#sql(
      'SELECT id, last_poll_at, last_ok_at, last_error, polls, new_count, updated_count, rejected_count, issue_count, last_issue FROM hub_sources ORDER BY id',
    ).all() as SourceRow[];
  }

  async updateSource(id: string, update: SourceUpdate): Promise<void> {
    const { sets, values } = sourceUpdateSql(update, () => '?');
    if (sets.length > 0)
      this.#db.prepare(`UPDATE hub_sources SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
  }

  async pollState(id: string): Promise<unknown> {
    const text = this.#sql('SELECT state FROM hub_sources WHERE id = ?').pluck().get(id) as
      | string
      | null
      | undefined;
    return text ? (JSON.parse(text) as unknown) : undefined;
  }

  async setPollState(id: string, state: unknown): Promise<void> {
    this.#sql('UPDATE hub_sources SET state = ? WHERE id = ?').run(
      JSON.stringify(state ?? null),
      id,
    );
  }

  async passwordHash(username: string): Promise<string | undefined> {
    return this.#sql('SELECT password_hash FROM hub_users WHERE username = ?')
      .pluck()
      .get(username) as string | undefined;
  }

  async setPasswordHash(username: string, hash: string): Promise<void> {
    this.#db.transaction(() => {
      this.#sql(
        'INSERT INTO hub_users (username, password_hash) VALUES (?, ?) ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash',
      ).run(username, hash);
      this.#sql('DELETE FROM hub_sessions WHERE username = ?').run(username);
    })();
  }

  async createSession(
    tokenHash: string,
    username: string,
    csrf: string,
    expires: number,
  ): Promise<void> {
    this.#sql(
      'INSERT INTO hub_sessions (token_hash, username, csrf, expires) VALUES (?, ?, ?, ?)',
    ).run(tokenHash, username, csrf, expires);
    this.#sql('DELETE FROM hub_sessions WHERE expires < ?').run(Date.now());
  }

  async session(tokenHash: string): Promise<SessionRow | undefined> {
    return this.#sql('SELECT username, csrf, expires FROM hub_sessions WHERE token_hash = ?').get(
      tokenHash,
    ) as SessionRow | undefined;
  }

  async deleteSession(tokenHash: string): Promise<void> {
    this.#sql('DELETE FROM hub_sessions WHERE token_hash = ?').run(tokenHash);
  }

  async insertApiKey(key: {
    id: string;
    partnerId: string;
    hash: string;
    hint: string;
    created: number;
  }): Promise<void> {
    this.#sql(
      'INSERT INTO hub_api_keys (id, partner_id, hash, hint, created) VALUES (?, ?, ?, ?, ?)',
    ).run(key.id, key.partnerId, key.hash, key.hint, key.created);
  }

  async revokeApiKey(partnerId: string, keyId: string, at: number): Promise<boolean> {
    return (
      this.#sql(
        'UPDATE hub_api_keys SET revoked = ? WHERE id = ? AND partner_id = ? AND revoked IS NULL',
      ).run(at, keyId, partnerId).changes === 1
    );
  }

  async apiKeys(partnerId: string): Promise<ApiKeyRow[]> {
    return this.#sql(
      'SELECT id, partner_id, hint, created, revoked FROM hub_api_keys WHERE partner_id = ? ORDER BY created DESC, id',
    ).all(partnerId) as ApiKeyRow[];
  }

  async activeApiKeys(): Promise<{ partnerId: string; hash: string }[]> {
    return (
      this.#sql(
        'SELECT partner_id, hash FROM hub_api_keys WHERE revoked IS NULL ORDER BY id',
      ).all() as {
        partner_id: string;
        hash: string;
      }[]
    ).map((row) => ({ partnerId: row.partner_id, hash: row.hash }));
  }

  async apiKeysMarker(): Promise<string> {
    const row = this.#sql(
      'SELECT count(*) AS keys, count(revoked) AS revoked, coalesce(max(created), 0) AS latest FROM hub_api_keys',
    ).get() as { keys: number; revoked: number; latest: number };
    return `${row.keys}:${row.revoked}:${row.latest}`;
  }

  async secret(name: string, create: () => string): Promise<string> {
    this.#sql('INSERT OR IGNORE INTO hub_secrets (name, value) VALUES (?, ?)').run(name, create());
    return this.#sql('SELECT value FROM hub_secrets WHERE name = ?').pluck().get(name) as string;
  }

  async optimize(): Promise<void> {
    this.#db.pragma('wal_checkpoint(TRUNCATE)');
    this.#db.exec('ANALYZE');
  }

  async close(): Promise<void> {
    await this.taxiiStorage.close();
    this.#audit.close();
    if (this.#db.open) this.#db.close();
  }
}
