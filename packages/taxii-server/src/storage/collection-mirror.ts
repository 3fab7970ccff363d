import { MemoryCollection } from './memory-collection';
import type {
  JoinedBodiesPage,
  ObjectPage,
  ObjectQuery,
  StoredObject,
  TaxiiStorage,
} from './taxii-storage';

/**
 * A collection's change counters as a SQL storage keeps them: `lastAdded`, the greatest
 * `added` ever assigned (raised by every add that stores a version, never reused), and
 * `deletes`, raised by every delete that removes one. Together they name the collection's
 * content: `added` is assigned in commit order, so the collection at (`lastAdded`,
 * `deletes`) holds exactly the versions added up to `lastAdded` that those deletes left.
 */
export interface ChangeCounters {
  lastAdded: number;
  deletes: number;
}

/** What a SQL storage gives the mirror of its collections. */
export interface MirrorSource {
  /** The collection's counters, read where the data lives. */
  counters(collection: string): Promise<ChangeCounters>;
  /**
   * Read from one snapshot: the counters, and up to `limit` versions (every version, no
   * filter) with `added` greater than `after`, in `added` order.
   */
  readSince(
    collection: string,
    after: number,
    limit: number,
  ): Promise<{ counters: ChangeCounters; objects: StoredObject[] }>;
}

/**
 * Options of a SQL storage's in-process mirror (`mirror` of `SqliteStorage` and
 * `PostgresStorage`).
 *
 * @example
 * ```ts
 * import type { MirrorOptions } from '@intelshare/taxii-server';
 *
 * const mirror: MirrorOptions = { maxBytes: 2 * 1024 ** 3 };
 * ```
 * @see /taxii-server/mirror/
 */
export interface MirrorOptions {
  /**
   * The most memory the mirror may hold, over all collections, counted as object bodies
   * plus 400 bytes of record and indexes per object. A collection that would take the
   * mirror past it is not mirrored; its pages are read from the database. Default 1 GiB.
   */
  maxBytes?: number;
}

/**
 * Memory a mirrored object takes besides its body (its record, its id, its place in the
 * indexes and columns): about 285 bytes measured on 300 000 generated indicators whose
 * neighbours share their timestamps (248 of heap, 38 of typed-array columns), more when
 * every object has timestamps of its own.
 */
export const MIRROR_BYTES_PER_OBJECT = 400;

const DEFAULT_MAX_BYTES = 2 ** 30;
/** The longest a dropped collection waits before a read loads it again. */
const MAX_RELOAD_PAUSE_MS = 60_000;
/** Versions read per statement while loading or catching up. */
const CHUNK = 5000;

type EntryState = 'loading' | 'ready' | 'too-large';

interface Entry {
  state: EntryState;
  /** What is held, in `added` order (absent unless ready). */
  data: MemoryCollection | undefined;
  /** The source's delete count the data reflects. */
  deletes: number;
  /** A change may have happened since the data was last brought up to date. */
  stale: boolean;
  /** A load or catch-up in progress, which readers wait for instead of starting another. */
  work: Promise<void> | undefined;
}

/**
 * A copy of a SQL storage's collections in process memory ({@link MemoryCollection}s), kept
 * current from the database, so pages are served at memory speed while the database stays
 * the only place written to. The source's counters say when the copy is behind:
 *
 * - Without change notices (SQLite; PostgreSQL while its notice connection is down), every
 *   read first reads the counters (one primary-key read): a changed `lastAdded` makes the
 *   read catch up first, a changed `deletes` drops the copy (it is loaded again).
 * - With change notices (PostgreSQL `LISTEN`), a notice marks the collection stale and the
 *   next read catches up; a read whose position (`added_after`, cursor) is past the copy
 *   catches up first, so a cursor issued by a fresher instance is continued exactly.
 *
 * Catching up reads only versions with `added` past the copy's last: `added` is assigned in
 * commit order, so the copy is always a prefix of the collection as it was at some commit,
 * and a reader never skips or repeats an object. A collection is held whole or not at all:
 * while it loads, or when it does not fit in `maxBytes`, its reads go to the database.
 */
export class CollectionMirror {
  readonly #source: MirrorSource;
  readonly #maxBytes: number;
  /** Whether change notices are arriving (set by the storage); reads trust them then. */
  #noticesArrive = false;
  readonly #entries = new Map<string, Entry>();
  /** How long each collection's last load took (or ran before it was given up), in ms. */
  readonly #loadMs = new Map<string, number>();
  /** When a dropped collection may be loaded again by a read (ms since the epoch). */
  readonly #reloadAt = new Map<string, number>();
  #closed = false;

  readonly #now: () => number;

  /** `now` (milliseconds) replaces the clock that paces reloads, for tests. */
  constructor(source: MirrorSource, options: MirrorOptions & { now?: () => number } = {}) {
    this.#now = options.now ?? Date.now;
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
      throw new TypeError('`mirror.maxBytes` must be a non-negative integer.');
    }
    this.#source = source;
    this.#maxBytes = maxBytes;
  }

  /**
   * The held copy of `collection`, current enough to answer a read that starts after
   * position `after`, or `undefined` when the read must go to the database (the collection
   * is loading or too large). The first read of a collection loads it: a collection that
   * fits in one read is served from memory at once, a larger one loads in the background.
   * `verify` reads the counters even while change notices arrive.
   */
  async serving(
    collection: string,
    after: number,
    verify = false,
  ): Promise<MemoryCollection | undefined> {
    if (this.#closed) return undefined;
    let entry = this.#entries.get(collection);
    if (!entry) {
      if ((this.#reloadAt.get(collection) ?? 0) > this.#now()) return undefined;
      const started = this.#newEntry(collection);
      entry = started.entry;
      await started.firstChunk;
    } else if (entry.state === 'ready' && (verify || !this.#noticesArrive)) {
      const counters = await this.#source.counters(collection);
      if (counters.deletes !== entry.deletes) {
        this.#drop(collection, entry);
        return undefined;
      }
      if (counters.lastAdded !== entry.data!.lastAdded) entry.stale = true;
    }
    if (entry.state !== 'ready') return undefined;
    if (entry.stale || after > entry.data!.lastAdded) await this.#catchUp(collection, entry);
    return entry.state === 'ready' ? entry.data : undefined;
  }

  /**
   * Answers a read from the held copy: `read` on it, or `undefined` when the read must go
   * to the database. An answer that reaches the end of the copy (`reachesEnd`: no `more`)
   * is checked against the database's counters first, also while change notices arrive:
   * a client is never told there is nothing more while the database holds more (a notice
   * in flight only delays objects in the middle of a pass, which its next page gets).
   */
  async read<T>(
    collection: string,
    after: number,
    read: (data: MemoryCollection) => T,
    reachesEnd: (answer: T) => boolean,
  ): Promise<T | undefined> {
    const data = await this.serving(collection, after);
    if (!data) return undefined;
    const answer = read(data);
    if (!reachesEnd(answer) || !this.#noticesArrive) return answer;
    const lastAdded = data.lastAdded;
    const checked = await this.serving(collection, after, true);
    if (!checked) return undefined;
    return checked === data && checked.lastAdded === lastAdded ? answer : read(checked);
  }

  /** {@link TaxiiStorage.queryObjects} from the held copy, or `undefined` (ask the database). */
  objects(collection: string, query: ObjectQuery): Promise<ObjectPage | undefined> {
    return this.read(
      collection,
      query.after,
      (data) => data.objects(query),
      (page) => !page.more,
    );
  }

  /**
   * {@link TaxiiStorage.queryJoinedBodies} from the held copy, or `undefined` (ask the
   * database).
   */
  joinedBodies(collection: string, query: ObjectQuery): Promise<JoinedBodiesPage | undefined> {
    return this.read(
      collection,
      query.after,
      (data) => data.joinedBodies(query),
      (page) => !page.more,
    );
  }

  /**
   * The change marker of the held copy (`mirror:<lastAdded>:<deletes>`), brought up to the
   * database's counters first (also while change notices arrive: a view that caches under
   * the marker sees another instance's write at once); `undefined` when reads of the
   * collection go to the database.
   */
  async marker(collection: string): Promise<string | undefined> {
    const data = await this.serving(collection, 0, true);
    const entry = this.#entries.get(collection);
    return data && entry ? `mirror:${data.lastAdded}:${entry.deletes}` : undefined;
  }

  /**
   * Loads `collection` (or waits for its load) and says whether it is now served from
   * memory: `false` when it does not fit.
   */
  async load(collection: string): Promise<boolean> {
    if (this.#closed) return false;
    let entry = this.#entries.get(collection);
    if (!entry) entry = this.#newEntry(collection).entry;
    while (entry.work) await entry.work;
    if (entry.state === 'ready') await this.serving(collection, 0);
    return this.#entries.get(collection)?.state === 'ready';
  }

  /**
   * A write this process made, or a change notice: the next read of `collection` (of every
   * collection when `undefined`) catches up first. With the counters of a notice, only a
   * change past the copy counts, and a higher delete count drops the copy at once.
   */
  changed(collection: string | undefined, counters?: ChangeCounters): void {
    const entries =
      collection === undefined
        ? [...this.#entries]
        : ([[collection, this.#entries.get(collection)]] as const);
    for (const [name, entry] of entries) {
      if (!entry) continue;
      if (!counters || entry.state !== 'ready') entry.stale = true;
      // Counters only grow: a notice with lower ones is older than the copy's snapshot.
      else if (counters.deletes > entry.deletes) this.#drop(name, entry);
      else if (counters.lastAdded > entry.data!.lastAdded) entry.stale = true;
    }
  }

  /**
   * Whether change notices arrive. While they do, reads trust them instead of reading the
   * counters; when they start again, every collection catches up once (a change may have
   * been missed in between).
   */
  setNoticesArrive(arrive: boolean): void {
    if (arrive && !this.#noticesArrive) this.changed(undefined);
    this.#noticesArrive = arrive;
  }

  /** Drops every copy; later reads go to the database. */
  close(): void {
    this.#closed = true;
    this.#entries.clear();
  }

  /** Starts loading `collection`; `firstChunk` settles once its first chunk is read. */
  #newEntry(collection: string): { entry: Entry; firstChunk: Promise<void> } {
    const entry: Entry = {
      state: 'loading',
      data: undefined,
      deletes: 0,
      stale: false,
      work: undefined,
    };
    this.#entries.set(collection, entry);
    let firstChunkRead!: () => void;
    const firstChunk = new Promise<void>((resolve) => {
      firstChunkRead = resolve;
    });
    const work: Promise<void> = this.#load(collection, entry, firstChunkRead).finally(() => {
      firstChunkRead();
      if (entry.work === work) entry.work = undefined;
    });
    entry.work = work;
    return { entry, firstChunk };
  }

  /**
   * Forgets a copy: a later read starts loading the collection again, but not before twice
   * as long as its last load took (at most a minute) has passed. A collection whose
   * versions are deleted more often than it loads would otherwise be read whole again and
   * again; its reads go to the database meanwhile. {@link CollectionMirror.load} does not
   * wait.
   */
  #drop(collection: string, entry: Entry): void {
    entry.state = 'loading';
    entry.data = undefined;
    if (this.#entries.get(collection) !== entry) return;
    this.#entries.delete(collection);
    const pause = Math.min(MAX_RELOAD_PAUSE_MS, 2 * (this.#loadMs.get(collection) ?? 0));
    if (pause > 0) this.#reloadAt.set(collection, this.#now() + pause);
  }

  /** Bytes held by every ready copy but `except`. */
  #heldBytes(except: Entry): number {
    let bytes = 0;
    for (const entry of this.#entries.values()) {
      if (entry !== except && entry.data) bytes += footprint(entry.data);
    }
    return bytes;
  }

  /**
   * Reads the whole collection, chunk by chunk, and makes it ready. `firstChunkRead` is
   * called after the first chunk: the read that started the load waits only for that, so a
   * small collection is served from memory at once while a larger one loads as reads go to
   * the database. A failed read or a delete during the load drops the entry (the next read
   * starts again); a collection past the budget stays `too-large`.
   */
  async #load(collection: string, entry: Entry, firstChunkRead: () => void): Promise<void> {
    const data = new MemoryCollection();
    let deletes: number | undefined;
    const budget = this.#maxBytes - this.#heldBytes(entry);
    const started = this.#now();
    this.#reloadAt.delete(collection);
    entry.stale = false;
    try {
      for (;;) {
        if (this.#closed || this.#entries.get(collection) !== entry) return;
        const [outcome, seen] = await this.#readChunk(collection, data, deletes, budget);
        deletes ??= seen;
        if (outcome === 'changed') {
          // What was read may hold removed versions: start again.
          this.#loadMs.set(collection, this.#now() - started);
          this.#drop(collection, entry);
          return;
        }
        if (outcome === 'too-large') {
          entry.state = 'too-large';
          return;
        }
        if (outcome === 'end') break;
        firstChunkRead();
      }
    } catch {
      // Reads go to the database, which reports the failure; the next read starts again.
      this.#drop(collection, entry);
      return;
    }
    this.#loadMs.set(collection, this.#now() - started);
    if (entry.state !== 'loading' || this.#entries.get(collection) !== entry) return;
    entry.data = data;
    entry.deletes = deletes;
    entry.state = 'ready';
  }

  /**
   * Reads the versions past `data`'s last one (a chunk) and appends them, and says what
   * came of it, with the delete count read: `changed` when the count is not `deletes`
   * (`undefined`: any count will do) or the source broke its commit order (the copy may
   * hold removed versions or have missed one), `too-large` past `budget`, `end` when the
   * chunk reached the collection's end, `more` otherwise.
   */
  async #readChunk(
    collection: string,
    data: MemoryCollection,
    deletes: number | undefined,
    budget: number,
  ): Promise<[outcome: 'more' | 'end' | 'changed' | 'too-large', deletes: number]> {
    const read = await this.#source.readSince(collection, data.lastAdded, CHUNK);
    const seen = read.counters.deletes;
    if ((deletes !== undefined && seen !== deletes) || !appendInOrder(data, read.objects)) {
      return ['changed', seen];
    }
    if (footprint(data) > budget) return ['too-large', seen];
    return [read.objects.length < CHUNK ? 'end' : 'more', seen];
  }

  /** Brings a ready copy up to the database's latest commit (one at a time per collection). */
  async #catchUp(collection: string, entry: Entry): Promise<void> {
    if (entry.work) {
      await entry.work;
      return;
    }
    entry.work = (async () => {
      entry.stale = false;
      const data = entry.data!;
      const budget = this.#maxBytes - this.#heldBytes(entry);
      try {
        for (;;) {
          const [outcome] = await this.#readChunk(collection, data, entry.deletes, budget);
          if (entry.state !== 'ready' || entry.data !== data) return;
          if (outcome === 'changed') {
            this.#drop(collection, entry);
            return;
          }
          if (outcome === 'too-large') {
            entry.state = 'too-large';
            entry.data = undefined;
            return;
          }
          if (outcome === 'end') return;
        }
      } catch (error) {
        // The read fails as a database read would; the next one tries again.
        entry.stale = true;
        throw error;
      }
    })().finally(() => {
      entry.work = undefined;
    });
    await entry.work;
  }
}

/** Memory a copy takes, as {@link MirrorOptions.maxBytes} counts it. */
function footprint(data: MemoryCollection): number {
  return data.bodyBytes + data.size * MIRROR_BYTES_PER_OBJECT;
}

/**
 * Appends versions read past the copy's last one. `false` (nothing more appended) when one
 * is not past the last: the source broke its commit-order contract, and a copy that may
 * have missed a version is not served.
 */
function appendInOrder(data: MemoryCollection, objects: readonly StoredObject[]): boolean {
  for (const o of objects) {
    if (!(o.added > data.lastAdded)) return false;
    data.append(o);
  }
  return true;
}
