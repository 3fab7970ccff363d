import type { ObjectQuery, VersionSelector } from './taxii-storage';

/**
 * SQL for "this row is picked by the version selector" over rows `o` of one collection,
 * shared by the SQLite and Postgres storages. `param` adds a bind value and returns its
 * placeholder. TAXII 2.1 §3.4.1: `first`/`last` are judged among the versions that pass
 * the spec-version filter.
 */
export function versionSql(
  versions: VersionSelector,
  specVersions: readonly string[] | undefined,
  table: string,
  param: (value: unknown) => string,
): string | undefined {
  if (versions.all) return undefined;
  const spec = specVersions
    ? ` AND o2.spec_version IN (${specVersions.map((v) => param(v)).join(',')})`
    : '';
  const parts: string[] = [];
  if (versions.last) {
    parts.push(
      `NOT EXISTS (SELECT 1 FROM ${table} o2 WHERE o2.collection = o.collection AND o2.id = o.id AND o2.version_key > o.version_key${spec})`,
    );
  }
  if (versions.first) {
    parts.push(
      `NOT EXISTS (SELECT 1 FROM ${table} o2 WHERE o2.collection = o.collection AND o2.id = o.id AND o2.version_key < o.version_key${spec})`,
    );
  }
  if (versions.keys.length > 0) {
    parts.push(`o.version_key IN (${versions.keys.map((k) => param(k)).join(',')})`);
  }
  return parts.length > 0 ? `(${parts.join(' OR ')})` : 'FALSE';
}

/** Builds the WHERE clause of a page query (without the collection/after terms). */
export function filterSql(
  query: ObjectQuery,
  table: string,
  param: (value: unknown) => string,
): string {
  const where: string[] = [];
  const list = (values: readonly string[]) => values.map((v) => param(v)).join(',');
  if (query.ids) where.push(`o.id IN (${list(query.ids)})`);
  if (query.types) where.push(`o.type IN (${list(query.types)})`);
  if (query.specVersions) where.push(`o.spec_version IN (${list(query.specVersions)})`);
  const version = versionSql(query.versions, query.specVersions, table, param);
  if (version) where.push(version);
  return where.map((w) => ` AND ${w}`).join('');
}
