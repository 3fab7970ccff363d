import type { CollectionView, ViewContext } from '../config/server-config';
import type { Page, PageItem } from '../handler/page';
import type { ObjectQuery, TaxiiStorage } from '../storage/taxii-storage';
import { type ProjectionError, projectIsolated } from './project-isolated';

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
 * whole source collection, see `projectInCollection`), and reading goes on (bounded) while
 * the projection withholds everything, so partners rarely get empty pages.
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
    sourceObjects: memoise((max) => latestSourceObjects(deps.storage, view.source, max)),
    ...(deps.storage.changeMarker
      ? { sourceMarker: () => deps.storage.changeMarker!(view.source) }
      : {}),
  };
  for (let round = 0; round < 8 && more && items.length < query.limit; round++) {
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

/** The latest version of every object of a source collection, in `added` order (at most `max`). */
async function latestSourceObjects(
  storage: TaxiiStorage,
  source: string,
  max: number,
): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let after = 0;
  for (;;) {
    const page = await storage.queryObjects(source, {
      after,
      versions: { all: false, first: false, last: true, keys: [] },
      limit: 1000,
    });
    if (out.length + page.objects.length > max) {
      throw new RangeError(
        `The view's source collection \`${source}\` holds more than ${max} objects; a projection decided against it is refused (fail closed).`,
      );
    }
    for (const object of page.objects)
      out.push(JSON.parse(decoder.decode(object.body)) as Record<string, unknown>);
    if (!page.more || page.objects.length === 0) return out;
    after = page.objects.at(-1)!.added;
  }
}

/** One call's promise shared by every later call (per request, so no staleness across requests). */
function memoise<T>(load: (max: number) => Promise<T>): (max: number) => Promise<T> {
  let loaded: { max: number; value: Promise<T> } | undefined;
  return (max) => {
    if (loaded === undefined || loaded.max !== max) loaded = { max, value: load(max) };
    return loaded.value;
  };
}
