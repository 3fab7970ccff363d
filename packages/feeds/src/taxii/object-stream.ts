import type { FeedIssue } from '../errors/feed-error-issue';
import { FeedTransportError } from '../errors/feed-transport-error';
import { FeedValidationError } from '../errors/feed-validation-error';
import { isTaxiiError } from '../errors/taxii-error';
import { TaxiiIncompleteError, type TaxiiIncompleteReason } from '../errors/taxii-incomplete-error';
import { linkSignals } from '../http/abort';
import type { StixObject } from '../stix/stix-object';
import type { ObjectsPage } from './taxii-client';
import type { TaxiiFilters } from './taxii-filters';

/**
 * Serialisable state of a collection poll. Store it (it is plain JSON) and pass it back as
 * `cursor` to resume after a crash, or to fetch only what was added since the last poll.
 */
export interface TaxiiCursor {
  /** Format version of this state. */
  v: 1;
  /** The server's `next` token to continue with, when a page chain is in progress. */
  next?: string;
  /** The `added_after` the `next` chain was started with, sent again beside `next`. */
  nextAddedAfter?: string;
  /** `added_after` to continue with (the newest `X-TAXII-Date-Added-Last` consumed). */
  addedAfter?: string;
  /** Version keys (`id|modified`) of the last page, to drop repeats from inclusive servers. */
  boundary?: string[];
  /** Pages consumed so far across resumes. */
  pages: number;
  /** Distinct object versions delivered so far across resumes. */
  objects: number;
  /** Whether the last poll reached the end of the collection. */
  done: boolean;
}

/** Events {@link TaxiiObjectStream} reports as it pages. */
export type TaxiiStreamEvent =
  | { type: 'page'; page: number; received: number; delivered: number; more: boolean }
  | { type: 'invalid-objects'; page: number; issues: FeedIssue[] }
  | { type: 'loop-detected'; page: number; continuation: string }
  | { type: 'no-progress'; page: number; emptyPages: number }
  | { type: 'cursor-expired'; page: number; status: number }
  | { type: 'page-retry'; reason: string }
  | { type: 'page-widened'; page: number; limit: number };

/** Options of {@link TaxiiClient.objects}. */
export interface ObjectsOptions {
  /** `added_after` and `match[...]` filters for the first request (`next` comes from the cursor). */
  filters?: Omit<TaxiiFilters, 'next' | 'limit'>;
  /** Page size to ask for (servers may return fewer). */
  limit?: number;
  /** Resume state from an earlier run. */
  cursor?: TaxiiCursor;
  /** Called with the new cursor each time a page has been fully consumed. */
  onCursor?: (cursor: TaxiiCursor) => void | Promise<void>;
  /** Called for pages, skipped objects and protection against misbehaving servers. */
  onEvent?: (event: TaxiiStreamEvent) => void;
  /** Recent version keys remembered to drop duplicates: at least half this many, at most all (default 10 000). */
  dedupeWindow?: number;
  /**
   * End with {@link TaxiiIncompleteError} (`loop`) after this many pages in a row that bring
   * no new object and repeat a `next` token or a whole page already received (default 3).
   * Empty pages with fresh tokens (servers that filter after paging) are followed up to 100
   * times as many in a row.
   */
  maxEmptyPages?: number;
  /** How often a page whose JSON is cut short is requested again (default 2). */
  pageRetries?: number;
  /** Aborts the iteration. */
  signal?: AbortSignal;
  /**
   * Request the next page while the consumer handles the current one (default `false`).
   * Worth it against distant or slow servers, where it hides a round trip per page behind
   * the consumer's work; against a fast local server it measured slower (more garbage held
   * across the overlap). At most one request is in flight and two pages are held.
   */
  readAhead?: boolean;
}

type FetchPage = (filters: TaxiiFilters, signal: AbortSignal | undefined) => Promise<ObjectsPage>;

/**
 * The async iterable returned by {@link TaxiiClient.objects}. Pagination follows TAXII 2.1
 * §3.4: `more` + `next`; `more` without `next` continues with `added_after` set to
 * `X-TAXII-Date-Added-Last`. A `next` token is followed for as long as its pages bring
 * versions (`id` + `modified`) not delivered yet, even when the server repeats the token;
 * repeats are dropped by an exact key window and by digests of whole pages. An expired
 * token falls back to `added_after`. When the collection cannot be read to its end (several
 * pages in a row with nothing new, `more` with no way on, a rejected token with nothing to
 * fall back to), the iteration throws {@link TaxiiIncompleteError} after delivering and
 * committing every page before it: it never ends early as if it were complete. Memory is
 * one page plus a bounded key window.
 *
 * @example
 * ```ts
 * import { TaxiiClient } from '@intelshare/feeds';
 *
 * const stream = new TaxiiClient({ url: 'https://taxii.example.org/' }).objects('api1/', 'c1', { limit: 100 });
 * for await (const page of stream.pages()) console.log(page.length, stream.cursor.pages);
 * ```
 */
export class TaxiiObjectStream implements AsyncIterable<StixObject> {
  readonly #fetch: FetchPage;
  readonly #options: ObjectsOptions;
  #cursor: TaxiiCursor;
  /** The last page's tail whose version keys become `#cursor.boundary` when read. */
  #tail: { ids: string[]; versions: string[] } | undefined;

  readonly #url: string;

  constructor(fetchPage: FetchPage, options: ObjectsOptions, url = 'collection objects') {
    this.#fetch = fetchPage;
    this.#url = url;
    this.#options = options;
    if (options.limit !== undefined && (!Number.isInteger(options.limit) || options.limit < 1))
      throw new TypeError('`limit` must be a positive integer.');
    this.#cursor = options.cursor
      ? structuredClone(options.cursor)
      : { v: 1, pages: 0, objects: 0, done: false };
  }

  /** The resume state after the last fully consumed page. */
  get cursor(): TaxiiCursor {
    return structuredClone(this.#state());
  }

  // The boundary (version keys of the last page's final objects) is built only when the
  // cursor is read: most pulls never read it, and building the key strings for every page
  // cost as much as the deduplication itself.
  #state(): TaxiiCursor {
    const tail = this.#tail;
    if (tail) {
      const keys: string[] = new Array(tail.ids.length);
      for (let i = 0; i < keys.length; i++) keys[i] = `${tail.ids[i]}|${tail.versions[i]}`;
      this.#cursor.boundary = keys;
      this.#tail = undefined;
    }
    return this.#cursor;
  }

  /**
   * Iterates page by page; each page holds only versions not delivered before.
   *
   * @throws {TaxiiIncompleteError} when the collection cannot be read to its end; every
   * page before it was delivered and committed, and `error.cursor` resumes after them.
   */
  async *pages(): AsyncGenerator<StixObject[], void, undefined> {
    const options = this.#options;
    const window = new VersionWindow(options.dedupeWindow ?? 10_000);
    const digest = new PageDigest();
    const start = this.#state();
    for (const key of start.boundary ?? []) {
      const bar = key.lastIndexOf('|');
      if (bar > 0) {
        const id = key.slice(0, bar);
        const version = key.slice(bar + 1);
        window.add(id, version, digest.hashOf(id, version));
      }
    }
    const baseFilters = options.filters ?? {};
    // A finished cursor means "poll for what is new": start from its added_after.
    let next = start.done ? undefined : start.next;
    // The caller's own added_after is sent as given; values taken from server headers are
    // sent one microsecond earlier (see `previousInstant`).
    const userAfter =
      baseFilters.addedAfter instanceof Date
        ? baseFilters.addedAfter.toISOString()
        : baseFilters.addedAfter;
    let addedAfter: string | undefined = start.addedAfter ?? userAfter;
    const asSent = (value: string | undefined) =>
      value === undefined || value === userAfter ? value : previousInstant(value);
    let limit = options.limit;
    let widened = 0;
    // The added_after a `next` chain started from; TAXII 2.1 §3.4 wants the same filters with `next`.
    let chainAddedAfter = next !== undefined ? start.nextAddedAfter : addedAfter;
    let newestAdded = addedAfter;
    let pages = start.pages;
    let delivered = start.objects;
    // Pages in a row that brought nothing new, and of those the ones that also repeated
    // something (a `next` token or a whole page seen before): only repetition is evidence
    // of a loop. Servers that filter after paging send empty pages with fresh tokens, which
    // are only cut off by a much larger bound.
    let emptyStreak = 0;
    let staleStreak = 0;
    const maxEmptyPages = options.maxEmptyPages ?? 3;
    const seenTokens = new Set<number>();
    // `added_after` requests already made. A `next` token is never checked this way: TAXII
    // 2.1 §3.4 does not promise a new token per page, and servers that keep one paging
    // session per client send the same token on every page. Whether a chain is looping is
    // judged by what its pages bring instead (`emptyStreak`).
    const usedAfter = new Set<string>();
    // Digests of every page received (all of its objects' ids and versions, in order), to
    // recognise a page seen before even when its objects have left the dedupe window.
    const seenPages = new Set<string>();

    const incomplete = (reason: TaxiiIncompleteReason, detail: string): TaxiiIncompleteError =>
      new TaxiiIncompleteError(reason, this.#url, detail, structuredClone(this.#state()));

    // The next request. Throws when paging by added_after cannot move on.
    const plan = (): TaxiiFilters => {
      if (next === undefined) {
        let continuation = `${addedAfter ?? ''}|${limit ?? ''}`;
        if (usedAfter.has(continuation) && limit !== undefined && widened < 4) {
          // More objects share one date_added than fit in a page, so added_after cannot
          // move past them: ask for bigger pages (servers may cap them) before giving up.
          limit *= 2;
          widened++;
          options.onEvent?.({ type: 'page-widened', page: pages, limit });
          continuation = `${addedAfter ?? ''}|${limit}`;
        }
        if (usedAfter.has(continuation)) {
          options.onEvent?.({ type: 'loop-detected', page: pages, continuation });
          throw incomplete(
            'stuck',
            `the server keeps answering added_after=${addedAfter ?? '(none)'} with objects already delivered, and bigger pages did not help (more objects share one date_added than it puts in a page).`,
          );
        }
        usedAfter.add(continuation);
      }
      const filters: TaxiiFilters = {};
      if (baseFilters.match !== undefined) filters.match = baseFilters.match;
      const after = asSent(next !== undefined ? chainAddedAfter : addedAfter);
      if (after !== undefined) filters.addedAfter = after;
      if (limit !== undefined) filters.limit = limit;
      if (next !== undefined) filters.next = next;
      return filters;
    };

    // Read-ahead: once a page says where the next one is, that request is sent before the
    // page is handed to the consumer, so the server's latency overlaps the consumer's work.
    // At most one request is in flight and at most two pages are held; the cursor still
    // commits only after the consumer has taken a page. Leaving the loop aborts it.
    const readAhead = options.readAhead === true;
    const ahead = readAhead ? new AbortController() : undefined;
    const linked = ahead ? linkSignals([options.signal, ahead.signal]) : undefined;
    const signal = linked ? linked.signal : options.signal;
    let pending: Promise<ObjectsPage> | undefined;

    try {
      for (;;) {
        if (options.signal?.aborted) {
          throw new FeedTransportError('ABORTED', 'GET', this.#url, 'The iteration was aborted.', {
            cause: options.signal.reason,
          });
        }
        let page: ObjectsPage;
        try {
          if (pending) {
            const request = pending;
            pending = undefined;
            page = await request;
          } else page = await this.#fetchWithRetry(plan(), signal);
        } catch (error) {
          if (!(next !== undefined && isTaxiiError(error) && EXPIRED.has(error.status)))
            throw error;
          // `next` tokens may expire (§3.4), after a while or between runs. Objects come in
          // date_added order, so continuing from the newest X-TAXII-Date-Added-Last
          // delivered (sent one microsecond earlier) loses nothing; repeats are dropped.
          options.onEvent?.({ type: 'cursor-expired', page: pages, status: error.status });
          if (newestAdded === undefined && delivered > 0) {
            throw incomplete(
              'cursor-rejected',
              `the server no longer accepts the \`next\` token (HTTP ${error.status}) and sent no X-TAXII-Date-Added-Last to continue from by added_after.`,
            );
          }
          next = undefined;
          addedAfter = newestAdded;
          chainAddedAfter = addedAfter;
          continue;
        }
        pages++;
        if (page.invalid.length > 0)
          options.onEvent?.({ type: 'invalid-objects', page: pages, issues: page.invalid });

        const objects = page.objects;
        const count = objects.length;
        // A page identical to one received before brings nothing new, even when a loop is
        // longer than the key window. The digest covers every object of the page; it is
        // computed in the same pass as each object's key hash for the window.
        const pageKey = count > 0 ? digest.of(objects) : '';
        const repeatedPage = count > 0 && seenPages.has(pageKey);
        if (count > 0) seenPages.add(pageKey);
        // Objects are copied out only once a duplicate shows up: most pages are all new.
        let fresh: StixObject[] | undefined;
        const hashes = digest.hashes;
        for (let i = 0; i < count && !repeatedPage; i++) {
          const object = objects[i]!;
          if (!window.add(object.id, object.modified ?? object.created ?? '', hashes[i]!)) {
            fresh ??= objects.slice(0, i);
            continue;
          }
          fresh?.push(object);
        }
        if (repeatedPage) fresh = [];
        fresh ??= objects;
        delivered += fresh.length;
        let tokenRepeated = false;
        if (page.next !== undefined) {
          // Tokens are kept as hashes: a server cannot grow memory with long ones.
          const token = digest.hashOf(page.next, '');
          tokenRepeated = seenTokens.has(token);
          seenTokens.add(token);
        }
        const nothingNew = fresh.length === 0;
        emptyStreak = nothingNew ? emptyStreak + 1 : 0;
        if (!nothingNew) staleStreak = 0;
        else if (tokenRepeated || repeatedPage) staleStreak++;
        if (page.dateAddedLast && (newestAdded === undefined || page.dateAddedLast > newestAdded))
          newestAdded = page.dateAddedLast;
        options.onEvent?.({
          type: 'page',
          page: pages,
          received: count,
          delivered: fresh.length,
          more: page.more,
        });

        const finished = !page.more;
        // Set when the pull cannot go on: thrown once this page is delivered and committed.
        let failure: { reason: TaxiiIncompleteReason; detail: string } | undefined;
        if (page.more) {
          if (page.next !== undefined) {
            if (next === undefined) chainAddedAfter = addedAfter;
            next = page.next;
          } else if (page.dateAddedLast !== undefined) {
            next = undefined;
            addedAfter = page.dateAddedLast;
            chainAddedAfter = addedAfter;
          } else {
            failure = {
              reason: 'no-continuation',
              detail:
                'the server said `more: true` but sent neither `next` nor X-TAXII-Date-Added-Last, so the rest of the collection cannot be requested (TAXII 2.1 §3.4).',
            };
          }
        }
        // Paging by added_after that asks the same question again is left to `plan`, which
        // first tries bigger pages and then reports it as `stuck`.
        const askingAgain =
          next === undefined && usedAfter.has(`${addedAfter ?? ''}|${limit ?? ''}`);
        if (
          !finished &&
          !failure &&
          !askingAgain &&
          (staleStreak >= maxEmptyPages || emptyStreak >= maxEmptyPages * 100)
        ) {
          options.onEvent?.({ type: 'no-progress', page: pages, emptyPages: emptyStreak });
          failure = {
            reason: 'loop',
            detail: `${emptyStreak} pages in a row brought no object not already delivered while the server still said \`more: true\` (a paging loop, or the same page served again and again).`,
          };
        }

        const cursor: TaxiiCursor = {
          v: 1,
          pages,
          objects: delivered,
          done: finished,
        };
        let tail: { ids: string[]; versions: string[] } | undefined;
        if (count > 0) {
          const from = Math.max(0, count - BOUNDARY);
          tail = { ids: new Array(count - from), versions: new Array(count - from) };
          for (let i = from; i < count; i++) {
            const object = objects[i]!;
            tail.ids[i - from] = object.id;
            tail.versions[i - from] = object.modified ?? object.created ?? '';
          }
        }
        if (!finished && next !== undefined) {
          cursor.next = next;
          if (chainAddedAfter !== undefined) cursor.nextAddedAfter = chainAddedAfter;
        }
        const resumeAfter = finished ? newestAdded : next !== undefined ? newestAdded : addedAfter;
        if (resumeAfter !== undefined) cursor.addedAfter = resumeAfter;

        // A request that cannot be planned is reported after this page is committed.
        let unplannable: unknown;
        if (!finished && !failure && readAhead) {
          try {
            pending = this.#fetchWithRetry(plan(), signal);
            // Failures surface when the page is awaited, not as unhandled rejections.
            pending.catch(() => {});
          } catch (error) {
            unplannable = error;
          }
        }

        if (fresh.length > 0) yield fresh;
        // Only now has the consumer taken every object of the page: commit. An empty page
        // keeps the previous boundary.
        if (tail) this.#tail = tail;
        else if (this.#cursor.boundary) cursor.boundary = this.#cursor.boundary;
        this.#cursor = cursor;
        if (options.onCursor) await options.onCursor(structuredClone(this.#state()));
        if (finished) return;
        if (failure) throw incomplete(failure.reason, failure.detail);
        if (unplannable !== undefined) throw unplannable;
      }
    } finally {
      if (pending) ahead?.abort(new Error('The iteration ended.'));
      linked?.dispose();
    }
  }

  // A body that ends cleanly but mid-JSON is a broken proxy or server, not bad data: ask again.
  async #fetchWithRetry(
    filters: TaxiiFilters,
    signal: AbortSignal | undefined,
  ): Promise<ObjectsPage> {
    const retries = this.#options.pageRetries ?? 2;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#fetch(filters, signal);
      } catch (error) {
        if (
          attempt >= retries ||
          !(error instanceof FeedValidationError) ||
          error.code !== 'INVALID_JSON'
        )
          throw error;
        this.#options.onEvent?.({ type: 'page-retry', reason: error.message });
      }
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<StixObject> {
    for await (const page of this.pages()) yield* page;
  }

  /**
   * Collects every object into an array (for small collections and tests).
   *
   * @returns All delivered objects.
   */
  async toArray(): Promise<StixObject[]> {
    const all: StixObject[] = [];
    for await (const page of this.pages()) all.push(...page);
    return all;
  }
}

/**
 * One microsecond before a TAXII timestamp. `added_after` is exclusive (TAXII 2.1 §3.4.1),
 * so continuing from `X-TAXII-Date-Added-Last` itself would skip objects that share that
 * instant but did not fit in the page; asking from just before it returns them (and the
 * already-seen ones, which deduplication drops).
 */
function previousInstant(timestamp: string): string {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z$/i.exec(timestamp);
  if (!match) return timestamp;
  const seconds = Date.parse(`${match[1]}Z`);
  if (Number.isNaN(seconds)) return timestamp;
  const micros = seconds * 1000 + Number((match[2] ?? '').padEnd(6, '0').slice(0, 6)) - 1;
  const ms = Math.floor(micros / 1000);
  return `${new Date(ms).toISOString().slice(0, 23)}${String(micros - ms * 1000).padStart(3, '0')}Z`;
}

const BOUNDARY = 5000;

/** Statuses with which servers refuse a `next` token they no longer know. */
const EXPIRED = new Set([400, 404, 410, 422]);

/**
 * Hashes each object's full `id` and version once, for two uses: the object's key hash in
 * the {@link VersionWindow} (left in `hashes`), and a 64-bit digest of the whole page — one
 * lane folding the object hashes in order, a second lane running independently over every
 * character. Both are seeded per stream, so a server cannot craft two different pages that
 * a client takes for the same one; two honest pages collide with a chance of about 2^-64.
 */
class PageDigest {
  readonly #seed = (Math.random() * 0x100000000) | 0;
  readonly #seedB = (Math.random() * 0x100000000) | 0;
  /** The key hash of each object of the last page digested. */
  hashes = new Int32Array(1024);

  /** The key hash of one version, as `of` computes it. */
  hashOf(id: string, version: string): number {
    let h = this.#seed ^ id.length;
    for (let c = 0; c < id.length; c++) h = Math.imul(h ^ id.charCodeAt(c), 0x01000193);
    h = Math.imul(h ^ 0x7c, 0x01000193);
    for (let c = 0; c < version.length; c++) h = Math.imul(h ^ version.charCodeAt(c), 0x01000193);
    return h;
  }

  of(objects: readonly StixObject[]): string {
    if (this.hashes.length < objects.length) this.hashes = new Int32Array(objects.length * 2);
    const hashes = this.hashes;
    let a = objects.length;
    let b = this.#seedB;
    for (let i = 0; i < objects.length; i++) {
      const object = objects[i]!;
      const id = object.id;
      const version = object.modified ?? object.created ?? '';
      let h = this.#seed ^ id.length;
      for (let c = 0; c < id.length; c++) {
        const code = id.charCodeAt(c);
        h = Math.imul(h ^ code, 0x01000193);
        b = Math.imul(b + code, 0x5bd1e995) ^ (b >>> 15);
      }
      // A separator outside the id alphabet, so `ab|c` and `a|bc` differ.
      h = Math.imul(h ^ 0x7c, 0x01000193);
      b = Math.imul(b + 0x7c, 0x5bd1e995) ^ (b >>> 15);
      for (let c = 0; c < version.length; c++) {
        const code = version.charCodeAt(c);
        h = Math.imul(h ^ code, 0x01000193);
        b = Math.imul(b + code, 0x5bd1e995) ^ (b >>> 15);
      }
      b = Math.imul(b + 0x0a, 0x5bd1e995) ^ (b >>> 15);
      hashes[i] = h;
      a = Math.imul(a ^ h, 0x2c1b3c6d) + i;
    }
    return `${objects.length}:${a >>> 0}:${b >>> 0}`;
  }
}

/**
 * Remembers at least the most recent `size / 2` object versions and at most `size`: two
 * generations, the older dropped whole when the newer fills (no per-key deletes). Each
 * generation is an open-addressing table keyed by a 32-bit hash of the id and version
 * (from {@link PageDigest}, seeded per stream, so a server cannot aim collisions at it),
 * checked against the stored id and version strings on a hash match, so the answer is exact. This
 * costs about half of a `Map` keyed by id, which had to grow and rehash every generation.
 */
class VersionWindow {
  readonly #half: number;
  #young = generation(64);
  #old = generation(64);
  constructor(size: number) {
    this.#half = Math.max(1, Math.ceil(size / 2));
  }
  /** Remembers a version (`hash` from {@link PageDigest}); `false` when it was already remembered. */
  add(id: string, version: string, hash: number): boolean {
    if (find(this.#old, hash, id, version) >= 0) return false;
    let young = this.#young;
    const at = find(young, hash, id, version);
    if (at >= 0) return false;
    young.hashes[~at] = hash;
    young.ids[~at] = id;
    young.versions[~at] = version;
    young.count++;
    if (young.count >= this.#half) {
      // Rotate: the old generation is dropped whole and its table reused.
      const old = this.#old;
      old.hashes.fill(0);
      old.ids.fill(undefined);
      old.versions.fill(undefined);
      old.count = 0;
      this.#old = young;
      this.#young = old;
    } else if (young.count * 2 > young.hashes.length) {
      // Tables grow with use (at most half full), so a large window costs memory only
      // when it fills.
      young = grow(young);
      this.#young = young;
    }
    return true;
  }
}

interface Generation {
  hashes: Int32Array;
  ids: (string | undefined)[];
  versions: (string | undefined)[];
  count: number;
}

/** The slot holding this version, or `~slot` of the free slot where it would go. */
function find(table: Generation, hash: number, id: string, version: string): number {
  const mask = table.hashes.length - 1;
  for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
    const stored = table.ids[slot];
    if (stored === undefined) return ~slot;
    if (table.hashes[slot] === hash && stored === id && table.versions[slot] === version)
      return slot;
  }
}

function grow(table: Generation): Generation {
  const bigger = generation(table.hashes.length * 2);
  for (let slot = 0; slot < table.hashes.length; slot++) {
    const id = table.ids[slot];
    if (id === undefined) continue;
    const version = table.versions[slot]!;
    const at = ~find(bigger, table.hashes[slot]!, id, version);
    bigger.hashes[at] = table.hashes[slot]!;
    bigger.ids[at] = id;
    bigger.versions[at] = version;
  }
  bigger.count = table.count;
  return bigger;
}

function generation(capacity: number): Generation {
  return {
    hashes: new Int32Array(capacity),
    ids: new Array<string | undefined>(capacity).fill(undefined),
    versions: new Array<string | undefined>(capacity).fill(undefined),
    count: 0,
  };
}
