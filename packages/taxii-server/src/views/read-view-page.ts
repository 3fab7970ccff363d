import type { CollectionView, ViewContext } from '../config/server-config';
import type { Page, PageItem } from '../handler/page';
import type { ObjectQuery, TaxiiStorage } from '../storage/taxii-storage';
import { type ProjectionError, projectIsolated } from './project-isolated';
import { storageSourceCollection } from './storage-source-collection';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** What reading a view's page needs from the server. */
export interface ViewPageDeps {
  storage: TaxiiStorage;
  now: () => number;
  onError: (error: ProjectionError) => void;
}

/**
 * One page of a policy view: source pages are read and projected (each decided against the
 * whole source collection, read through `storageSourceCollection`), and reading goes on (bounded) while
 * the page is less than half full, so partners rarely get empty pages.
 */
export async function readViewPage(
  view: CollectionView,
  query: ObjectQuery,
  context: ViewContext,
  deps: ViewPageDeps,
): Promise<Page> {
  const items: PageItem[] = [];
  let after = query.after;
  let more = true;
  let first: number | undefined;
  const viewContext: ViewContext = {
    ...context,
    sourceCollection: storageSourceCollection(deps.storage, view.source),
    ...(deps.storage.changeMarker
      ? { sourceMarker: () => deps.storage.changeMarker!(view.source) }
      : {}),
  };
  // Read ahead while the page is less than half full: each round is a projection of its
  // own, and TAXII 2.1 lets a server return fewer objects than `limit`.
  const enough = Math.ceil(query.limit / 2);
  for (let round = 0; round < 8 && more && items.length < enough; round++) {
    const page = await deps.storage.queryObjects(view.source, {
      ...query,
      after,
      limit: query.limit - items.length,
    });
    more = page.more;
    if (page.objects.length === 0) break;
    first ??= page.objects[0]!.added;
    after = page.objects.at(-1)!.added;
    const addedById = new Map(page.objects.map((o) => [o.id, o.added]));
    const source = page.objects.map(
      (o) => JSON.parse(decoder.decode(o.body)) as Record<string, unknown>,
    );
    const projected = await projectIsolated(view, source, viewContext, (error) =>
      deps.onError(error),
    );
    for (const object of projected) {
      const id = typeof object.id === 'string' ? object.id : '';
      const version =
        typeof object.modified === 'string'
          ? object.modified
          : typeof object.created === 'string'
            ? object.created
            : null;
      items.push({
        id,
        added: addedById.get(id) ?? after,
        version,
        body: encoder.encode(JSON.stringify(object)),
      });
    }
    if (view.audit) {
      await view.audit({
        ...context,
        at: new Date(deps.now()).toISOString(),
        considered: page.objects.map((o) => o.id),
        shared: projected.map((o) => String(o.id)),
      });
    }
  }
  return { items, more, last: after, first: items.length > 0 ? first : undefined };
}
