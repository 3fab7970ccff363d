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
  arrays = false,
): string | undefined {
  if (versions.all) return undefined;
  const inList = listSql(param, arrays);
  // Made per use: with `?` placeholders each use binds its own values (`first` and `last`
  // together would otherwise leave the second list's placeholders unbound).
  const spec = () => (specVersions ? ` AND o2.spec_version ${inList(specVersions)}` : '');
  const parts: string[] = [];
  // A correlated scalar subquery, not NOT EXISTS: planners run it per row as one probe of
  // the (collection, id, version_key) index, where an anti-join may pick a full-table hash.
  // With `flags`, the storage maintains `is_last`/`is_first` per row (across all spec
  // versions), which the planner can estimate; they answer exactly when no spec filter applies.
  const extreme = (fn: 'max' | 'min') =>
    flags && !specVersions
      ? `o.${fn === 'max' ? 'is_last' : 'is_first'}`
      : `o.version_key = (SELECT ${fn}(o2.version_key) FROM ${table} o2 WHERE o2.collection = o.collection AND o2.id = o.id${spec()})`;
  if (versions.last) parts.push(extreme('max'));
  if (versions.first) parts.push(extreme('min'));
  if (versions.keys.length > 0) {
    parts.push(`o.version_key ${inList(versions.keys)}`);
  }
  return parts.length > 0 ? `(${parts.join(' OR ')})` : 'FALSE';
}

/**
 * "is one of these values": `IN (?, ?, …)`, or with `arrays` one array parameter
 * (`= ANY($n::text[])`), so the SQL text does not depend on how many values there are and
 * a named prepared statement can be reused for every request.
 */
function listSql(
  param: (value: unknown) => string,
  arrays: boolean,
): (values: readonly string[]) => string {
  return arrays
    ? (values) => `= ANY(${param(values)}::text[])`
    : (values) => `IN (${values.map((v) => param(v)).join(',')})`;
}

/**
 * Builds the WHERE clause of a page query (without the collection/after terms). `flags`:
 * the table keeps `is_last`/`is_first`; `arrays`: bind lists as one array (Postgres).
 */
export function filterSql(
  query: ObjectQuery,
  table: string,
  param: (value: unknown) => string,
  flags = false,
  arrays = false,
): string {
  const where: string[] = [];
  const inList = listSql(param, arrays);
  if (query.ids) where.push(`o.id ${inList(query.ids)}`);
  if (query.types) where.push(`o.type ${inList(query.types)}`);
  if (query.specVersions) where.push(`o.spec_version ${inList(query.specVersions)}`);
  const version = versionSql(query.versions, query.specVersions, table, param, flags, arrays);
  if (version) where.push(version);
  return where.map((w) => ` AND ${w}`).join('');
}
