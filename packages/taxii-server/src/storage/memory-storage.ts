import { BodySlabs, type SlabPlace } from './body-slabs';
import { nextAdded, versionSelected } from './select-versions';
import type {
  AddResult,
  JoinedBodiesPage,
  NewObject,
  ObjectPage,
  ObjectQuery,
  StoredObject,
  StoredStatus,
  TaxiiStorage,
  VersionSelector,
} from './taxii-storage';

/**
 * A stored version, the list of all versions of its id (shared with `byId`), and where its
 * body lies in the collection's slabs.
 */
interface MemoryRecord extends StoredObject, SlabPlace {
  siblings: MemoryRecord[];
}

/** What callers get: the record without the storage's own links. */
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

interface MemoryCollection {
  /** Every live version in `added` order (deleted ones are removed). */
  byAdded: MemoryRecord[];
  byType: Map<string, MemoryRecord[]>;
  byId: Map<string, MemoryRecord[]>;
  lastAdded: number;
  bodies: BodySlabs;
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

/**
 * A {@link TaxiiStorage} in process memory, for tests, demos and single-process servers
 * whose data may be lost on restart. Indexed by `added`, type and id, so pages stay fast
 * on millions of objects.
 *
 * @example
 * ```ts
 * import { MemoryStorage } from '@intelshare/taxii-server';
 *
 * const storage = new MemoryStorage();
 * ```
 */
export class MemoryStorage implements TaxiiStorage {
  readonly #collections = new Map<string, MemoryCollection>();
  readonly #statuses = new Map<string, StoredStatus>();
  readonly #now: () => number;

  /**
   * @param options - `now` replaces the clock (milliseconds), for tests.
   */
  constructor(options: { now?: () => number } = {}) {
    this.#now = options.now ?? Date.now;
  }

  #collection(name: string): MemoryCollection {
    let c = this.#collections.get(name);
    if (!c) {
      c = {
        byAdded: [],
        byType: new Map(),
        byId: new Map(),
        lastAdded: 0,
        bodies: new BodySlabs(),
      };
      this.#collections.set(name, c);
    }
    return c;
  }

  async addObjects(collection: string, objects: readonly NewObject[]): Promise<AddResult[]> {
    const c = this.#collection(collection);
    const results: AddResult[] = [];
    // Synchronous from here on: nothing interleaves, so the batch is atomic.
    for (const o of objects) {
      // byId is updated as we go, so duplicates inside the batch are found too.
      const existing = c.byId.get(o.id)?.find((r) => r.versionKey === o.versionKey);
      if (existing) {
        results.push({ added: existing.added, inserted: false });
        continue;
      }
      c.lastAdded = nextAdded(c.lastAdded, this.#now());
      // Encoded once here, so every page copies stored bytes instead of encoding text.
      const body = c.bodies.add(o.body);
      const record: MemoryRecord = {
        id: o.id,
        type: o.type,
        specVersion: o.specVersion,
        version: o.version,
        versionKey: o.versionKey,
        added: c.lastAdded,
        body,
        siblings: [],
        ...c.bodies.place(body),
      };
      c.byAdded.push(record);
      pushTo(c.byType, o.type, record);
      record.siblings = pushTo(c.byId, o.id, record);
      results.push({ added: record.added, inserted: true });
    }
    return results;
  }

  async queryObjects(collection: string, query: ObjectQuery): Promise<ObjectPage> {
    const c = this.#collections.get(collection);
    if (!c) return { objects: [], more: false };
    const page = this.#select(c, query);
    return { objects: page.records.map(toStored), more: page.more };
  }

  /** The page of {@link MemoryStorage.queryObjects}, its bodies copied out by slab runs. */
  async queryJoinedBodies(collection: string, query: ObjectQuery): Promise<JoinedBodiesPage> {
    const c = this.#collections.get(collection);
    if (!c) return { bodies: new Uint8Array(0), count: 0, first: 0, last: 0, more: false };
    const page = this.#select(c, query);
    const objects = page.records;
    return {
      bodies: c.bodies.join(objects),
      count: objects.length,
      first: objects[0]?.added ?? 0,
      last: objects.at(-1)?.added ?? 0,
      more: page.more,
    };
  }

  #select(c: MemoryCollection, query: ObjectQuery): { records: MemoryRecord[]; more: boolean } {
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
      sources = query.ids.map((id) => c.byId.get(id) ?? []);
      const merged = sources.flat().sort((a, b) => a.added - b.added);
      sources = [merged];
    } else if (types) {
      sources = types.map((t) => c.byType.get(t) ?? []);
    } else {
      sources = [c.byAdded];
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

  /** Live versions and the last `added` (never reused): changes on every add and delete. */
  async changeMarker(collection: string): Promise<string> {
    const c = this.#collections.get(collection);
    return c ? `${c.byAdded.length}:${c.lastAdded}` : '0:0';
  }

  async deleteObject(
    collection: string,
    id: string,
    versions: VersionSelector,
    specVersions?: readonly string[],
  ): Promise<number> {
    const c = this.#collections.get(collection);
    const list = c?.byId.get(id);
    if (!c || !list) return 0;
    const siblings = list.filter((r) => !specVersions || specVersions.includes(r.specVersion));
    const doomed = siblings.filter((r) => versionSelected(r, siblings, versions));
    const emptied = new Set<ArrayBufferLike>();
    for (const record of doomed) {
      removeFrom(c.byAdded, record);
      removeFrom(c.byType.get(record.type) ?? [], record);
      list.splice(list.indexOf(record), 1);
      if (c.bodies.remove(record.body)) emptied.add(record.body.buffer);
    }
    if (emptied.size > 0) {
      // Most of such a slab is deleted: move what is left so the slab can be freed.
      for (const record of c.byAdded) {
        if (emptied.has(record.body.buffer)) {
          record.body = c.bodies.move(record.body);
          Object.assign(record, c.bodies.place(record.body));
        }
      }
    }
    if (list.length === 0) c.byId.delete(id);
    return doomed.length;
  }

  async putStatus(status: StoredStatus): Promise<void> {
    this.#statuses.set(status.id, { ...status });
  }

  async getStatus(id: string): Promise<StoredStatus | undefined> {
    return this.#statuses.get(id);
  }

  async close(): Promise<void> {}
}
