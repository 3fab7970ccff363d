// The Partners page's share preview: one page of what a partner would receive now, with
// every decision and its reasons. It reads the hub's collection the way the partner's TAXII
// view does (`storageSourceCollection`) and projects each page with the same
// `prepareCollectionProjection` over the whole collection, so what a partner pulls equals
// what the preview showed, object by object, whatever the collection's size. Paged by
// keyset (the `added` of the last object shown); never recorded in the audit log.
import {
  COLLECTION_FACT_TYPES,
  type CollectionProjection,
  type CompiledAgreement,
  type Decision,
  prepareCollectionProjection,
  type Recipient,
} from '@intelshare/policy';
import { storageSourceCollection, type TaxiiStorage } from '@intelshare/taxii-server';

/** One page of what a partner would receive now, and why. */
export interface SharePreview {
  /** What the partner receives for this page: projected copies, marking definitions, replacements. */
  objects: Record<string, unknown>[];
  /** The decision for each source object of the page, in collection order. */
  decisions: Decision[];
  /** Source objects on this page. */
  considered: number;
  /** Where the next page starts (`after`), when there is one. */
  next?: number;
  /** Whether the collection holds more objects after this page. */
  more: boolean;
}

/** Which page of the preview. */
export interface SharePreviewRequest {
  /** Only objects added after this cursor (a previous page's `next`); default: the start. */
  after?: number;
  /** Source objects per page (1–1,000, default 100). */
  limit?: number;
}

/** Who the preview is for. */
export interface PreviewPartner {
  id: string;
  agreement: CompiledAgreement;
  recipient: Recipient;
}

const MAX_LIMIT = 1000;
/** Prepared projections kept (facts of the collection, not its objects), per partner. */
const CACHE_ENTRIES = 4;
/** A prepared projection is reused for at most this long, so "now" stays now. */
const MAX_AGE_MS = 60_000;
/** Most objects of the collection a preview is decided against. */
const MAX_SOURCE_OBJECTS = 10_000_000;

interface Prepared {
  key: string;
  projection: Promise<CollectionProjection>;
  madeAt: number;
}

/** Share previews of one hub collection, for any partner. */
export class SharePreviews {
  readonly #storage: TaxiiStorage;
  readonly #source: string;
  readonly #pseudonymKeys: Record<string, string>;
  readonly #cache: Prepared[] = [];
  readonly #clock: () => number;

  /**
   * @param clock - The time previews are decided at (default `Date.now`); the partner's view
   * with the same clock sends the same bytes.
   */
  constructor(
    storage: TaxiiStorage,
    source: string,
    pseudonymKeys: Record<string, string>,
    clock: () => number = Date.now,
  ) {
    this.#storage = storage;
    this.#source = source;
    this.#pseudonymKeys = pseudonymKeys;
    this.#clock = clock;
  }

  /** One page of what `partner` would receive now. Not audited: a preview is not a share. */
  async preview(partner: PreviewPartner, request: SharePreviewRequest = {}): Promise<SharePreview> {
    const limit = Math.min(MAX_LIMIT, Math.max(1, Math.trunc(request.limit ?? 100) || 100));
    const after = Math.max(0, Math.trunc(request.after ?? 0) || 0);
    const readMarker = this.#storage.changeMarker?.bind(this.#storage);
    // As the TAXII view does: the marker is read around the page and its projection (which
    // reads what the page references); a write in between decides the page again.
    for (let attempt = 0; ; attempt++) {
      const marker = readMarker ? await readMarker(this.#source) : undefined;
      const projection = await this.#prepared(partner, marker);
      const page = await this.#storage.queryObjects(this.#source, {
        after,
        versions: { all: false, first: false, last: true, keys: [] },
        limit,
      });
      const decoder = new TextDecoder();
      const objects = page.objects.map(
        (object) => JSON.parse(decoder.decode(object.body)) as Record<string, unknown>,
      );
      const part = await projection.project(objects);
      if (marker !== undefined && (await readMarker!(this.#source)) !== marker) {
        if (attempt < 2) continue;
        throw new Error('The hub collection kept changing while the preview was made; try again.');
      }
      const last = page.objects.at(-1);
      return {
        objects: part.objects as Record<string, unknown>[],
        decisions: part.decisions,
        considered: objects.length,
        ...(page.more && last ? { next: last.added } : {}),
        more: page.more,
      };
    }
  }

  #prepared(partner: PreviewPartner, marker: string | undefined): Promise<CollectionProjection> {
    const now = this.#clock();
    // A clock other than `Date.now` keys the entry by its time, as the TAXII view does.
    const key = `${partner.id}\u0000${marker ?? ''}\u0000${this.#clock === Date.now ? '' : now}`;
    const index = this.#cache.findIndex((entry) => entry.key === key);
    if (
      marker !== undefined &&
      index !== -1 &&
      Date.now() - this.#cache[index]!.madeAt < MAX_AGE_MS
    ) {
      const [entry] = this.#cache.splice(index, 1);
      this.#cache.push(entry!);
      return entry!.projection;
    }
    if (index !== -1) this.#cache.splice(index, 1);
    const collection = storageSourceCollection(this.#storage, this.#source);
    const entry: Prepared = {
      key,
      madeAt: Date.now(),
      projection: prepareCollectionProjection(
        {
          scan: () => collection.scan(COLLECTION_FACT_TYPES, MAX_SOURCE_OBJECTS),
          get: (ids) => collection.get(ids),
        },
        partner.agreement,
        partner.recipient,
        { now, pseudonymKeys: this.#pseudonymKeys },
      ),
    };
    entry.projection.catch(() => {
      const at = this.#cache.indexOf(entry);
      if (at !== -1) this.#cache.splice(at, 1);
    });
    if (marker !== undefined) {
      this.#cache.push(entry);
      while (this.#cache.length > CACHE_ENTRIES) this.#cache.shift();
    }
    return entry.projection;
  }
}
