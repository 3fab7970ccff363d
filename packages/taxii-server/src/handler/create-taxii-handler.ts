import { Authenticator } from '../auth/authenticator';
import {
  type ApiRootConfig,
  authSchema,
  type CollectionConfig,
  collectionBaseSchema,
  limitsSchema,
  type TaxiiHandler,
  type TaxiiRequestInfo,
  type TaxiiServerConfig,
  type ViewContext,
} from '../config/server-config';
import { TaxiiHttpError } from '../errors/taxii-http-error';
import { RateLimiter } from '../limits/rate-limiter';
import {
  acceptsTaxii,
  isTaxiiContentType,
  STIX_MEDIA_TYPE,
  TAXII_MEDIA_TYPE,
} from '../media-types';
import { CursorCodec } from '../pagination/cursor';
import type { ObjectQuery } from '../storage/taxii-storage';
import { microsToTimestamp } from '../time/timestamps';
import { readViewPage } from '../views/read-view-page';
import { checkObject } from './check-object';
import { objectsEnvelope } from './objects-envelope';
import type { Page, PageItem } from './page';
import { filterScope, type ListFilters, parseListFilters } from './query-params';
import { RequestDeadline } from './request-deadline';
import { errorResponse, taxiiBytes, taxiiJson, taxiiText } from './responses';

interface Collection {
  config: CollectionConfig;
  id: string;
  canRead: readonly string[];
  canWrite: readonly string[];
  storageKey: string;
}

interface Root {
  config: ApiRootConfig;
  collections: Map<string, Collection>;
}

const OBJECT_FILTERS = new Set(['id', 'type', 'version', 'spec_version']);
const OBJECT_BY_ID_FILTERS = new Set(['version', 'spec_version']);
const VERSIONS_FILTERS = new Set(['spec_version']);
const ROOT_PATH = /^[A-Za-z0-9._~-]{1,100}$/;

const allows = (list: readonly string[], principal: string) =>
  list.includes(principal) || list.includes('*');

function methodNotAllowed(allow: string): TaxiiHttpError {
  return new TaxiiHttpError(405, 'Method not allowed.', `Use ${allow}.`, { allow });
}

function notFound(what: string): TaxiiHttpError {
  return new TaxiiHttpError(404, `${what} not found.`);
}

async function readBody(request: Request, maxBytes: number, signal: AbortSignal): Promise<string> {
  const tooLarge = () =>
    new TaxiiHttpError(413, 'Request body too large.', `The limit is ${maxBytes} bytes.`);
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > maxBytes) throw tooLarge();
  if (!request.body) return '';
  const reader = request.body.getReader();
  // Once the request has been answered (timed out), stop reading: nothing more of it counts.
  const stop = () => {
    reader.cancel().catch(() => {});
  };
  signal.addEventListener('abort', stop, { once: true });
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    signal.throwIfAborted();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  signal.removeEventListener('abort', stop);
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new TaxiiHttpError(400, 'Invalid request body.', 'The body is not valid UTF-8.');
  }
}

function buildRoots(config: TaxiiServerConfig): Map<string, Root> {
  const roots = new Map<string, Root>();
  for (const [r, root] of config.apiRoots.entries()) {
    if (!ROOT_PATH.test(root.path)) {
      throw new TypeError(
        `\`apiRoots[${r}].path\` must be one URL segment of letters, digits or \`._~-\`.`,
      );
    }
    if (roots.has(root.path))
      throw new TypeError(`\`apiRoots[${r}].path\` \`${root.path}\` is used twice.`);
    const collections = new Map<string, Collection>();
    for (const [c, collection] of root.collections.entries()) {
      const where = `apiRoots[${r}].collections[${c}]`;
      const { view: _view, ...plain } = collection;
      const parsed = collectionBaseSchema.safeParse(plain);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new TypeError(`\`${where}.${issue.path.join('.')}\`: ${issue.message}`);
      }
      if (collections.has(parsed.data.id))
        throw new TypeError(`\`${where}.id\` is used twice in its API root.`);
      if (collection.view && parsed.data.canWrite.length > 0) {
        throw new TypeError(`\`${where}.canWrite\` must be empty: a view is read-only.`);
      }
      collections.set(parsed.data.id, {
        config: collection,
        id: parsed.data.id,
        canRead: parsed.data.canRead,
        canWrite: parsed.data.canWrite,
        storageKey: collection.view
          ? collection.view.source
          : (parsed.data.storage ?? parsed.data.id),
      });
    }
    roots.set(root.path, { config: root, collections });
  }
  checkStorageKeys(config, roots);
  return roots;
}

/**
 * Two stored collections share data only when both say so with `storage`: a collection id
 * reused in two partners' API roots must not silently become one shared collection. A view
 * must name the storage of a configured collection, so a typo fails at start-up.
 */
function checkStorageKeys(config: TaxiiServerConfig, roots: Map<string, Root>): void {
  const owners = new Map<string, { where: string; explicit: boolean }>();
  const views: { where: string; source: string }[] = [];
  config.apiRoots.forEach((root, r) => {
    root.collections.forEach((collection, c) => {
      const where = `apiRoots[${r}].collections[${c}]`;
      const resolved = roots.get(root.path)?.collections.get(collection.id);
      if (!resolved) return;
      if (collection.view) {
        views.push({ where, source: collection.view.source });
        return;
      }
      const explicit = collection.storage !== undefined;
      const other = owners.get(resolved.storageKey);
      if (other && !(other.explicit && explicit)) {
        throw new TypeError(
          `\`${where}\` would share storage \`${resolved.storageKey}\` with \`${other.where}\`; set \`storage\` on both to share it on purpose, or use another id.`,
        );
      }
      owners.set(resolved.storageKey, { where, explicit });
    });
  });
  for (const view of views) {
    if (!owners.has(view.source)) {
      throw new TypeError(
        `\`${view.where}.view.source\` \`${view.source}\` is not the storage of any stored collection.`,
      );
    }
  }
}

/**
 * Creates a TAXII 2.1 server as one web-standard function from `Request` to `Response`,
 * so it mounts in Node (`@intelshare/taxii-server/node`), Bun, Deno, workers, Astro or
 * Hono. Serves discovery, API roots, collections, objects (GET/POST), object (GET/DELETE),
 * versions, manifest and status (TAXII 2.1 §4–§5), with signed stateless pagination.
 *
 * @param config - roots, collections and their permissions, auth, limits, storage.
 * @returns the request handler.
 * @throws TypeError when the configuration is inconsistent.
 * @example
 * ```ts
 * import { createTaxiiHandler, MemoryStorage } from '@intelshare/taxii-server';
 *
 * const handler = createTaxiiHandler({
 *   title: 'Example CERT',
 *   cursorSecret: 'a-long-random-secret-shared-by-all-instances',
 *   storage: new MemoryStorage(),
 *   auth: { anonymous: 'public' },
 *   apiRoots: [{ path: 'api', title: 'Public', collections: [
 *     { id: 'indicators', title: 'Indicators', canRead: ['*'] },
 *   ] }],
 * });
 * const response = await handler(new Request('http://localhost/taxii2/'));
 * ```
 */
export function createTaxiiHandler(config: TaxiiServerConfig): TaxiiHandler {
  const limits = limitsSchema.parse(config.limits ?? {});
  const now = config.now ?? Date.now;
  const authenticator = new Authenticator(authSchema.parse(config.auth ?? {}), now);
  const cursors = new CursorCodec(config.cursorSecret);
  const rateLimiter =
    limits.rateLimit && !config.rateLimitStore
      ? new RateLimiter(limits.rateLimit.perSecond, limits.rateLimit.burst, now)
      : undefined;
  const roots = buildRoots(config);
  const discoveryPath = `/${(config.discoveryPath ?? '/taxii2/').replace(/^\/+|\/+$/g, '')}/`;
  const storage = config.storage;

  const rootVisible = (root: Root, principal: string) =>
    root.config.principals
      ? allows(root.config.principals, principal)
      : [...root.collections.values()].some(
          (c) => allows(c.canRead, principal) || allows(c.canWrite, principal),
        );

  function collectionFor(root: Root, id: string, principal: string): Collection {
    const c = root.collections.get(id);
    // A collection the principal may neither read nor write does not exist for them.
    if (!c || !(allows(c.canRead, principal) || allows(c.canWrite, principal))) {
      throw notFound('Collection');
    }
    return c;
  }

  function requireRead(c: Collection, principal: string): void {
    if (!allows(c.canRead, principal)) {
      throw new TaxiiHttpError(403, 'Forbidden.', 'You may not read this collection.');
    }
  }

  function requireWrite(c: Collection, principal: string): void {
    if (!allows(c.canWrite, principal)) {
      throw new TaxiiHttpError(403, 'Forbidden.', 'You may not write to this collection.');
    }
  }

  async function readPage(
    request: Request,
    c: Collection,
    query: ObjectQuery,
    context: ViewContext,
    joinable: boolean,
  ): Promise<Page> {
    const view = c.config.view;
    if (!view) {
      // Stored objects are served as stored: their text was made once, at write time.
      if (joinable && storage.queryJoinedBodies) {
        const joined = await storage.queryJoinedBodies(c.storageKey, query);
        const any = joined.count > 0;
        return {
          items: [],
          joinedBodies: joined.bodies,
          more: joined.more,
          last: any ? joined.last : query.after,
          first: any ? joined.first : undefined,
        };
      }
      const page = await storage.queryObjects(c.storageKey, query);
      const items: PageItem[] = page.objects;
      return {
        items,
        more: page.more,
        last: items.at(-1)?.added ?? query.after,
        first: items[0]?.added,
      };
    }
    return readViewPage(view, query, context, {
      storage,
      now,
      onError: (error) => config.onError?.(error, request),
    });
  }

  async function list(
    request: Request,
    url: URL,
    c: Collection,
    context: ViewContext,
    kind: string,
    allowed: ReadonlySet<string>,
    defaultVersion: 'last' | 'all',
    objectId?: string,
  ): Promise<{
    page: Page;
    filters: ListFilters;
    next: string | undefined;
    headers: Record<string, string>;
  }> {
    const filters = parseListFilters(url.searchParams, allowed, limits, defaultVersion);
    const scope = `${kind}|${context.apiRoot}|${c.id}|${objectId ?? ''}|${context.principal}|${filterScope(filters)}`;
    let after = filters.addedAfter;
    if (filters.next !== undefined)
      after = Math.max(after, await cursors.decode(filters.next, scope));
    const query: ObjectQuery = {
      after,
      versions: filters.versions,
      limit: filters.limit,
      ...(objectId !== undefined ? { ids: [objectId] } : filters.ids ? { ids: filters.ids } : {}),
      ...(filters.types ? { types: filters.types } : {}),
      ...(filters.specVersions ? { specVersions: filters.specVersions } : {}),
    };
    // Only the objects endpoint writes bodies alone; the others read each object's fields.
    const page = await readPage(request, c, query, context, kind === 'objects');
    const next = page.more ? await cursors.encode(page.last, scope) : undefined;
    const headers: Record<string, string> = {};
    if (page.first !== undefined) {
      // TAXII 2.1 §3.3.2: date_added of the first and last object in the response. For a
      // view these span the source objects considered, so a client resuming with
      // added_after = Last skips withheld objects rather than seeing them again.
      headers['x-taxii-date-added-first'] = microsToTimestamp(page.first);
      headers['x-taxii-date-added-last'] = microsToTimestamp(page.last);
    }
    return { page, filters, next, headers };
  }

  async function postObjects(
    request: Request,
    root: Root,
    c: Collection,
    principal: string,
    deadline: RequestDeadline,
  ): Promise<Response> {
    requireWrite(c, principal);
    if (!isTaxiiContentType(request.headers.get('content-type'))) {
      throw new TaxiiHttpError(
        415,
        'Unsupported media type.',
        `Send the envelope as \`${TAXII_MEDIA_TYPE}\`.`,
      );
    }
    const text = await readBody(request, limits.maxBodyBytes, deadline.signal);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new TaxiiHttpError(400, 'Invalid JSON.', (error as Error).message);
    }
    if (
      parsed === null ||
      typeof parsed !== 'object' ||
      Array.isArray(parsed) ||
      !Array.isArray((parsed as { objects?: unknown }).objects)
    ) {
      throw new TaxiiHttpError(
        422,
        'Not a TAXII envelope.',
        'The body must be an envelope object with an `objects` array (TAXII 2.1 §3.7).',
      );
    }
    const objects = (parsed as { objects: unknown[] }).objects;
    const requestTimestamp = microsToTimestamp(now() * 1000);
    const checked = objects.map((o, i) => checkObject(o, i, config.allowCustomContent ?? false));
    const valid = checked.flatMap((x) => (x.ok ? [x.object] : []));
    // From here on the request is answered with what was stored, even past the timeout.
    deadline.commit();
    const results = valid.length > 0 ? await storage.addObjects(c.storageKey, valid) : [];
    const successes = valid.map((o, i) => ({
      id: o.id,
      version: o.version ?? microsToTimestamp(results[i]!.added),
      ...(results[i]!.inserted ? {} : { message: 'Already stored; not added again.' }),
    }));
    const failures = checked.flatMap((x) =>
      x.ok ? [] : [{ id: x.id ?? '', version: x.version ?? '', message: x.message }],
    );
    // TAXII 2.1 §4.3.1: the objects are stored before we answer, so the status is complete.
    const status = {
      id: crypto.randomUUID(),
      status: 'complete',
      request_timestamp: requestTimestamp,
      total_count: objects.length,
      success_count: successes.length,
      successes,
      failure_count: failures.length,
      failures,
      pending_count: 0,
      pendings: [],
    };
    const body = JSON.stringify(status);
    await storage.putStatus({ id: status.id, apiRoot: root.config.path, owner: principal, body });
    return taxiiText(body, 202);
  }

  async function route(
    request: Request,
    principal: string,
    deadline: RequestDeadline,
  ): Promise<Response> {
    const url = new URL(request.url);
    const method = request.method.toUpperCase();
    const path = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
    if (path.length > 2048) throw notFound('Resource');

    if (path === discoveryPath) {
      if (method !== 'GET') throw methodNotAllowed('GET');
      const origin = (config.publicUrl ?? url.origin).replace(/\/+$/, '');
      const visible = [...roots.values()].filter((r) => rootVisible(r, principal));
      const body: Record<string, unknown> = { title: config.title };
      if (config.description) body.description = config.description;
      if (config.contact) body.contact = config.contact;
      const def =
        config.defaultApiRoot && visible.find((r) => r.config.path === config.defaultApiRoot);
      if (def) body.default = `${origin}/${def.config.path}/`;
      body.api_roots = visible.map((r) => `${origin}/${r.config.path}/`);
      return taxiiJson(body);
    }

    let segments: string[];
    try {
      segments = path.split('/').filter(Boolean).map(decodeURIComponent);
    } catch {
      throw notFound('Resource');
    }
    const root = roots.get(segments[0] ?? '');
    if (!root || !rootVisible(root, principal)) throw notFound('API root');
    const [, section, collectionId, part, objectId, sub, ...rest] = segments;
    if (rest.length > 0) throw notFound('Resource');

    if (section === undefined) {
      if (method !== 'GET') throw methodNotAllowed('GET');
      const body: Record<string, unknown> = { title: root.config.title };
      if (root.config.description) body.description = root.config.description;
      body.versions = [TAXII_MEDIA_TYPE];
      body.max_content_length = limits.maxBodyBytes;
      return taxiiJson(body);
    }

    if (section === 'status' && collectionId !== undefined && part === undefined) {
      if (method !== 'GET') throw methodNotAllowed('GET');
      const status = await storage.getStatus(collectionId);
      // Only the requester sees its status; others get the same 404 as for a missing id.
      if (!status || status.owner !== principal || status.apiRoot !== root.config.path) {
        throw notFound('Status');
      }
      return taxiiText(status.body);
    }

    if (section !== 'collections') throw notFound('Resource');

    if (collectionId === undefined) {
      if (method !== 'GET') throw methodNotAllowed('GET');
      const collections = [...root.collections.values()]
        .filter((c) => allows(c.canRead, principal) || allows(c.canWrite, principal))
        .map((c) => describe(c, principal));
      return taxiiJson(collections.length > 0 ? { collections } : {});
    }

    const c = collectionFor(root, collectionId, principal);
    const context: ViewContext = { principal, apiRoot: root.config.path, collection: c.id };

    if (part === undefined) {
      if (method !== 'GET') throw methodNotAllowed('GET');
      return taxiiJson(describe(c, principal));
    }

    if (part === 'objects' && objectId === undefined) {
      if (method === 'POST') return postObjects(request, root, c, principal, deadline);
      if (method !== 'GET') throw methodNotAllowed('GET, POST');
      requireRead(c, principal);
      const { page, next, headers } = await list(
        request,
        url,
        c,
        context,
        'objects',
        OBJECT_FILTERS,
        'last',
      );
      return taxiiBytes(objectsEnvelope(page, next), 200, headers);
    }

    if (part === 'objects' && objectId !== undefined && sub === undefined) {
      if (method === 'DELETE') {
        requireWrite(c, principal);
        if (c.config.view) throw new TaxiiHttpError(403, 'Forbidden.', 'A view is read-only.');
        const filters = parseListFilters(url.searchParams, OBJECT_BY_ID_FILTERS, limits, 'all');
        deadline.commit();
        const deleted = await storage.deleteObject(
          c.storageKey,
          objectId,
          filters.versions,
          filters.specVersions,
        );
        if (deleted === 0) throw notFound('Object');
        return new Response(null, { status: 200, headers: { 'content-type': TAXII_MEDIA_TYPE } });
      }
      if (method !== 'GET') throw methodNotAllowed('GET, DELETE');
      requireRead(c, principal);
      const { page, filters, next, headers } = await list(
        request,
        url,
        c,
        context,
        'object',
        OBJECT_BY_ID_FILTERS,
        'last',
        objectId,
      );
      if (page.items.length === 0 && filters.next === undefined) throw notFound('Object');
      return taxiiBytes(objectsEnvelope(page, next), 200, headers);
    }

    if (part === 'objects' && objectId !== undefined && sub === 'versions') {
      if (method !== 'GET') throw methodNotAllowed('GET');
      requireRead(c, principal);
      const { page, filters, next, headers } = await list(
        request,
        url,
        c,
        context,
        'versions',
        VERSIONS_FILTERS,
        'all',
        objectId,
      );
      if (page.items.length === 0 && filters.next === undefined) throw notFound('Object');
      const body: Record<string, unknown> = { more: page.more };
      if (next !== undefined) body.next = next;
      body.versions = page.items.map((i) => i.version ?? microsToTimestamp(i.added));
      return taxiiJson(body, 200, headers);
    }

    if (part === 'manifest' && objectId === undefined) {
      if (method !== 'GET') throw methodNotAllowed('GET');
      requireRead(c, principal);
      const { page, next, headers } = await list(
        request,
        url,
        c,
        context,
        'manifest',
        OBJECT_FILTERS,
        'last',
      );
      const body: Record<string, unknown> = { more: page.more };
      if (next !== undefined) body.next = next;
      body.objects = page.items.map((i) => ({
        id: i.id,
        date_added: microsToTimestamp(i.added),
        version: i.version ?? microsToTimestamp(i.added),
        media_type: STIX_MEDIA_TYPE,
      }));
      return taxiiJson(body, 200, headers);
    }

    throw notFound('Resource');
  }

  function describe(c: Collection, principal: string): Record<string, unknown> {
    const body: Record<string, unknown> = { id: c.id, title: c.config.title };
    if (c.config.description) body.description = c.config.description;
    if (c.config.alias) body.alias = c.config.alias;
    body.can_read = allows(c.canRead, principal);
    body.can_write = allows(c.canWrite, principal);
    body.media_types = [STIX_MEDIA_TYPE];
    return body;
  }

  async function handle(
    request: Request,
    info: TaxiiRequestInfo,
    deadline: RequestDeadline,
  ): Promise<Response> {
    const address = config.clientAddress ? config.clientAddress(request, info) : info.clientAddress;
    const principal = await authenticator.authenticate(request, address ?? '');
    if (limits.rateLimit) {
      const { perSecond, burst } = limits.rateLimit;
      const wait = config.rateLimitStore
        ? await config.rateLimitStore.take(`principal:${principal}`, perSecond, burst)
        : rateLimiter!.take(principal);
      if (wait > 0) {
        throw new TaxiiHttpError(429, 'Too many requests.', `Retry in ${wait} s.`, {
          'retry-after': String(wait),
        });
      }
    }
    // TAXII 2.1 §1.6.8: every response is TAXII JSON; a client that cannot take it gets 406.
    if (!acceptsTaxii(request.headers.get('accept'))) {
      throw new TaxiiHttpError(406, 'Not acceptable.', `Responses are \`${TAXII_MEDIA_TYPE}\`.`);
    }
    return route(request, principal, deadline);
  }

  return (request: Request, info: TaxiiRequestInfo = {}): Promise<Response> =>
    new Promise<Response>((resolve, reject) => {
      // The first of the answer and the deadline's 503 answers; the other is ignored.
      let answered = false;
      const answer = (response: Response) => {
        if (answered) return;
        answered = true;
        deadline.dispose();
        resolve(response);
      };
      const fail = (error: unknown) => {
        if (answered) return;
        try {
          if (!(error instanceof TaxiiHttpError) || error.status >= 500)
            config.onError?.(error, request);
          answer(errorResponse(error));
        } catch (thrown) {
          // an `onError` that throws rejects the request, as it always has
          answered = true;
          deadline.dispose();
          reject(thrown);
        }
      };
      const deadline = new RequestDeadline(limits.requestTimeoutMs, fail);
      handle(request, info, deadline).then(answer, fail);
    });
}
