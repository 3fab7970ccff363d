import type { HubDatabase } from './database';
import { displayName, patternFacts, tlpOf, versionOf } from './object-facts';

/** The catalogue's row of one object (its latest version). */
export interface ObjectFacts {
  id: string;
  type: string;
  version: string;
  source: string;
  tlp: string;
  name: string | null;
}

/** What one batch did to the catalogue. */
export interface CatalogCounts {
  new: number;
  updated: number;
  unchanged: number;
}

/**
 * The searchable facts of every object the hub holds (latest versions), kept in the
 * hub's SQLite tables beside the TAXII storage that holds the objects themselves.
 */
export class Catalog {
  readonly #db: HubDatabase;
  readonly #record: (
    sourceId: string,
    objects: readonly Record<string, unknown>[],
  ) => CatalogCounts;

  constructor(db: HubDatabase) {
    this.#db = db;
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

    const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
    this.#record = db.transaction(
      (sourceId: string, objects: readonly Record<string, unknown>[]) => {
        const counts: CatalogCounts = { new: 0, updated: 0, unchanged: 0 };
        const now = Date.now();
        for (const object of objects) {
          const id = object.id as string;
          const type = object.type as string;
          const version = versionOf(object);
          const before = existing.get(id) as string | undefined;
          // Timestamps in STIX are RFC 3339 UTC with a Z, so they sort as text (same precision aside).
          if (before !== undefined && before >= version) {
            counts.unchanged++;
            continue;
          }
          if (before === undefined) counts.new++;
          else counts.updated++;
          const tlp = tlpOf(object);
          const revoked = object.revoked === true ? 1 : 0;
          upsertObject.run({
            id,
            type,
            version,
            source: sourceId,
            tlp,
            name: displayName(object) ?? null,
            revoked,
            now,
          });
          if (type === 'indicator' && typeof object.pattern === 'string') {
            const facts = patternFacts(object.pattern);
            upsertIndicator.run({
              id,
              name: (str(object.name) ?? facts.value).slice(0, 1000),
              pattern: object.pattern.slice(0, 10_000),
              value: facts.value,
              iocType:
                object.pattern_type === 'stix' || object.pattern_type === undefined
                  ? facts.iocType
                  : String(object.pattern_type).slice(0, 50),
              tlp,
              source: sourceId,
              confidence:
                typeof object.confidence === 'number' ? Math.trunc(object.confidence) : null,
              validFrom: str(object.valid_from),
              validUntil: str(object.valid_until),
              revoked,
              modified: version,
              now,
            });
          } else if (type === 'relationship') {
            const sourceRef = str(object.source_ref);
            const targetRef = str(object.target_ref);
            if (sourceRef && targetRef)
              upsertRelationship.run(
                id,
                str(object.relationship_type) ?? 'related-to',
                sourceRef,
                targetRef,
              );
          } else if (type === 'sighting' && typeof object.sighting_of_ref === 'string') {
            upsertSighting.run({
              id,
              of: object.sighting_of_ref,
              count: typeof object.count === 'number' ? Math.trunc(object.count) : null,
              firstSeen: str(object.first_seen),
              lastSeen: str(object.last_seen),
              source: sourceId,
              description: str(object.description)?.slice(0, 2000) ?? null,
            });
          }
        }
        return counts;
      },
    );
  }

  /** Records the latest versions of a batch of (already stored) objects. */
  record(sourceId: string, objects: readonly Record<string, unknown>[]): CatalogCounts {
    return this.#record(sourceId, objects);
  }

  countsBy(column: 'type' | 'tlp' | 'source'): { key: string; count: number }[] {
    return this.#db
      .prepare(
        `SELECT ${column} AS key, count(*) AS count FROM hub_objects GROUP BY ${column} ORDER BY count DESC`,
      )
      .all() as { key: string; count: number }[];
  }

  totalObjects(): number {
    return this.#db.prepare('SELECT count(*) FROM hub_objects').pluck().get() as number;
  }

  /** Indicators added per time bucket, oldest first, for the overview chart. */
  indicatorsAddedOverTime(bucketMs: number, buckets: number): { start: number; count: number }[] {
    const end = Math.ceil(Date.now() / bucketMs) * bucketMs;
    const start = end - bucketMs * buckets;
    const rows = this.#db
      .prepare(
        'SELECT CAST((added - @start) / @bucket AS INTEGER) AS slot, count(*) AS count FROM hub_indicators WHERE added >= @start GROUP BY slot',
      )
      .all({ start, bucket: bucketMs }) as { slot: number; count: number }[];
    const out = Array.from({ length: buckets }, (_, i) => ({
      start: start + i * bucketMs,
      count: 0,
    }));
    for (const row of rows)
      if (row.slot >= 0 && row.slot < buckets) out[row.slot]!.count = row.count;
    return out;
  }

  objectFacts(id: string): ObjectFacts | undefined {
    return this.#db
      .prepare('SELECT id, type, version, source, tlp, name FROM hub_objects WHERE id = ?')
      .get(id) as ObjectFacts | undefined;
  }

  relationshipsOf(id: string): {
    id: string;
    type: string;
    source: string;
    target: string;
    otherName: string | null;
    otherType: string | null;
  }[] {
    return this.#db
      .prepare(`
        SELECT r.id, r.relationship_type AS type, r.source_ref AS source, r.target_ref AS target,
               o.name AS otherName, o.type AS otherType
        FROM hub_relationships r
        LEFT JOIN hub_objects o ON o.id = CASE WHEN r.source_ref = @id THEN r.target_ref ELSE r.source_ref END
        WHERE r.source_ref = @id OR r.target_ref = @id LIMIT 50`)
      .all({ id }) as never;
  }

  sightingsOf(id: string): {
    id: string;
    count: number | null;
    first_seen: string | null;
    last_seen: string | null;
    source: string;
    description: string | null;
  }[] {
    return this.#db
      .prepare(
        'SELECT id, count, first_seen, last_seen, source, description FROM hub_sightings WHERE sighting_of_ref = ? ORDER BY last_seen DESC LIMIT 100',
      )
      .all(id) as never;
  }

  recordMatch(value: string, indicatorId: string): void {
    this.#db
      .prepare('INSERT INTO hub_matches (at, value, indicator_id) VALUES (?, ?, ?)')
      .run(Date.now(), value.slice(0, 2000), indicatorId);
  }

  recentMatches(limit: number): { at: number; value: string; indicator_id: string }[] {
    return this.#db
      .prepare('SELECT at, value, indicator_id FROM hub_matches ORDER BY seq DESC LIMIT ?')
      .all(limit) as never;
  }
}
