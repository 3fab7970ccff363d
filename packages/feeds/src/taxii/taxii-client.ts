import type { FeedIssue } from '../errors/feed-error-issue';
import { FeedTransportError } from '../errors/feed-transport-error';
import { FeedValidationError } from '../errors/feed-validation-error';
import { sleep } from '../http/abort';
import { type HttpOptions, type HttpResponse, HttpTransport } from '../http/http-transport';
import { parseJsonBytes } from '../http/parse-json';
import { checkStixObject, isStixObject, type StixObject } from '../stix/stix-object';
import { type ObjectsOptions, TaxiiObjectStream } from './object-stream';
import { type TaxiiFilters, withFilters } from './taxii-filters';
import {
  STIX_MEDIA_TYPE,
  supportsTaxii21,
  TAXII_MEDIA_TYPE,
  taxiiGeneration,
} from './taxii-media-types';
import {
  type ApiRoot,
  apiRootSchema,
  type Collection,
  collectionSchema,
  collectionsSchema,
  type Discovery,
  discoverySchema,
  type ManifestRecord,
  manifestSchema,
  statusSchema,
  type TaxiiStatus,
  versionsSchema,
} from './taxii-schemas';

/** Options of {@link TaxiiClient}. */
export interface TaxiiClientOptions extends HttpOptions {
  /**
   * The server's base URL; the discovery URL defaults to `taxii2/` under it (TAXII 2.1
   * §4.1). `auth` and `headers` go to this origin only (see `credentialOrigins`).
   */
  url?: string;
  /** The discovery URL, when it is not at `/taxii2/`. */
  discoveryUrl?: string;
  /** What to do with an object that is not STIX (`throw`, the default, or `skip` and report). */
  onInvalidObject?: 'throw' | 'skip';
}

/** Per-call options: a signal that aborts just this call. */
export interface CallOptions {
  signal?: AbortSignal;
}

/** One page of objects (TAXII 2.1 §3.7 envelope) plus the date headers that drive pagination. */
export interface ObjectsPage {
  /** Whether the server says more objects match (`more`). */
  more: boolean;
  /** The server's token for the next page, when it sent one. */
  next: string | undefined;
  /** The objects, each checked to have a STIX `type` and `id`. */
  objects: StixObject[];
  /** Objects the client dropped because `onInvalidObject` is `skip`, with where they were. */
  invalid: FeedIssue[];
  /** `X-TAXII-Date-Added-First` (§3.3.1). */
  dateAddedFirst: string | undefined;
  /** `X-TAXII-Date-Added-Last` (§3.3.1). */
  dateAddedLast: string | undefined;
}

/** A manifest page (§5.7). */
export interface ManifestPage {
  more: boolean;
  objects: ManifestRecord[];
  dateAddedFirst: string | undefined;
  dateAddedLast: string | undefined;
}

/** A versions page (§5.9). */
export interface VersionsPage {
  more: boolean;
  versions: string[];
  dateAddedFirst: string | undefined;
  dateAddedLast: string | undefined;
}

/** Options of {@link TaxiiClient.waitForStatus}. */
export interface WaitForStatusOptions extends CallOptions {
  /** First polling interval in ms (default 1000), doubled up to 15 s. */
  intervalMs?: number;
  /** Give up after this many ms (default 300 000). */
  timeoutMs?: number;
}

/**
 * A TAXII 2.1 client: discovery, API roots, collections, objects (read, add, delete),
 * versions, manifests and status, with retries, timeouts, size limits and typed errors.
 * {@link TaxiiClient.objects} pages through a collection in bounded memory and never loses
 * or duplicates an object, even against servers that misbehave.
 *
 * @see /feeds/taxii/
 *
 * @example
 * ```ts
 * import { TaxiiClient } from '@intelshare/feeds';
 *
 * const client = new TaxiiClient({
 *   url: 'https://taxii.example.org/',
 *   auth: { type: 'basic', username: 'user', password: 'secret' },
 * });
 * const discovery = await client.discover();
 * const root = discovery.default ?? discovery.api_roots?.[0] ?? '';
 * for (const collection of await client.collections(root)) {
 *   if (!collection.can_read) continue;
 *   for await (const object of client.objects(root, collection.id, { limit: 500 })) {
 *     console.log(object.type, object.id);
 *   }
 * }
 * ```
 */
export class TaxiiClient {
  readonly #http: HttpTransport;
  readonly #base: string | undefined;
  readonly #discoveryUrl: string | undefined;
  readonly #onInvalid: 'throw' | 'skip';

  /**
   * @param options - Where the server is, how to authenticate, and transport limits.
   */
  constructor(options: TaxiiClientOptions) {
    // ky's `prefixUrl` names the server as well as `url` does.
    const kyPrefix =
      typeof options.ky === 'object' && options.ky.prefixUrl !== undefined
        ? String(options.ky.prefixUrl)
        : undefined;
    const url = options.url ?? kyPrefix;
    if (!url && !options.discoveryUrl)
      throw new TypeError('`url` (or ky `prefixUrl`) or `discoveryUrl` is required.');
    // Relative API root URLs resolve against `url`, else against the discovery URL's origin.
    this.#base = url ?? new URL('/', options.discoveryUrl).toString();
    this.#discoveryUrl =
      options.discoveryUrl ??
      (url ? new URL('taxii2/', url.endsWith('/') ? url : `${url}/`).toString() : undefined);
    // Credentials belong to the server the client was pointed at.
    this.#http = new HttpTransport(options, url ?? options.discoveryUrl!);
    this.#onInvalid = options.onInvalidObject ?? 'throw';
  }

  /**
   * Reads the discovery resource (TAXII 2.1 §4.1).
   *
   * @returns The server's title and API roots.
   * @throws {FeedValidationError} `TAXII_VERSION_UNSUPPORTED` when the server speaks TAXII 2.0.
   */
  async discover(options: CallOptions = {}): Promise<Discovery> {
    const response = await this.#get(new URL(this.#discoveryUrl!), options);
    return this.#parse(response, discoverySchema, 'discovery');
  }

  /**
   * Reads an API root (§4.2) and refuses it when it does not support TAXII 2.1.
   *
   * @param apiRootUrl - Absolute, or relative to the client's `url`.
   * @returns The API root's information.
   */
  async apiRoot(apiRootUrl: string, options: CallOptions = {}): Promise<ApiRoot> {
    const response = await this.#get(this.#url(apiRootUrl, ''), options);
    const root = this.#parse(response, apiRootSchema, 'api root');
    if (!supportsTaxii21(root.versions)) {
      throw new FeedValidationError(
        'TAXII_VERSION_UNSUPPORTED',
        `The API root ${apiRootUrl} does not list TAXII 2.1 in \`versions\` (${root.versions.join(', ')}); this client speaks TAXII 2.1 only.`,
      );
    }
    return root;
  }

  /**
   * Lists the collections of an API root (§5.1).
   *
   * @returns Every collection (an empty array when the server has none).
   */
  async collections(apiRootUrl: string, options: CallOptions = {}): Promise<Collection[]> {
    const response = await this.#get(this.#url(apiRootUrl, 'collections/'), options);
    return this.#parse(response, collectionsSchema, 'collections').collections ?? [];
  }

  /**
   * Reads one collection (§5.2).
   *
   * @returns The collection resource.
   */
  async collection(
    apiRootUrl: string,
    collectionId: string,
    options: CallOptions = {},
  ): Promise<Collection> {
    const response = await this.#get(
      this.#url(apiRootUrl, `collections/${seg(collectionId)}/`),
      options,
    );
    return this.#parse(response, collectionSchema, 'collection');
  }

  /**
   * Reads one page of objects (§5.3). Most callers want {@link TaxiiClient.objects}, which
   * follows pages safely.
   *
   * @returns The page with its pagination headers.
   */
  async getObjects(
    apiRootUrl: string,
    collectionId: string,
    filters: TaxiiFilters = {},
    options: CallOptions = {},
  ): Promise<ObjectsPage> {
    const url = this.#url(apiRootUrl, `collections/${seg(collectionId)}/objects/`).href;
    return this.#objectsPage(url, filters, options);
  }

  /**
   * Iterates over every object of a collection across pages, in bounded memory, each
   * version (`id` + `modified`) once. Pass `cursor` (from `onCursor` or `stream.cursor`) to
   * resume after a crash or to poll incrementally.
   *
   * @param options - Filters, page size, resume cursor and progress callbacks.
   * @returns An async iterable whose `cursor` is the serialisable resume state.
   */
  objects(
    apiRootUrl: string,
    collectionId: string,
    options: ObjectsOptions = {},
  ): TaxiiObjectStream {
    // Resolved once: each page only appends its query.
    const url = this.#url(apiRootUrl, `collections/${seg(collectionId)}/objects/`).href;
    return new TaxiiObjectStream(
      (filters, signal) => this.#objectsPage(url, filters, signal ? { signal } : {}),
      options,
      url,
    );
  }

  /**
   * Reads every version of one object (§5.5); servers may page this too.
   *
   * @returns The page of objects with that id.
   */
  async getObject(
    apiRootUrl: string,
    collectionId: string,
    objectId: string,
    filters: TaxiiFilters = {},
    options: CallOptions = {},
  ): Promise<ObjectsPage> {
    const url = withFilters(
      this.#url(apiRootUrl, `collections/${seg(collectionId)}/objects/${seg(objectId)}/`).href,
      filters,
    );
    return this.#envelope(await this.#get(url, options, STIX_ACCEPT));
  }

  /**
   * Deletes an object (§5.6); `match[version]`/`match[spec_version]` narrow what is deleted.
   */
  async deleteObject(
    apiRootUrl: string,
    collectionId: string,
    objectId: string,
    filters: Pick<TaxiiFilters, 'match'> = {},
    options: CallOptions = {},
  ): Promise<void> {
    const url = withFilters(
      this.#url(apiRootUrl, `collections/${seg(collectionId)}/objects/${seg(objectId)}/`).href,
      filters,
    );
    await this.#http.request({
      method: 'DELETE',
      url,
      headers: TAXII_HEADERS,
      signal: options.signal,
    });
  }

  /**
   * Lists the versions of an object (§5.9).
   *
   * @returns The version timestamps of one page.
   */
  async versions(
    apiRootUrl: string,
    collectionId: string,
    objectId: string,
    filters: TaxiiFilters = {},
    options: CallOptions = {},
  ): Promise<VersionsPage> {
    const url = withFilters(
      this.#url(apiRootUrl, `collections/${seg(collectionId)}/objects/${seg(objectId)}/versions/`)
        .href,
      filters,
    );
    const response = await this.#get(url, options);
    const page = this.#parse(response, versionsSchema, 'versions');
    return { more: page.more ?? false, versions: page.versions ?? [], ...dateHeaders(response) };
  }

  /**
   * Reads a collection's manifest (§5.7): ids, versions and when each was added.
   *
   * @returns One manifest page.
   */
  async manifest(
    apiRootUrl: string,
    collectionId: string,
    filters: TaxiiFilters = {},
    options: CallOptions = {},
  ): Promise<ManifestPage> {
    const url = withFilters(
      this.#url(apiRootUrl, `collections/${seg(collectionId)}/manifest/`).href,
      filters,
    );
    const response = await this.#get(url, options);
    const page = this.#parse(response, manifestSchema, 'manifest');
    return { more: page.more ?? false, objects: page.objects ?? [], ...dateHeaders(response) };
  }

  /**
   * Adds objects to a collection (§5.4). The server answers with a status resource, which
   * may still be `pending`; see {@link TaxiiClient.waitForStatus}.
   *
   * @param objects - STIX objects, or an envelope `{ objects }`.
   * @returns The status resource.
   */
  async addObjects(
    apiRootUrl: string,
    collectionId: string,
    objects: readonly StixObject[] | { objects: readonly StixObject[] },
    options: CallOptions = {},
  ): Promise<TaxiiStatus> {
    const list = Array.isArray(objects)
      ? objects
      : (objects as { objects: readonly StixObject[] }).objects;
    const issues: FeedIssue[] = [];
    list.forEach((object, index) => {
      const issue = checkStixObject(object, `objects[${index}]`);
      if (issue) issues.push(issue);
    });
    if (issues.length > 0)
      throw new FeedValidationError(
        'VALIDATION_FAILED',
        'Refusing to send objects that are not STIX.',
        issues,
      );
    const response = await this.#http.request({
      method: 'POST',
      url: this.#url(apiRootUrl, `collections/${seg(collectionId)}/objects/`),
      headers: { accept: TAXII_ACCEPT, 'content-type': TAXII_MEDIA_TYPE },
      body: JSON.stringify({ objects: list }),
      signal: options.signal,
    });
    this.#checkGeneration(response);
    return this.#parse(response, statusSchema, 'status');
  }

  /**
   * Reads a status resource (§4.3).
   *
   * @returns The status, counts and per-object outcomes.
   */
  async status(
    apiRootUrl: string,
    statusId: string,
    options: CallOptions = {},
  ): Promise<TaxiiStatus> {
    const response = await this.#get(this.#url(apiRootUrl, `status/${seg(statusId)}/`), options);
    return this.#parse(response, statusSchema, 'status');
  }

  /**
   * Polls a status resource until it is `complete`, backing off between polls.
   *
   * @returns The completed status.
   * @throws {FeedTransportError} `TIMEOUT` after `timeoutMs`.
   */
  async waitForStatus(
    apiRootUrl: string,
    statusId: string,
    options: WaitForStatusOptions = {},
  ): Promise<TaxiiStatus> {
    const deadline = Date.now() + (options.timeoutMs ?? 300_000);
    let interval = options.intervalMs ?? 1000;
    for (;;) {
      const status = await this.status(apiRootUrl, statusId, options);
      if (status.status === 'complete') return status;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new FeedTransportError(
          'TIMEOUT',
          'GET',
          this.#url(apiRootUrl, `status/${seg(statusId)}/`).toString(),
          `Status still \`pending\` after ${options.timeoutMs ?? 300_000} ms.`,
        );
      }
      await sleep(Math.min(interval, left), options.signal).catch((cause) => {
        throw new FeedTransportError(
          'ABORTED',
          'GET',
          apiRootUrl,
          'Aborted while waiting for status.',
          { cause },
        );
      });
      interval = Math.min(interval * 2, 15_000);
    }
  }

  #url(apiRootUrl: string, path: string): URL {
    const root = new URL(apiRootUrl, this.#base);
    if (!root.pathname.endsWith('/')) root.pathname += '/';
    return new URL(path, root);
  }

  async #objectsPage(
    url: string,
    filters: TaxiiFilters,
    options: CallOptions,
  ): Promise<ObjectsPage> {
    return this.#envelope(await this.#get(withFilters(url, filters), options, STIX_ACCEPT));
  }

  async #get(
    url: URL | string,
    options: CallOptions,
    accept = TAXII_ACCEPT,
  ): Promise<HttpResponse> {
    const response = await this.#http.request({
      method: 'GET',
      url,
      headers: accept === STIX_ACCEPT ? STIX_HEADERS : TAXII_HEADERS,
      signal: options.signal,
    });
    this.#checkGeneration(response);
    return response;
  }

  #checkGeneration(response: HttpResponse): void {
    if (taxiiGeneration(response.headers.get('content-type')) === '2.0') {
      throw new FeedValidationError(
        'TAXII_VERSION_UNSUPPORTED',
        `${response.url} answered with TAXII 2.0 (\`${response.headers.get('content-type')}\`); this client speaks TAXII 2.1 only.`,
      );
    }
  }

  #parse<T>(response: HttpResponse, schema: SafeParser<T>, what: string): T {
    const value = parseJsonBytes(response.body, `The ${what} response`);
    const result = schema.safeParse(value);
    if (!result.success) {
      throw new FeedValidationError(
        'VALIDATION_FAILED',
        `The ${what} response is not a TAXII 2.1 ${what} resource.`,
        result.error.issues.map((issue) => ({
          path: formatPath(issue.path),
          message: issue.message,
        })),
      );
    }
    return result.data;
  }

  #envelope(response: HttpResponse): ObjectsPage {
    const value = parseJsonBytes(response.body, 'The objects response');
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new FeedValidationError(
        'VALIDATION_FAILED',
        'The objects response is not a TAXII envelope.',
        [{ path: '$', message: 'must be a JSON object' }],
      );
    }
    const envelope = value as Record<string, unknown>;
    const issues: FeedIssue[] = [];
    if (envelope.more !== undefined && typeof envelope.more !== 'boolean')
      issues.push({ path: 'more', message: 'must be a boolean' });
    if (envelope.next !== undefined && typeof envelope.next !== 'string')
      issues.push({ path: 'next', message: 'must be a string' });
    if (envelope.objects !== undefined && !Array.isArray(envelope.objects))
      issues.push({ path: 'objects', message: 'must be an array' });
    if (issues.length > 0)
      throw new FeedValidationError(
        'VALIDATION_FAILED',
        'The objects response is not a TAXII envelope.',
        issues,
      );
    const raw = (envelope.objects as unknown[] | undefined) ?? [];
    // The parsed array is handed on as it is unless an object fails the check.
    let objects = raw as StixObject[];
    const invalid: FeedIssue[] = [];
    for (let i = 0; i < raw.length; i++) {
      if (isStixObject(raw[i])) {
        if (invalid.length > 0) objects.push(raw[i] as StixObject);
        continue;
      }
      if (invalid.length === 0) objects = raw.slice(0, i) as StixObject[];
      invalid.push(checkStixObject(raw[i], `objects[${i}]`)!);
    }
    if (invalid.length > 0 && this.#onInvalid === 'throw')
      throw new FeedValidationError(
        'VALIDATION_FAILED',
        'The server sent objects that are not STIX.',
        invalid,
      );
    return {
      more: envelope.more === true,
      next: typeof envelope.next === 'string' && envelope.next !== '' ? envelope.next : undefined,
      objects,
      invalid,
      ...dateHeaders(response),
    };
  }
}

const TAXII_ACCEPT = TAXII_MEDIA_TYPE;

interface SafeParser<T> {
  safeParse(value: unknown):
    | { success: true; data: T }
    | {
        success: false;
        error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] };
      };
}
// TAXII 2.1 §5.3: object endpoints answer in taxii+json; stix+json is listed for lenient servers.
const STIX_ACCEPT = `${TAXII_MEDIA_TYPE}, ${STIX_MEDIA_TYPE};q=0.9`;
// Frozen, so the transport merges them with its own headers once.
const TAXII_HEADERS: Record<string, string> = Object.freeze({ accept: TAXII_ACCEPT });
const STIX_HEADERS: Record<string, string> = Object.freeze({ accept: STIX_ACCEPT });

function seg(value: string): string {
  return encodeURIComponent(value);
}

function dateHeaders(response: HttpResponse): {
  dateAddedFirst: string | undefined;
  dateAddedLast: string | undefined;
} {
  return {
    dateAddedFirst: response.headers.get('x-taxii-date-added-first') ?? undefined,
    dateAddedLast: response.headers.get('x-taxii-date-added-last') ?? undefined,
  };
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path)
    out += typeof part === 'number' ? `[${part}]` : `${out ? '.' : ''}${String(part)}`;
  return out || '$';
}
