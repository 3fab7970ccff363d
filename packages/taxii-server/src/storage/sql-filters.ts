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
  flags = false,
): string | undefined {
  if (versions.all) return undefined;
  const spec = specVersions
    ? ` AND o2.spec_version IN (${specVersions.map((v) => param(v)).join(',')})`
    : '';
  const parts: string[] = [];
  // A correlated scalar subquery, not NOT EXISTS: planners run it per row as one probe of
  // the (collection, id, version_key) index, where an anti-join may pick a full-table hash.
  // With `flags`, the storage maintains `is_last`/`is_first` per row (across all spec
  // versions), which the planner can estimate; they answer exactly when no spec filter applies.
  const extreme = (fn: 'max' | 'min') =>
    flags && !specVersions
      ? `o.${fn === 'max' ? 'is_last' : 'is_first'}`
      : `o.version_key = (SELECT ${fn}(o2.version_key) FROM ${table} o2 WHERE o2.collection = o.collection AND o2.id = o.id${spec})`;
  if (versions.last) parts.push(extreme('max'));
  if (versions.first) parts.push(extreme('min'));
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
  flags = false,
): string {
  const where: string[] = [];
  const list = (values: readonly string[]) => values.map((v) => param(v)).join(',');
  if (query.ids) where.push(`o.id IN (${list(query.ids)})`);
  if (query.types) where.push(`o.type IN (${list(query.types)})`);
  if (query.specVersions) where.push(`o.spec_version IN (${list(query.specVersions)})`);
  const version = versionSql(query.versions, query.specVersions, table, param, flags);
  if (version) where.push(version);
  return where.map((w) => ` AND ${w}`).join('');
}
