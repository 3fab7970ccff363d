import {
  type AsyncAuditLog,
  AuditLog,
  COLLECTION_FACT_TYPES,
  type CollectionProjection,
  type CollectionReader,
  type CompiledAgreement,
  compileAgreement,
  contentHash,
  type Decision,
  type PartProjection,
  type ProjectOptions,
  parseRecipient,
  prepareCollectionProjection,
  project,
  type Recipient,
  type SharingAgreement,
} from '@intelshare/policy';
import type {
  CollectionView,
  ViewContext,
  ViewReadRecord,
  ViewSourceCollection,
} from '../config/server-config';

/** Options of {@link policyView}. */
export interface PolicyViewOptions {
  /** The storage collection to project. */
  source: string;
  /** The sharing agreement (from `parseAgreement`) applied on every read. */
  agreement: SharingAgreement | CompiledAgreement;
  /** The partner receiving through this collection. */
  recipient: Recipient;
  /**
   * The policy audit log every read's projection is appended to (hash-chained): an
   * `AuditLog`, or an `AsyncAuditLog` over a shared store (SQLite, PostgreSQL) so several
   * server instances write one chain. The entry is appended before the page is answered; a
   * failed append fails the read.
   */
  auditLog?: AuditLog | AsyncAuditLog;
  /** Marking definitions from a registry, for objects whose definitions are not in the page. */
  markingDefinitions?: Iterable<unknown>;
  /** Keys for keyed pseudonyms named by the agreement's victim protection. */
  pseudonymKeys?: ProjectOptions['pseudonymKeys'];
  /** Also told about every read (ids considered and shared), e.g. for access logs. */
  onRead?: (record: ViewReadRecord) => void | Promise<void>;
  /**
   * The clock of the projection (default `Date.now`): the time every read is decided at and
   * stamped with (`modified` of redacted copies, validity). A preview made with
   * `project(..., { now })` at the same time gives the same bytes.
   */
  now?: () => number | Date;
  /**
   * Most objects of the source collection a read is decided against (default 10,000,000):
   * each read is decided against the whole collection (see {@link policyView}), read through
   * the storage without holding it, and a collection holding more identities, locations,
   * marking definitions, relationships and sightings than this (the objects its facts are
   * read from) fails the read rather than being decided against part of it. Also the most
   * objects one page is projected with (the page, what it references transitively, and
   * every victim identity; at most 100,000 whatever this says).
   */
  maxSourceObjects?: number;
  /**
   * Most memory (bytes, estimated) the collection's facts a view keeps per cached entry may
   * take: victims, located-at relationships, locations, protected identities and marking
   * definitions (default 256 MiB). More fails the read (fail closed).
   */
  maxStateBytes?: number;
  /**
   * How long (ms, default 60,000) a prepared collection projection stamped by the default
   * clock is reused while the source collection is unchanged; `0` prepares every page
   * afresh. See {@link policyView} for the cache.
   */
  projectionMaxAgeMs?: number;
}

/** What a policy view decides for a page: what the reader receives, and why. */
export interface ViewPageDecision {
  /** The projected copies, marking definitions and replacements the reader receives. */
  objects: Record<string, unknown>[];
  /** One decision per page object, in page order (withheld marking definitions included). */
  decisions: Decision[];
}

/**
 * A {@link CollectionView} made by {@link policyView}, which can also show what a read
 * would send without it being one.
 *
 * @example
 * ```ts
 * import type { PolicyCollectionView, ViewContext } from '@intelshare/taxii-server';
 *
 * async function explain(view: PolicyCollectionView, page: Record<string, unknown>[], context: ViewContext) {
 *   const { decisions } = await view.preview(page, context);
 *   return decisions.filter((d) => d.action === 'withhold').map((d) => d.id);
 * }
 * ```
 */
export interface PolicyCollectionView extends CollectionView {
  /**
   * Decides a page exactly as a read does (same collection facts, cache, clock and change
   * checks) and returns the copies with every decision, without appending to the audit log
   * or telling `onRead`: a preview is not a share.
   */
  preview(objects: Record<string, unknown>[], context: ViewContext): Promise<ViewPageDecision>;
}

/** One cached collection projection (its facts, not the collection). */
interface CachedProjection {
  key: string;
  prepared: Promise<CollectionProjection>;
  now: number | Date;
  /** `Date.now()` when it was made, for the max age. */
  madeAt: number;
}

/**
 * Prepared collection projections of all policy views, most recently used last: a few
 * entries, each holding a collection's facts (bounded by `maxStateBytes`), never its objects.
 */
const projectionCache: CachedProjection[] = [];
const PROJECTION_CACHE_ENTRIES = 4;
/**
 * Collection projections prepared (each reads the collection's facts once), for tests that
 * check paging reuses one.
 * @internal Not exported from the package entry.
 */
export const projectionStats = { computed: 0 };
let nextViewId = 0;
/** Per request (its view context): the change marker read after its last page was decided. */
const markerAfterPage = new WeakMap<ViewContext, string>();

function cachedProjection(key: string): CachedProjection | undefined {
  const index = projectionCache.findIndex((entry) => entry.key === key);
  if (index === -1) return undefined;
  const [entry] = projectionCache.splice(index, 1);
  projectionCache.push(entry!);
  return entry;
}

function cacheProjection(entry: CachedProjection): void {
  const index = projectionCache.findIndex((e) => e.key === entry.key);
  if (index !== -1) projectionCache.splice(index, 1);
  projectionCache.push(entry);
  while (projectionCache.length > PROJECTION_CACHE_ENTRIES) projectionCache.shift();
}

function dropProjection(entry: CachedProjection): void {
  const index = projectionCache.indexOf(entry);
  if (index !== -1) projectionCache.splice(index, 1);
}

/**
 * A collection view that serves a source collection through `@intelshare/policy`
 * `project()` for one agreement and recipient: withheld objects never leave, redacted
 * ones leave redacted, and each read is appended to the policy audit log with the
 * reading principal as actor. Fails closed: a projection error fails the request.
 *
 * Every page is decided against the whole source collection (the latest version of each
 * object, read through the storage), not against the page: a relationship whose target is
 * on another page is shared exactly when a one-shot `project()` of the collection shares
 * it, a victim named by a relationship on another page is protected, and a paged pull
 * equals, object by object, the projection of the collection at the same moment, whatever
 * the `limit`. The audit entry of a read lists the page's objects only.
 *
 * The collection is never held: the first read scans it once for its facts (victims,
 * protected identities, locations, marking definitions; only those objects are parsed), and
 * each page is then projected with `prepareCollectionProjection` from `@intelshare/policy`
 * together with what its objects reference (transitively) and every victim, read by id. The
 * prepared projection (the facts) is cached under the storage's change marker
 * (`TaxiiStorage.changeMarker`, read before the collection), so a paged pull of an unchanged
 * collection scans it once; any add or delete makes the next page prepare again. With the
 * default clock the cached stamp time is reused until the collection changes or
 * `projectionMaxAgeMs` passes; with `now` given, only a projection made at the same time is
 * reused. Four entries at most across all views (LRU). Without a marker every page is
 * prepared afresh.
 *
 * @param options - source collection, agreement, recipient and audit log.
 * @returns a {@link PolicyCollectionView} for a collection's `view`; its `preview` shows a read without making one.
 * @example
 * ```ts
 * import { AuditLog, parseAgreement } from '@intelshare/policy';
 * import { createTaxiiHandler, MemoryStorage, policyView } from '@intelshare/taxii-server';
 *
 * const agreement = parseAgreement({
 *   id: 'mou-1', version: '1', title: 'MoU', effective: { from: '2026-01-01T00:00:00Z' },
 *   purposes: ['detection'],
 *   parties: [
 *     { identity: 'identity--8ce3f695-d5a4-4dc8-9e93-a65af453a31a', name: 'CERT', role: 'provider' },
 *     { identity: 'identity--03e23f6c-0ac9-4b47-9c84-f718132adb21', name: 'Partner', role: 'recipient' },
 *   ],
 *   recipients: [{ match: { identities: ['identity--03e23f6c-0ac9-4b47-9c84-f718132adb21'] }, maxTlp: 'amber' }],
 * });
 * const auditLog = new AuditLog();
 * const handler = createTaxiiHandler({
 *   title: 'CERT',
 *   cursorSecret: 'a-long-random-secret-shared-by-all-instances',
 *   storage: new MemoryStorage(),
 *   auth: { anonymous: 'partner' },
 *   apiRoots: [{ path: 'partner', title: 'Partner', collections: [{
 *     id: 'shared', title: 'Shared under the MoU', canRead: ['partner'],
 *     view: policyView({ source: 'internal', agreement, auditLog,
 *       recipient: { identity: 'identity--03e23f6c-0ac9-4b47-9c84-f718132adb21' } }),
 *   }] }],
 * });
 * ```
 */
export function policyView(options: PolicyViewOptions): PolicyCollectionView {
  const agreement = compileAgreement(options.agreement);
  // Validate the recipient now, so a bad config fails at start-up rather than on a read.
  const recipient = parseRecipient(options.recipient);
  const clock = options.now ?? Date.now;
  const maxSourceObjects = options.maxSourceObjects ?? 10_000_000;
  const maxPartObjects = Math.min(maxSourceObjects, 100_000);
  const maxAgeMs = options.projectionMaxAgeMs ?? 60_000;
  // What a cached projection depends on besides the collection: this view (its agreement,
  // recipient, registry and keys are fixed at creation), named for readability too.
  const viewKey = [
    `view${nextViewId++}`,
    options.source,
    recipient.identity,
    `${agreement.agreement.id}@${agreement.agreement.version}`,
  ].join('\u0000');
  const projectOptions = (now: number | Date): ProjectOptions => ({
    now,
    ...(options.markingDefinitions ? { markingDefinitions: options.markingDefinitions } : {}),
    ...(options.pseudonymKeys ? { pseudonymKeys: options.pseudonymKeys } : {}),
  });
  // Objects whose projection alone throws, by id and version: left out of what a page is
  // decided against, so one such object withholds itself, not every page.
  const poisoned = new Map<string, boolean>();
  const alone = (object: Record<string, unknown>, now: number | Date): boolean => {
    const key = `${String(object.id)}|${String(object.modified ?? object.created)}`;
    let bad = poisoned.get(key);
    if (bad === undefined) {
      try {
        project([object], agreement, recipient, projectOptions(now));
        bad = false;
      } catch {
        bad = true;
      }
      if (poisoned.size >= 100_000) poisoned.clear();
      poisoned.set(key, bad);
    }
    return bad;
  };
  /** The collection as the policy reads it; with `probe`, objects failing alone left out. */
  const reader = (
    source: ViewSourceCollection,
    now: number | Date,
    probe: boolean,
  ): CollectionReader => ({
    async *scan() {
      for await (const chunk of source.scan(COLLECTION_FACT_TYPES, maxSourceObjects))
        yield probe ? chunk.filter((item) => !alone(item.object, now)) : chunk;
    },
    async get(ids) {
      const items = await source.get(ids);
      return probe ? items.filter((item) => !alone(item.object, now)) : items;
    },
  });
  const prepare = (source: ViewSourceCollection, now: number | Date, probe: boolean) => {
    projectionStats.computed++;
    return prepareCollectionProjection(reader(source, now, probe), agreement, recipient, {
      ...projectOptions(now),
      maxPartObjects,
      ...(options.maxStateBytes !== undefined ? { maxStateBytes: options.maxStateBytes } : {}),
    });
  };

  /** Decides a page as a read does; with `audit`, the read is appended to the audit log. */
  const decidePage = async (
    objects: Record<string, unknown>[],
    context: ViewContext,
    audit: boolean,
  ): Promise<ViewPageDecision> => {
    let now = clock();
    const actor = `taxii:${context.apiRoot}/${context.collection}:${context.principal}`;
    const source = context.sourceCollection;
    if (!source) {
      // A host that cannot read the collection: decide against the page (still fail closed).
      // project() appends to a synchronous log itself; any other log (an AsyncAuditLog, or
      // a log from another copy of the package) gets the read's entry awaited below.
      const log = audit ? options.auditLog : undefined;
      const syncLog = log instanceof AuditLog ? log : undefined;
      const projection = project(objects, agreement, recipient, {
        ...projectOptions(now),
        actor,
        ...(syncLog ? { audit: syncLog } : {}),
      });
      const shared = projection.bundle.objects as Record<string, unknown>[];
      if (log && !syncLog) {
        await appendReadAudit(log, actor, now, objects, {
          objects: shared,
          decisions: projection.decisions,
        });
      }
      return { objects: shared, decisions: projection.decisions };
    }
    // The marker is read after the page and before the collection: a write in between leaves
    // data newer than the marker, so the next read sees another marker and prepares again
    // (never the reverse). A page reads the objects it references while it is projected, so
    // the marker is read again afterwards: a write meanwhile could make them newer than the
    // facts, and the page is decided again (three tries, then the read fails, fail closed).
    const readMarker = context.sourceMarker;
    let result: PartProjection | undefined;
    for (let attempt = 0; result === undefined; attempt++) {
      // The marker read after the request's previous page serves as this page's first read
      // (the check after this page catches any write since).
      const remembered = attempt === 0 ? markerAfterPage.get(context) : undefined;
      const marker = readMarker ? (remembered ?? (await readMarker())) : undefined;
      // A fixed clock keys the entry by its time; the default clock reuses the entry's stamp.
      const key =
        marker === undefined || maxAgeMs <= 0
          ? undefined
          : `${viewKey}\u0000${marker}\u0000${options.now ? new Date(now).getTime() : 'default'}`;
      let entry = key === undefined ? undefined : cachedProjection(key);
      if (entry && Date.now() - entry.madeAt >= maxAgeMs) {
        dropProjection(entry);
        entry = undefined;
      }
      if (entry) now = entry.now;
      else {
        entry = { key: key ?? '', prepared: prepare(source, now, false), now, madeAt: Date.now() };
        if (key !== undefined) cacheProjection(entry);
      }
      let part: PartProjection;
      try {
        part = await (await entry.prepared).project(objects);
      } catch (error) {
        // A failed preparation is not kept.
        dropProjection(entry);
        // Limits fail closed as they are. One object the projection cannot handle: decide
        // without it. A page object that is itself such an object fails this page (the
        // server then withholds it alone). Not cached: such a collection is decided afresh.
        if (error instanceof RangeError) throw error;
        if (objects.some((object) => alone(object, now))) throw error;
        part = await (await prepare(source, now, true)).project(objects);
      }
      const after = marker === undefined ? undefined : await readMarker!();
      if (after === marker) {
        result = part;
        if (after !== undefined) markerAfterPage.set(context, after);
      } else if (attempt >= 2) {
        throw new Error(
          `The source collection \`${options.source}\` changed while each of three attempts decided the page; the read is refused (fail closed).`,
        );
      }
    }
    if (audit && options.auditLog)
      await appendReadAudit(options.auditLog, actor, now, objects, result);
    return { objects: result.objects as Record<string, unknown>[], decisions: result.decisions };
  };

  return {
    source: options.source,
    project: async (objects, context) => (await decidePage(objects, context, true)).objects,
    preview: (objects, context) => decidePage(objects, context, false),
    ...(options.onRead ? { audit: options.onRead } : {}),
  };

  async function appendReadAudit(
    log: AuditLog | AsyncAuditLog,
    actor: string,
    now: number | Date,
    objects: Record<string, unknown>[],
    result: { objects: readonly unknown[]; decisions: Decision[] },
  ): Promise<void> {
    const counts = { share: 0, 'share-redacted': 0, withhold: 0 };
    for (const decision of result.decisions) counts[decision.action]++;
    await log.append({
      time: new Date(now).toISOString(),
      actor,
      recipient: recipient.identity,
      agreement: { id: agreement.agreement.id, version: agreement.agreement.version },
      inputHash: contentHash(objects),
      outputHash: contentHash(result.objects),
      counts,
      decisions: result.decisions.map((d) => [
        d.id,
        d.action,
        [
          ...new Set([
            ...d.reasons.filter((r) => r.effect !== 'allow').map((r) => r.rule),
            ...d.redactions.map((r) => r.rule),
          ]),
        ],
      ]),
    });
  }
}
