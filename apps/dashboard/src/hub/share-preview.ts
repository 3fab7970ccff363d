// The Partners page's share preview: one page of what a partner would receive now, with
// every decision and its reasons. Each page is decided by the partner's `policyView` through
// its `preview`, which is a read in everything but the audit log: the same collection facts,
// cache, clock and change checks as the partner's TAXII pulls, so what a partner pulls
// equals what the preview showed, object by object, whatever the collection's size. Paged
// by keyset (the `added` of the last object shown); never recorded in the audit log.
import type { CompiledAgreement, Decision, Recipient } from '@intelshare/policy';
import {
  type PolicyCollectionView,
  policyView,
  storageSourceCollection,
  type TaxiiStorage,
  type ViewContext,
} from '@intelshare/taxii-server';

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

/** Share previews of one hub collection, for any partner. */
export class SharePreviews {
  readonly #storage: TaxiiStorage;
  readonly #source: string;
  readonly #pseudonymKeys: Record<string, string>;
  readonly #clock: (() => number) | undefined;
  /** One view per partner (its agreement and recipient fixed at creation). */
  readonly #views = new WeakMap<PreviewPartner, PolicyCollectionView>();

  /**
   * @param clock - The time previews are decided at (default `Date.now`); the partner's view
   * with the same clock sends the same bytes.
   */
  constructor(
    storage: TaxiiStorage,
    source: string,
    pseudonymKeys: Record<string, string>,
    clock?: () => number,
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
    const storage = this.#storage;
    const source = this.#source;
    // What the TAXII handler gives a view on a read (see `read-view-page`).
    const context: ViewContext = {
      principal: `preview:${partner.id}`,
      apiRoot: 'hub',
      collection: source,
      sourceCollection: storageSourceCollection(storage, source),
      ...(storage.changeMarker ? { sourceMarker: () => storage.changeMarker!(source) } : {}),
    };
    const page = await storage.queryObjects(source, {
      after,
      versions: { all: false, first: false, last: true, keys: [] },
      limit,
    });
    const decoder = new TextDecoder();
    const objects = page.objects.map(
      (object) => JSON.parse(decoder.decode(object.body)) as Record<string, unknown>,
    );
    const decided = await this.#view(partner).preview(objects, context);
    const last = page.objects.at(-1);
    return {
      objects: decided.objects,
      decisions: decided.decisions,
      considered: objects.length,
      ...(page.more && last ? { next: last.added } : {}),
      more: page.more,
    };
  }

  #view(partner: PreviewPartner): PolicyCollectionView {
    let view = this.#views.get(partner);
    if (!view) {
      view = policyView({
        source: this.#source,
        agreement: partner.agreement,
        recipient: partner.recipient,
        pseudonymKeys: this.#pseudonymKeys,
        ...(this.#clock ? { now: this.#clock } : {}),
      });
      this.#views.set(partner, view);
    }
    return view;
  }
}
