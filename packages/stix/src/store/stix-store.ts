import { TIMESTAMP_RE } from '../model/props';
import type { Relationship, StixObject, StixObjectBase } from '../model/schemas';
import { compareTimestamps } from '../model/timestamp';
import { compareVersions } from '../versioning/versioning';

/** Filters of {@link StixStore.query}; all given filters must match. */
export interface StixStoreFilter {
  /** One type or any of several. */
  type?: string | readonly string[];
  /** One id or any of several. */
  id?: string | readonly string[];
  /** `modified` (or `created`) strictly after this STIX timestamp. */
  modifiedAfter?: string;
  /** `modified` (or `created`) strictly before this STIX timestamp. */
  modifiedBefore?: string;
  /** `created` strictly after this STIX timestamp. */
  createdAfter?: string;
  /** `created` strictly before this STIX timestamp. */
  createdBefore?: string;
  /** Property equality; for list properties, the list must contain the value. */
  where?: Readonly<Record<string, unknown>>;
  /** Include revoked objects (default false). */
  includeRevoked?: boolean;
  /** Return every stored version instead of only the latest (default false). */
  allVersions?: boolean;
}

/** Options of {@link StixStore.relationshipsOf} and {@link StixStore.related}. */
export interface RelationshipFilter {
  /** Where `id` must be: `source` (outgoing), `target` (incoming) or `both` (default). */
  direction?: 'source' | 'target' | 'both';
  /** Only relationships of this `relationship_type`. */
  relationshipType?: string;
}

/**
 * An in-memory STIX store: keeps every version of every object, indexes them by id, type
 * and relationship end points, and answers filtered queries and graph walks. A base for
 * feed clients and the TAXII server.
 *
 * @example
 * ```ts
 * import { StixStore, createIdentity, createMalware, createRelationship } from '@intelshare/stix';
 *
 * const org = createIdentity({ name: 'ACME' });
 * const malware = createMalware({ name: 'X', is_family: true, created_by_ref: org.id });
 * const store = new StixStore([org, malware, createRelationship({ relationship_type: 'related-to', source_ref: malware.id, target_ref: org.id })]);
 * store.related(malware.id); // [org]
 * ```
 * @see /stix/modelling/
 */
export class StixStore {
  readonly #versions = new Map<string, StixObject[]>();
  readonly #byType = new Map<string, Set<string>>();
  readonly #bySource = new Map<string, Set<string>>();
  readonly #byTarget = new Map<string, Set<string>>();

  /**
   * Creates a store, optionally filled with objects.
   *
   * @param objects - Objects to add.
   */
  constructor(objects: Iterable<StixObject> = []) {
    for (const object of objects) this.add(object);
  }

  /** Number of distinct object ids held. */
  get size(): number {
    return this.#versions.size;
  }

  /**
   * Adds one object version; an exact duplicate (same id and `modified`) replaces the old one.
   *
   * @param object - A STIX object (validate it first, e.g. with `parseStix`).
   * @returns This store.
   */
  add(object: StixObject): this {
    if (
      typeof object !== 'object' ||
      object === null ||
      typeof object.id !== 'string' ||
      typeof object.type !== 'string'
    )
      throw new TypeError('`object` must be a STIX object with `type` and `id`.');
    let versions = this.#versions.get(object.id);
    if (!versions) {
      versions = [];
      this.#versions.set(object.id, versions);
      let ids = this.#byType.get(object.type);
      if (!ids) {
        ids = new Set();
        this.#byType.set(object.type, ids);
      }
      ids.add(object.id);
    }
    const same = versions.findIndex((v) => compareVersions(v, object) === 0);
    if (same >= 0) versions[same] = object;
    else {
      versions.push(object);
      versions.sort(compareVersions);
    }
    if (object.type === 'relationship') {
      const rel = object as Relationship;
      index(this.#bySource, rel.source_ref, rel.id);
      index(this.#byTarget, rel.target_ref, rel.id);
    }
    return this;
  }

  /**
   * Adds many objects.
   *
   * @param objects - Objects to add.
   * @returns This store.
   */
  addAll(objects: Iterable<StixObject>): this {
    for (const object of objects) this.add(object);
    return this;
  }

  /**
   * The latest version of an object.
   *
   * @param id - The object's id.
   * @returns The object, or undefined.
   */
  get(id: string): StixObject | undefined {
    const versions = this.#versions.get(id);
    return versions?.[versions.length - 1];
  }

  /**
   * Every version of an object, oldest first.
   *
   * @param id - The object's id.
   * @returns The versions (empty when unknown).
   */
  versions(id: string): StixObject[] {
    return [...(this.#versions.get(id) ?? [])];
  }

  /**
   * Removes an object and all its versions.
   *
   * @param id - The object's id.
   * @returns Whether something was removed.
   */
  delete(id: string): boolean {
    const versions = this.#versions.get(id);
    if (!versions) return false;
    this.#versions.delete(id);
    this.#byType.get(versions[0]!.type)?.delete(id);
    for (const map of [this.#bySource, this.#byTarget])
      for (const ids of map.values()) ids.delete(id);
    return true;
  }

  /**
   * Objects matching every given filter, latest versions only unless `allVersions`.
   *
   * @param filter - Type, id, time and property filters.
   * @returns The matching objects.
   */
  query(filter: StixStoreFilter = {}): StixObject[] {
    const types =
      filter.type === undefined
        ? undefined
        : typeof filter.type === 'string'
          ? [filter.type]
          : filter.type;
    const ids =
      filter.id === undefined ? undefined : typeof filter.id === 'string' ? [filter.id] : filter.id;
    let candidates: Iterable<string>;
    if (ids) candidates = ids;
    else if (types) candidates = types.flatMap((type) => [...(this.#byType.get(type) ?? [])]);
    else candidates = this.#versions.keys();
    const out: StixObject[] = [];
    for (const id of candidates) {
      const versions = this.#versions.get(id);
      if (!versions) continue;
      const chosen = filter.allVersions ? versions : [versions[versions.length - 1]!];
      for (const object of chosen) if (matches(object, filter, types)) out.push(object);
    }
    return out;
  }

  /**
   * Relationships (latest versions, not revoked) that have `id` at one end.
   *
   * @param id - An object id.
   * @param filter - `direction` and `relationshipType`.
   * @returns The relationships.
   */
  relationshipsOf(id: string, filter: RelationshipFilter = {}): Relationship[] {
    const direction = filter.direction ?? 'both';
    const relIds = new Set<string>();
    if (direction !== 'target') for (const r of this.#bySource.get(id) ?? []) relIds.add(r);
    if (direction !== 'source') for (const r of this.#byTarget.get(id) ?? []) relIds.add(r);
    const out: Relationship[] = [];
    for (const relId of relIds) {
      const rel = this.get(relId) as Relationship | undefined;
      if (!rel || rel.revoked === true) continue;
      // The latest version may have moved its end points (only in broken data); re-check.
      if (rel.source_ref !== id && rel.target_ref !== id) continue;
      if (
        filter.relationshipType !== undefined &&
        rel.relationship_type !== filter.relationshipType
      )
        continue;
      out.push(rel);
    }
    return out;
  }

  /**
   * Objects at the other end of `id`'s relationships that are in the store.
   *
   * @param id - An object id.
   * @param filter - `direction` and `relationshipType`.
   * @returns The related objects (latest versions), without duplicates.
   */
  related(id: string, filter: RelationshipFilter = {}): StixObject[] {
    const seen = new Set<string>();
    const out: StixObject[] = [];
    for (const rel of this.relationshipsOf(id, filter)) {
      const other = rel.source_ref === id ? rel.target_ref : rel.source_ref;
      if (seen.has(other)) continue;
      seen.add(other);
      const object = this.get(other);
      if (object) out.push(object);
    }
    return out;
  }

  /** Iterates the latest version of every object. */
  *[Symbol.iterator](): IterableIterator<StixObject> {
    for (const versions of this.#versions.values()) yield versions[versions.length - 1]!;
  }
}

function index(map: Map<string, Set<string>>, key: unknown, id: string): void {
  if (typeof key !== 'string') return;
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  set.add(id);
}

function matches(
  object: StixObjectBase,
  filter: StixStoreFilter,
  types: readonly string[] | undefined,
): boolean {
  if (types && !types.includes(object.type)) return false;
  if (!filter.includeRevoked && object.revoked === true) return false;
  const modified = (object.modified ?? object.created) as string | undefined;
  if (filter.modifiedAfter !== undefined && !after(modified, filter.modifiedAfter)) return false;
  if (filter.modifiedBefore !== undefined && !after(filter.modifiedBefore, modified)) return false;
  if (filter.createdAfter !== undefined && !after(object.created, filter.createdAfter))
    return false;
  if (filter.createdBefore !== undefined && !after(filter.createdBefore, object.created))
    return false;
  if (filter.where) {
    for (const [key, expected] of Object.entries(filter.where)) {
      const actual = object[key];
      if (Array.isArray(actual) ? !actual.includes(expected) : actual !== expected) return false;
    }
  }
  return true;
}

function after(a: unknown, b: unknown): boolean {
  if (
    typeof a !== 'string' ||
    typeof b !== 'string' ||
    !TIMESTAMP_RE.test(a) ||
    !TIMESTAMP_RE.test(b)
  )
    return false;
  return compareTimestamps(a, b) > 0;
}
