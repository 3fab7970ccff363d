import { AddedColumns } from './added-columns';
import { BodySlabs } from './body-slabs';
import { versionSelected } from './select-versions';
import type {
  JoinedBodiesPage,
  ObjectPage,
  ObjectQuery,
  StoredObject,
  VersionSelector,
} from './taxii-storage';

/**
 * A held version's indexed fields. Where its body lies is in the collection's columns, and
 * a view of it is made only when a caller asks for the object (a view per record would
 * cost more memory than most bodies). Kept small: a mirror holds millions of these.
 */
interface MemoryRecord {
  id: string;
  type: string;
  specVersion: string;
  version: string | null;
  versionKey: string;
  added: number;
  /** Every held version of the id, shared between them; `undefined` while it is the only one. */
  siblings: MemoryRecord[] | undefined;
}

/** The held versions of a record's id: itself alone, or the shared list. */
function versionsOfRecord(record: MemoryRecord): readonly MemoryRecord[] {
  return record.siblings ?? [record];
}

/** What callers get: the record's fields and its body. */
function toStored(r: MemoryRecord, body: Uint8Array): StoredObject {
  return {
    id: r.id,
    type: r.type,
    specVersion: r.specVersion,
    version: r.version,
    versionKey: r.versionKey,
    added: r.added,
    body,
  };
}

/** First index in `list` (sorted by `added`) whose `added` is greater than `after`. */
function upperBound(list: readonly MemoryRecord[], after: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.added <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function pushTo(
  map: Map<string, MemoryRecord[]>,
  key: string,
  record: MemoryRecord,
): MemoryRecord[] {
  const list = map.get(key);
  if (list) {
    list.push(record);
    return list;
  }
  const created = [record];
  map.set(key, created);
  return created;
}

function removeFrom(list: MemoryRecord[], record: MemoryRecord): void {
  const index = upperBound(list, record.added - 1);
  if (list[index] === record) list.splice(index, 1);
}

/** An object version to hold, with its `added` already assigned. */
export type HeldObject = Omit<StoredObject, 'body'> & { body: string | Uint8Array };

/**
 * The objects of one collection in process memory, indexed by `added`, type and id, with
 * their bodies in {@link BodySlabs}: what {@link MemoryStorage} keeps per collection, and
 * what a SQL storage's mirror keeps of each collection it serves from memory. Pages are
 * selected exactly as the SQL storages select them (the shared behaviour suite checks it):
 * `first`/`last` are judged among all held versions of an id.
 */
export class MemoryCollection {
  /** Every held version in `added` order (deleted ones are removed). */
  readonly #byAdded: MemoryRecord[] = [];
  /** What a page reads of `#byAdded`, index for index, in typed arrays. */
  readonly #columns = new AddedColumns();
  readonly #byType = new Map<string, MemoryRecord[]>();
  /** The record of an id with one version, or the shared list of its versions. */
  readonly #byId = new Map<string, MemoryRecord | MemoryRecord[]>();
  /** Short strings repeated across records (types, spec versions), held once. */
  readonly #interned = new Map<string, string>();
  /** The last record appended: consecutive versions often share their timestamps. */
  #previous: MemoryRecord | undefined;
  readonly #bodies = new BodySlabs();
  #lastAdded = 0;
  #bodyBytes = 0;

  /** The greatest `added` ever held (not lowered by deletes). */
  get lastAdded(): number {
    return this.#lastAdded;
  }

  /** How many versions are held. */
  get size(): number {
    return this.#byAdded.length;
  }

  /** UTF-8 bytes of the held bodies. */
  get bodyBytes(): number {
    return this.#bodyBytes;
  }

  /** The held versions of `id` (an empty list when none). */
  #versions(id: string): MemoryRecord[] {
    const held = this.#byId.get(id);
    return held === undefined ? [] : Array.isArray(held) ? held : [held];
  }

  /** The held version of `id` with this version key, if any. */
  find(id: string, versionKey: string): StoredObject | undefined {
    const held = this.#byId.get(id);
    if (held === undefined) return undefined;
    const record = Array.isArray(held)
      ? held.find((r) => r.versionKey === versionKey)
      : held.versionKey === versionKey
        ? held
        : undefined;
    return record && this.#stored(record);
  }

  /** A record as callers get it, its body found in the columns. */
  #stored(record: MemoryRecord): StoredObject {
    return toStored(record, this.#columns.body(this.#columns.indexOf(record.added)));
  }

  #intern(value: string): string {
    const held = this.#interned.get(value);
    if (held !== undefined) return held;
    // Bounded: types and spec versions are few; anything else is simply not interned.
    if (this.#interned.size < 256) this.#interned.set(value, value);
    return value;
  }

  /**
   * Holds one more version. Its `added` must be greater than every `added` held before:
   * a collection is only ever appended to in `added` order.
   */
  append(o: HeldObject): void {
    if (!(o.added > this.#lastAdded)) {
      throw new RangeError(`added ${o.added} is not after ${this.#lastAdded}.`);
    }
    // Encoded (or copied) once here, so every page copies slab bytes.
    const body = typeof o.body === 'string' ? this.#bodies.add(o.body) : this.#bodies.move(o.body);
    const previous = this.#previous;
    const record: MemoryRecord = {
      id: o.id,
      type: this.#intern(o.type),
      specVersion: this.#intern(o.specVersion),
      version: previous?.version === o.version ? previous.version : o.version,
      versionKey: previous?.versionKey === o.versionKey ? previous.versionKey : o.versionKey,
      added: o.added,
      siblings: undefined,
    };
    this.#previous = record;
    this.#lastAdded = o.added;
    this.#bodyBytes += body.byteLength;
    this.#byAdded.push(record);
    this.#columns.push(record.added, this.#bodies.place(body));
    pushTo(this.#byType, record.type, record);
    const held = this.#byId.get(o.id);
    if (held === undefined) this.#byId.set(o.id, record);
    else if (Array.isArray(held)) {
      held.push(record);
      record.siblings = held;
      this.#columns.setShared(this.#columns.length - 1, true);
    } else {
      const versions = [held, record];
      held.siblings = versions;
      record.siblings = versions;
      this.#byId.set(o.id, versions);
      this.#columns.setShared(this.#columns.indexOf(held.added), true);
      this.#columns.setShared(this.#columns.length - 1, true);
    }
  }

  /** The page of a query, as stored objects. */
  objects(query: ObjectQuery): ObjectPage {
    const scan = this.#scan(query);
    if (scan) {
      const objects = scan.indexes.map((i) => toStored(this.#byAdded[i]!, this.#columns.body(i)));
      return { objects, more: scan.more };
    }
    const page = this.#select(query);
    return { objects: page.records.map((r) => this.#stored(r)), more: page.more };
  }

  /** The page of a query, its bodies copied out of the columns' slab runs. */
  joinedBodies(query: ObjectQuery): JoinedBodiesPage {
    const columns = this.#columns;
    let page = this.#scan(query);
    if (!page) {
      // A filtered page: its records' positions in the columns (they are in `added` order).
      const selected = this.#select(query);
      page = {
        indexes: selected.records.map((r) => columns.indexOf(r.added)),
        more: selected.more,
      };
    }
    const { indexes } = page;
    return {
      bodies: columns.join(indexes),
      count: indexes.length,
      first: indexes.length > 0 ? columns.added(indexes[0]!) : 0,
      last: indexes.length > 0 ? columns.added(indexes.at(-1)!) : 0,
      more: page.more,
    };
  }

  /**
   * A page with no id, type or spec-version filter (what a client paging a whole
   * collection asks for), read from the columns: a version whose id has no other held
   * version is its own first and last, so only versions of ids with several, or a
   * selector of exact versions only, need their record. `undefined` for other queries.
   */
  #scan(query: ObjectQuery): { indexes: number[]; more: boolean } | undefined {
    if (query.ids || query.types || query.specVersions) return undefined;
    const versions = query.versions;
    const anyVersion = versions.all;
    const singleSelected = versions.first || versions.last;
    const columns = this.#columns;
    const records = this.#byAdded;
    const indexes: number[] = [];
    const length = columns.length;
    for (let i = columns.upperBound(query.after); i < length; i++) {
      if (!anyVersion && (columns.shared(i) || !singleSelected)) {
        const record = records[i]!;
        const all = versionsOfRecord(record);
        if (!versionSelected(record, all, versions)) continue;
      }
      if (indexes.length === query.limit) return { indexes, more: true };
      indexes.push(i);
    }
    return { indexes, more: false };
  }

  #select(query: ObjectQuery): { records: MemoryRecord[]; more: boolean } {
    const specVersions = query.specVersions;
    const types = query.types;
    const versions = query.versions;
    const keep = (r: MemoryRecord): boolean => {
      if (specVersions && !specVersions.includes(r.specVersion)) return false;
      if (types && !types.includes(r.type)) return false;
      if (versions.all) return true;
      const all = r.siblings;
      // The usual case, an object with one version: it is its first and last version.
      if (all === undefined || all.length === 1)
        return versions.first || versions.last || versions.keys.includes(r.versionKey);
      const siblings = specVersions ? all.filter((s) => specVersions.includes(s.specVersion)) : all;
      return versionSelected(r, siblings, versions);
    };

    // Pick the smallest candidate list: ids, then types, then everything.
    let sources: MemoryRecord[][];
    if (query.ids) {
      // Each id once: `match[id]=x,x` asks for x, as SQL's `IN` reads it.
      sources = [...new Set(query.ids)].map((id) => this.#versions(id));
      const merged = sources.flat().sort((a, b) => a.added - b.added);
      sources = [merged];
    } else if (types) {
      sources = [...new Set(types)].map((t) => this.#byType.get(t) ?? []);
    } else {
      sources = [this.#byAdded];
    }
    const out: MemoryRecord[] = [];
    if (sources.length === 1) {
      const list = sources[0]!;
      for (let i = upperBound(list, query.after); i < list.length; i++) {
        const record = list[i]!;
        if (!keep(record)) continue;
        if (out.length === query.limit) return { records: out, more: true };
        out.push(record);
      }
      return { records: out, more: false };
    }
    const cursors = sources.map((list) => upperBound(list, query.after));
    for (;;) {
      // k-way merge by `added` across the candidate lists.
      let best = -1;
      for (let s = 0; s < sources.length; s++) {
        const candidate = sources[s]![cursors[s]!];
        if (candidate && (best === -1 || candidate.added < sources[best]![cursors[best]!]!.added)) {
          best = s;
        }
      }
      if (best === -1) return { records: out, more: false };
      const record = sources[best]![cursors[best]!]!;
      cursors[best]!++;
      if (!keep(record)) continue;
      if (out.length === query.limit) return { records: out, more: true };
      out.push(record);
    }
  }

  /** Removes the versions of `id` the selector and spec versions pick; returns how many. */
  delete(id: string, versions: VersionSelector, specVersions?: readonly string[]): number {
    const list = this.#versions(id);
    if (list.length === 0) return 0;
    const siblings = list.filter((r) => !specVersions || specVersions.includes(r.specVersion));
    const doomed = new Set(siblings.filter((r) => versionSelected(r, siblings, versions)));
    if (doomed.size === 0) return 0;
    const emptied = new Set<ArrayBufferLike>();
    for (const record of doomed) {
      const index = this.#columns.indexOf(record.added);
      const body = this.#columns.body(index);
      this.#columns.removeAt(index);
      removeFrom(this.#byAdded, record);
      removeFrom(this.#byType.get(record.type) ?? [], record);
      this.#bodyBytes -= body.byteLength;
      if (this.#bodies.remove(body)) emptied.add(body.buffer);
      if (this.#previous === record) this.#previous = undefined;
    }
    const kept = list.filter((r) => !doomed.has(r));
    if (kept.length === 0) this.#byId.delete(id);
    else if (kept.length === 1) {
      kept[0]!.siblings = undefined;
      this.#byId.set(id, kept[0]!);
      this.#columns.setShared(this.#columns.indexOf(kept[0]!.added), false);
    } else {
      for (const r of kept) r.siblings = kept;
      this.#byId.set(id, kept);
    }
    if (emptied.size > 0) {
      // Most of such a slab is deleted: move what is left so the slab can be freed.
      for (let i = 0; i < this.#columns.length; i++) {
        const body = this.#columns.body(i);
        if (emptied.has(body.buffer)) {
          this.#columns.setPlace(i, this.#bodies.place(this.#bodies.move(body)));
        }
      }
      this.#columns.forgetSlabs(emptied);
    }
    return doomed.size;
  }
}
