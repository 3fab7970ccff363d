import { BodySlabs, type SlabPlace } from './body-slabs';
import { versionSelected } from './select-versions';
import type {
  JoinedBodiesPage,
  ObjectPage,
  ObjectQuery,
  StoredObject,
  VersionSelector,
} from './taxii-storage';

/**
 * A stored version, the list of all versions of its id (shared with `byId`), and where its
 * body lies in the collection's slabs.
 */
interface MemoryRecord extends StoredObject, SlabPlace {
  siblings: MemoryRecord[];
}

/** What callers get: the record without the collection's own links. */
function toStored(r: MemoryRecord): StoredObject {
  return {
    id: r.id,
    type: r.type,
    specVersion: r.specVersion,
    version: r.version,
    versionKey: r.versionKey,
    added: r.added,
    body: r.body,
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
  readonly #byType = new Map<string, MemoryRecord[]>();
  readonly #byId = new Map<string, MemoryRecord[]>();
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

  /** The held version of `id` with this version key, if any. */
  find(id: string, versionKey: string): StoredObject | undefined {
    return this.#byId.get(id)?.find((r) => r.versionKey === versionKey);
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
    const record: MemoryRecord = {
      id: o.id,
      type: o.type,
      specVersion: o.specVersion,
      version: o.version,
      versionKey: o.versionKey,
      added: o.added,
      body,
      siblings: [],
      ...this.#bodies.place(body),
    };
    this.#lastAdded = o.added;
    this.#bodyBytes += body.byteLength;
    this.#byAdded.push(record);
    pushTo(this.#byType, o.type, record);
    record.siblings = pushTo(this.#byId, o.id, record);
  }

  /** The page of a query, as stored objects. */
  objects(query: ObjectQuery): ObjectPage {
    const page = this.#select(query);
    return { objects: page.records.map(toStored), more: page.more };
  }

  /** The page of a query, its bodies copied out by slab runs. */
  joinedBodies(query: ObjectQuery): JoinedBodiesPage {
    const page = this.#select(query);
    const records = page.records;
    return {
      bodies: this.#bodies.join(records),
      count: records.length,
      first: records[0]?.added ?? 0,
      last: records.at(-1)?.added ?? 0,
      more: page.more,
    };
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
      if (all.length === 1)
        return versions.first || versions.last || versions.keys.includes(r.versionKey);
      const siblings = specVersions ? all.filter((s) => specVersions.includes(s.specVersion)) : all;
      return versionSelected(r, siblings, versions);
    };

    // Pick the smallest candidate list: ids, then types, then everything.
    let sources: MemoryRecord[][];
    if (query.ids) {
      // Each id once: `match[id]=x,x` asks for x, as SQL's `IN` reads it.
      sources = [...new Set(query.ids)].map((id) => this.#byId.get(id) ?? []);
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
    const list = this.#byId.get(id);
    if (!list) return 0;
    const siblings = list.filter((r) => !specVersions || specVersions.includes(r.specVersion));
    const doomed = siblings.filter((r) => versionSelected(r, siblings, versions));
    const emptied = new Set<ArrayBufferLike>();
    for (const record of doomed) {
      removeFrom(this.#byAdded, record);
      removeFrom(this.#byType.get(record.type) ?? [], record);
      list.splice(list.indexOf(record), 1);
      this.#bodyBytes -= record.body.byteLength;
      if (this.#bodies.remove(record.body)) emptied.add(record.body.buffer);
    }
    if (emptied.size > 0) {
      // Most of such a slab is deleted: move what is left so the slab can be freed.
      for (const record of this.#byAdded) {
        if (emptied.has(record.body.buffer)) {
          record.body = this.#bodies.move(record.body);
          Object.assign(record, this.#bodies.place(record.body));
        }
      }
    }
    if (list.length === 0) this.#byId.delete(id);
    return doomed.length;
  }
}
