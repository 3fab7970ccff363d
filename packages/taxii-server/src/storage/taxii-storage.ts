/**
 * One object to store. The handler has validated it and derived the indexed fields; the
 * storage assigns `added` (the object's `date_added`) under its write lock.
 */
export interface NewObject {
  /** STIX `id`. */
  id: string;
  /** STIX `type`. */
  type: string;
  /** STIX `spec_version`. */
  specVersion: string;
  /** `modified` ?? `created`, as sent; `null` for objects without either (SCOs). */
  version: string | null;
  /** {@link versionKey} of `version`; `''` when `version` is `null`. */
  versionKey: string;
  /** The object as JSON text, stored and served byte for byte. */
  body: string;
}

/** One stored object version as a storage returns it. */
export interface StoredObject {
  id: string;
  type: string;
  specVersion: string;
  /** `modified` ?? `created`; `null` for objects without either. */
  version: string | null;
  versionKey: string;
  /**
   * `date_added` in microseconds since the epoch. Strictly increasing per storage
   * collection, assigned in commit order: the position pagination cursors record.
   */
  added: number;
  /**
   * The object's JSON text as UTF-8 bytes, exactly as stored at write time (the text of
   * {@link NewObject.body}). Pages copy these bytes into the envelope without decoding them.
   */
  body: Uint8Array;
}

/**
 * Which versions of each object a query returns (TAXII 2.1 §3.4.1 `match[version]`):
 * the union of the flags and the exact versions listed.
 */
export interface VersionSelector {
  all: boolean;
  first: boolean;
  last: boolean;
  /** {@link versionKey}s of exact versions asked for. */
  keys: string[];
}

/** A page query against one storage collection. Filters combine with AND. */
export interface ObjectQuery {
  /** Only objects with `added` strictly greater than this (µs since the epoch). */
  after: number;
  ids?: readonly string[];
  types?: readonly string[];
  specVersions?: readonly string[];
  versions: VersionSelector;
  /** Maximum number of objects to return. */
  limit: number;
}

/** One page of objects in `added` order, and whether more match after it. */
export interface ObjectPage {
  objects: StoredObject[];
  more: boolean;
}

/**
 * One page of objects as the inside of an envelope's `objects` array: the stored bodies of
 * the page's objects in `added` order, joined by commas, as UTF-8 bytes. What
 * {@link TaxiiStorage.queryJoinedBodies} returns, so a page is written without a per-object
 * step in JavaScript.
 *
 * @example
 * ```ts
 * import { MemoryStorage, type JoinedBodiesPage } from '@intelshare/taxii-server';
 *
 * const storage = new MemoryStorage();
 * const page: JoinedBodiesPage = await storage.queryJoinedBodies('indicators', {
 *   after: 0,
 *   versions: { all: false, first: false, last: true, keys: [] },
 *   limit: 100,
 * });
 * const objects = JSON.parse(`[${new TextDecoder().decode(page.bodies)}]`);
 * ```
 * @see /taxii-server/pages-from-stored-bytes/
 */
export interface JoinedBodiesPage {
  /** `body,body,…` of the page's objects, in `added` order; empty when `count` is 0. */
  bodies: Uint8Array;
  /** How many objects the page holds. */
  count: number;
  /** `added` of the page's first object (0 when empty). */
  first: number;
  /** `added` of the page's last object (0 when empty): where the next page starts. */
  last: number;
  /** Whether more objects match after the page. */
  more: boolean;
}

/** A stored POST status resource (TAXII 2.1 §4.3.1) and who may read it. */
export interface StoredStatus {
  id: string;
  apiRoot: string;
  /** The principal that made the request; only it may read the status. */
  owner: string;
  /** The status resource as JSON text. */
  body: string;
}

/** What {@link TaxiiStorage.addObjects} did with each object, in input order. */
export interface AddResult {
  /** `date_added` (µs) of the stored version, or of the existing identical version. */
  added: number;
  /** `false` when the same `id` + version was already stored (idempotent re-POST). */
  inserted: boolean;
}

/**
 * Where a TAXII server keeps objects and status resources. Adapters: {@link MemoryStorage}
 * (main entry), `SqliteStorage` (`@intelshare/taxii-server/sqlite`), `PostgresStorage`
 * (`@intelshare/taxii-server/postgres`). Every adapter passes the same behaviour suite.
 *
 * Contract: `added` values are unique and strictly increasing per collection in commit
 * order, so a reader that saw `added = n` will never later see a new object with
 * `added <= n`. This is what makes cursor pagination skip- and duplicate-free.
 *
 * @example
 * ```ts
 * import { MemoryStorage, type TaxiiStorage } from '@intelshare/taxii-server';
 *
 * const storage: TaxiiStorage = new MemoryStorage();
 * await storage.close();
 * ```
 */
export interface TaxiiStorage {
  /** Stores the objects atomically (all or none) and returns one result per object. */
  addObjects(collection: string, objects: readonly NewObject[]): Promise<AddResult[]>;
  /** One page of objects matching the query, ordered by `added`. */
  queryObjects(collection: string, query: ObjectQuery): Promise<ObjectPage>;
  /**
   * The same page as {@link TaxiiStorage.queryObjects}, but only its bodies, joined by commas
   * in `added` order (see {@link JoinedBodiesPage}). Optional: the objects endpoint uses it
   * when present (a database joins the texts in one value, where a row per object costs
   * more than the rest of the page) and builds the envelope from `queryObjects` otherwise.
   */
  queryJoinedBodies?(collection: string, query: ObjectQuery): Promise<JoinedBodiesPage>;
  /** Deletes the versions of `id` the selector and spec versions pick; returns how many. */
  deleteObject(
    collection: string,
    id: string,
    versions: VersionSelector,
    specVersions?: readonly string[],
  ): Promise<number>;
  /**
   * A cheap marker of a collection's content that changes on every write that changes what
   * the collection holds (an add or a delete), read from where the data lives (the database
   * for SQL storages, so writes by other instances change it too). Equal markers mean equal
   * content; policy views cache their whole-collection projection under it. Optional: a
   * storage without it gets no caching (every read is decided afresh).
   */
  changeMarker?(collection: string): Promise<string>;
  /** Saves a status resource. */
  putStatus(status: StoredStatus): Promise<void>;
  /** Loads a status resource by id, or `undefined`. */
  getStatus(id: string): Promise<StoredStatus | undefined>;
  /** Releases connections and handles. */
  close(): Promise<void>;
}
