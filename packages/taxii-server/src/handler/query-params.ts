import { TaxiiHttpError } from '../errors/taxii-http-error';
import type { VersionSelector } from '../storage/taxii-storage';
import { timestampToMicros, versionKey } from '../time/timestamps';

/** Filters of a list request (TAXII 2.1 §3.4), parsed and bounded. */
export interface ListFilters {
  addedAfter: number;
  addedAfterText: string | undefined;
  limit: number;
  next: string | undefined;
  ids: string[] | undefined;
  types: string[] | undefined;
  specVersions: string[] | undefined;
  versions: VersionSelector;
  versionsText: string[];
}

const MATCH = /^match\[([a-z_]+)\]$/;
const MAX_VALUES = 100;
const KNOWN = new Set(['added_after', 'limit', 'next']);

function bad(description: string): TaxiiHttpError {
  return new TaxiiHttpError(400, 'Invalid query parameter.', description);
}

/**
 * The request's parameters by name, each with its values in order, names in order of first
 * appearance: one pass over the query instead of a `get`/`getAll` scan per name.
 */
function byName(params: URLSearchParams): Map<string, string[]> {
  const names = new Map<string, string[]>();
  params.forEach((value, name) => {
    const list = names.get(name);
    if (list) list.push(value);
    else names.set(name, [value]);
  });
  return names;
}

function values(params: Map<string, string[]>, name: string): string[] | undefined {
  const all = params.get(name);
  if (all === undefined) return undefined;
  const out = all.flatMap((v) => v.split(',')).map((v) => v.trim());
  if (out.length > MAX_VALUES) throw bad(`\`${name}\` takes at most ${MAX_VALUES} values.`);
  if (out.some((v) => v === '' || v.length > 300))
    throw bad(`\`${name}\` has an empty or over-long value.`);
  return [...new Set(out)].sort();
}

/**
 * Parses the list filters an endpoint supports. `allowed` names the `match[...]` fields;
 * an unsupported `match[...]` field is a 400 rather than silently ignored, because
 * ignoring a filter returns data the client did not ask for.
 */
export function parseListFilters(
  query: URLSearchParams,
  allowed: ReadonlySet<string>,
  limits: { defaultPageSize: number; maxPageSize: number },
  defaultVersion: 'last' | 'all',
): ListFilters {
  const params = byName(query);
  for (const [key, list] of params) {
    const m = MATCH.exec(key);
    if (m && !allowed.has(m[1]!)) throw bad(`\`${key}\` is not supported on this endpoint.`);
    if (!m && KNOWN.has(key) && list.length > 1) throw bad(`\`${key}\` is given more than once.`);
  }
  const addedAfterText = params.get('added_after')?.[0];
  const addedAfter =
    addedAfterText === undefined ? 0 : timestampToMicros(addedAfterText, 'added_after');

  // A default above the configured maximum would break the maximum's promise.
  let limit = Math.min(limits.defaultPageSize, limits.maxPageSize);
  const limitText = params.get('limit')?.[0];
  if (limitText !== undefined) {
    if (!/^\d{1,9}$/.test(limitText) || Number(limitText) < 1) {
      throw bad('`limit` must be a positive integer.');
    }
    // TAXII 2.1 §3.4: a server may return fewer than asked; we cap at the configured maximum.
    limit = Math.min(Number(limitText), limits.maxPageSize);
  }

  const versionsText = values(params, 'match[version]') ?? [defaultVersion];
  const versions: VersionSelector = { all: false, first: false, last: false, keys: [] };
  for (const v of versionsText) {
    if (v === 'all' || v === 'first' || v === 'last') versions[v] = true;
    else {
      const key = versionKey(v);
      if (!key) throw bad('`match[version]` takes `first`, `last`, `all` or STIX timestamps.');
      versions.keys.push(key);
    }
  }
  const specVersions = values(params, 'match[spec_version]');
  if (specVersions?.some((v) => !/^\d\.\d$/.test(v))) {
    throw bad('`match[spec_version]` takes versions such as `2.1`.');
  }
  const types = values(params, 'match[type]');
  if (types?.some((t) => !/^[a-z0-9-]+$/.test(t)))
    throw bad('`match[type]` takes STIX type names.');
  return {
    addedAfter,
    addedAfterText,
    limit,
    next: params.get('next')?.[0],
    ids: values(params, 'match[id]'),
    types,
    specVersions,
    versions,
    versionsText,
  };
}

const listScope = (values: readonly string[] | undefined) =>
  values === undefined ? 'null' : JSON.stringify(values);

/**
 * The part of the filters a cursor is bound to (everything but `limit` and `next`): the JSON
 * text of `[addedAfter, ids, types, specVersions, sorted versions]`, written out without
 * building that array, as it is made on every page.
 */
export function filterScope(filters: ListFilters): string {
  const versions =
    filters.versionsText.length > 1 ? [...filters.versionsText].sort() : filters.versionsText;
  return `[${JSON.stringify(filters.addedAfter)},${listScope(filters.ids)},${listScope(filters.types)},${listScope(filters.specVersions)},${listScope(versions)}]`;
}
