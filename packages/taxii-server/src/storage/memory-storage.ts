import { MemoryCollection } from './memory-collection';
import { nextAdded } from './select-versions';
import type {
  AddResult,
  JoinedBodiesPage,
  NewObject,
  ObjectPage,
  ObjectQuery,
  StoredStatus,
  TaxiiStorage,
  VersionSelector,
} from './taxii-storage';

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
      c = new MemoryCollection();
      this.#collections.set(name, c);
    }
    return c;
  }

  async addObjects(collection: string, objects: readonly NewObject[]): Promise<AddResult[]> {
    const c = this.#collection(collection);
    const results: AddResult[] = [];
    // Synchronous from here on: nothing interleaves, so the batch is atomic.
    for (const o of objects) {
      // Held versions are found as they are added, so duplicates inside the batch are too.
      const existing = c.find(o.id, o.versionKey);
      if (existing) {
        results.push({ added: existing.added, inserted: false });
        continue;
      }
      const added = nextAdded(c.lastAdded, this.#now());
      c.append({ ...o, added });
      results.push({ added, inserted: true });
    }
    return results;
  }

  async queryObjects(collection: string, query: ObjectQuery): Promise<ObjectPage> {
    const c = this.#collections.get(collection);
    return c ? c.objects(query) : { objects: [], more: false };
  }

  /** The page of {@link MemoryStorage.queryObjects}, its bodies copied out by slab runs. */
  async queryJoinedBodies(collection: string, query: ObjectQuery): Promise<JoinedBodiesPage> {
    const c = this.#collections.get(collection);
    return c
      ? c.joinedBodies(query)
      : { bodies: new Uint8Array(0), count: 0, first: 0, last: 0, more: false };
  }

  /** Live versions and the last `added` (never reused): changes on every add and delete. */
  async changeMarker(collection: string): Promise<string> {
    const c = this.#collections.get(collection);
    return c ? `${c.size}:${c.lastAdded}` : '0:0';
  }

  async deleteObject(
    collection: string,
    id: string,
    versions: VersionSelector,
    specVersions?: readonly string[],
  ): Promise<number> {
    const c = this.#collections.get(collection);
    return c ? c.delete(id, versions, specVersions) : 0;
  }

  async putStatus(status: StoredStatus): Promise<void> {
    this.#statuses.set(status.id, { ...status });
  }

  async getStatus(id: string): Promise<StoredStatus | undefined> {
    return this.#statuses.get(id);
  }

  async close(): Promise<void> {}
}
