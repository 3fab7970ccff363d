import type {
  CollectionView,
  ViewContext,
  ViewSourceCollection,
  ViewSourceItem,
} from '../config/server-config';
import type { Page, PageItem } from '../handler/page';
import type { ObjectQuery, StoredObject, TaxiiStorage } from '../storage/taxii-storage';
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
 * whole source collection, read through `sourceCollection`), and reading goes on (bounded) while
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
    sourceCollection: sourceCollection(deps.storage, view.source),
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

const SCAN_CHUNK = 1000;
/** Ids per `get` query (bound values stay well under SQLite's and Postgres's limits). */
const GET_CHUNK = 500;

/**
 * A view's source collection read through the storage: the latest version of each object,
 * `added` as its order. Only what is asked for is parsed; nothing is held between calls.
 */
export function sourceCollection(storage: TaxiiStorage, source: string): ViewSourceCollection {
  const parse = (object: StoredObject): ViewSourceItem => ({
    object: JSON.parse(decoder.decode(object.body)) as Record<string, unknown>,
    order: object.added,
  });
  return {
    async *scan(types, max) {
      const wanted = types === undefined ? undefined : new Set(types);
      let after = 0;
      let seen = 0;
      for (;;) {
        const page = await storage.queryObjects(source, {
          after,
          versions: { all: false, first: false, last: true, keys: [] },
          limit: SCAN_CHUNK,
        });
        seen += page.objects.length;
        if (seen > max) {
          throw new RangeError(
            `The view's source collection \`${source}\` holds more than ${max} objects; a projection decided against it is refused (fail closed).`,
          );
        }
        const chunk: ViewSourceItem[] = [];
        for (const object of page.objects)
          if (wanted === undefined || wanted.has(object.type)) chunk.push(parse(object));
        if (chunk.length > 0) yield chunk;
        if (!page.more || page.objects.length === 0) return;
        after = page.objects.at(-1)!.added;
      }
    },
    async get(ids) {
      const out: ViewSourceItem[] = [];
      for (let i = 0; i < ids.length; i += GET_CHUNK) {
        const batch = ids.slice(i, i + GET_CHUNK);
        let after = 0;
        for (;;) {
          const page = await storage.queryObjects(source, {
            after,
            ids: batch,
            versions: { all: false, first: false, last: true, keys: [] },
            limit: batch.length,
          });
          for (const object of page.objects) out.push(parse(object));
          if (!page.more || page.objects.length === 0) break;
          after = page.objects.at(-1)!.added;
        }
      }
      return out;
    },
  };
}
