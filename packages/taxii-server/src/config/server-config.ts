import { z } from 'zod';
import type { RateLimitStore } from '../limits/rate-limit-store';
import type { TaxiiStorage } from '../storage/taxii-storage';

const principalList = z.array(z.string().min(1).max(200)).max(10_000);

/** Request limits (all optional; defaults shown). */
export const limitsSchema = z.strictObject({
  /** Largest `limit` a client may ask for; larger values are lowered to it. Default 1000. */
  maxPageSize: z.number().int().min(1).max(100_000).default(1000),
  /** Page size when the client gives no `limit`. Default 100. */
  defaultPageSize: z.number().int().min(1).max(100_000).default(100),
  /** Largest POST body in bytes, advertised as `max_content_length`. Default 10 MiB. */
  maxBodyBytes: z
    .number()
    .int()
    .min(1)
    .default(10 * 1024 * 1024),
  /** Requests running longer are answered 503. Default 30 000 ms. */
  requestTimeoutMs: z.number().int().min(1).default(30_000),
  /** Token bucket per principal; absent means no rate limit. */
  rateLimit: z
    .strictObject({
      /** Sustained requests per second. */
      perSecond: z.number().positive(),
      /** Requests allowed in a burst. */
      burst: z.number().int().min(1),
    })
    .optional(),
});

/** Who may call the server: API keys and basic-auth users, stored hashed only. */
export const authSchema = z.strictObject({
  /** API keys, sent as `Authorization: Bearer <key>` or `X-API-Key: <key>`. */
  apiKeys: z
    .array(
      z.strictObject({
        /** The principal the key authenticates, as named in `canRead`/`canWrite`. */
        principal: z.string().min(1).max(200),
        /** `sha256:<hex>` from `hashApiKey(key)`; never the key itself. */
        hash: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'expected `sha256:<64 hex digits>`'),
      }),
    )
    .default([]),
  /** Basic-auth users. */
  users: z
    .array(
      z.strictObject({
        username: z.string().min(1).max(200),
        /** `pbkdf2-sha256$…` from `hashPassword(password)`. */
        passwordHash: z.string().startsWith('pbkdf2-sha256$'),
        /** The principal the user acts as; defaults to the username. */
        principal: z.string().min(1).max(200).optional(),
      }),
    )
    .default([]),
  /** Principal name for requests without credentials; absent means they get 401. */
  anonymous: z.string().min(1).max(200).optional(),
});

/** The parts of a collection that are plain data (shared by code and config files). */
export const collectionBaseSchema = z.strictObject({
  /** The collection id in URLs (TAXII 2.1 §5.2 `id`). */
  id: z
    .string()
    .regex(/^[A-Za-z0-9._~-]{1,100}$/, 'use letters, digits and `._~-` (a UUID is usual)'),
  title: z.string().min(1),
  description: z.string().optional(),
  alias: z.string().optional(),
  /** Principals that may read; `*` means every authenticated principal. */
  canRead: principalList.default([]),
  /** Principals that may write; `*` means every authenticated principal. */
  canWrite: principalList.default([]),
  /** Storage collection name; defaults to `id`. Two collections may share one. */
  storage: z.string().min(1).max(200).optional(),
});

/** An input to a view read: what the projection sees about the request. */
export interface ViewContext {
  /** The authenticated principal reading. */
  principal: string;
  apiRoot: string;
  collection: string;
  /**
   * Reads the view's source collection through the storage, the latest version of each
   * object with its `added` as `order`. A view whose decisions depend on other objects
   * (references, victims named by relationships) decides against the collection rather than
   * against the page, so a paged pull equals a one-shot projection, without holding the
   * collection: see {@link ViewSourceCollection}.
   */
  sourceCollection?: ViewSourceCollection;
  /**
   * The source collection's change marker from the storage (see
   * `TaxiiStorage.changeMarker`), or absent when the storage has none: a view may reuse
   * what it computed from the collection while the marker is unchanged.
   */
  sourceMarker?: () => Promise<string>;
}

/** One object of a view's source collection, with its `added` (µs) as its order. */
export interface ViewSourceItem {
  object: Record<string, unknown>;
  order: number;
}

/** How a view reads its source collection (see {@link ViewContext.sourceCollection}). */
export interface ViewSourceCollection {
  /**
   * The latest version of every object, in `added` order, a chunk at a time; with `types`,
   * only objects of those types are read. More than `max` objects read fails the scan
   * (fail closed).
   */
  scan(types: readonly string[] | undefined, max: number): AsyncIterable<ViewSourceItem[]>;
  /** The latest versions of the objects with these ids; ids the collection lacks are left out. */
  get(ids: readonly string[]): Promise<ViewSourceItem[]>;
}

/** One view read, handed to the audit sink after the response body is built. */
export interface ViewReadRecord extends ViewContext {
  /** When the read happened (ISO 8601). */
  at: string;
  /** Ids of the source objects considered. */
  considered: string[];
  /** Ids of the objects shared (after projection). */
  shared: string[];
}

/**
 * A collection that serves another storage collection through a projection, e.g.
 * `@intelshare/policy` `project()` for one agreement and recipient. Read-only.
 */
export interface CollectionView {
  /** The storage collection projected. */
  source: string;
  /** Returns what the reader may receive of a page of source objects (fail closed: throw). */
  project: (
    objects: Record<string, unknown>[],
    context: ViewContext,
  ) => Promise<Record<string, unknown>[]> | Record<string, unknown>[];
  /** Records every read (e.g. into the policy `AuditLog`); a failure fails the request. */
  audit?: (record: ViewReadRecord) => Promise<void> | void;
}

/** A collection of the server: stored, or a view over another. */
export type CollectionConfig = z.input<typeof collectionBaseSchema> & {
  /** Makes this collection a read-only projection of `view.source`. */
  view?: CollectionView;
};

/** One API root (TAXII 2.1 §4.2). */
export interface ApiRootConfig {
  /** The URL path segment, e.g. `partner-a` for `/partner-a/`. */
  path: string;
  title: string;
  description?: string;
  /** Who may see this root at all; absent means anyone with access to one of its collections. */
  principals?: string[];
  collections: CollectionConfig[];
}

/**
 * What the host knows about a request beyond the `Request` itself. `serve()` from
 * `@intelshare/taxii-server/node` passes the socket's remote address; other hosts pass
 * theirs (Deno `info.remoteAddr.hostname`, Bun `server.requestIP(request)?.address`).
 *
 * @example
 * ```ts
 * import type { TaxiiRequestInfo } from '@intelshare/taxii-server';
 *
 * const info: TaxiiRequestInfo = { clientAddress: '192.0.2.10' };
 * ```
 */
export interface TaxiiRequestInfo {
  /** The client's network address; sign-in throttling is keyed by it and the username. */
  clientAddress?: string;
}

/**
 * A TAXII server as one web-standard function, from {@link createTaxiiHandler}.
 *
 * @example
 * ```ts
 * import { createTaxiiHandler, MemoryStorage, type TaxiiHandler } from '@intelshare/taxii-server';
 *
 * const handler: TaxiiHandler = createTaxiiHandler({
 *   title: 'Demo', cursorSecret: 'a-long-random-secret-shared-by-all-instances',
 *   storage: new MemoryStorage(), apiRoots: [],
 * });
 * const response = await handler(new Request('http://localhost/taxii2/'), { clientAddress: '127.0.0.1' });
 * ```
 */
export type TaxiiHandler = (request: Request, info?: TaxiiRequestInfo) => Promise<Response>;

/** Configuration of {@link createTaxiiHandler}. */
export interface TaxiiServerConfig {
  /** Discovery `title` (TAXII 2.1 §4.1). */
  title: string;
  description?: string;
  contact?: string;
  /** Path of the discovery endpoint. Default `/taxii2/`. */
  discoveryPath?: string;
  /** Public origin (e.g. `https://taxii.example.org`) used in discovery URLs behind a proxy. */
  publicUrl?: string;
  /** Path of the default API root in discovery. */
  defaultApiRoot?: string;
  apiRoots: ApiRootConfig[];
  auth?: z.input<typeof authSchema>;
  limits?: z.input<typeof limitsSchema>;
  /**
   * Secret for signing `next` cursors; the same on every instance; 16+ bytes. A list
   * rotates secrets: the first signs, every one verifies.
   */
  cursorSecret: string | Uint8Array | readonly (string | Uint8Array)[];
  storage: TaxiiStorage;
  /**
   * Where `limits.rateLimit` budgets are kept. Default: in process memory, per instance.
   * With several instances, pass a shared store such as `PostgresRateLimiter`.
   */
  rateLimitStore?: RateLimitStore;
  /** Accept custom STIX content (custom types, properties, extensions) in POSTs. Default false. */
  allowCustomContent?: boolean;
  /** Clock in milliseconds (tests). */
  now?: () => number;
  /**
   * The client address a request comes from, when it is not the socket's peer: behind a
   * reverse proxy, read it from the header your proxy sets (and only trust that header
   * from the proxy). Default: `info.clientAddress` as the host passes it.
   */
  clientAddress?: (request: Request, info: TaxiiRequestInfo) => string | undefined;
  /** Called with unexpected errors (500s) so they can be logged; never with secrets. */
  onError?: (error: unknown, request: Request) => void;
}
