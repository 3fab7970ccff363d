import type { ViewSourceCollection, ViewSourceItem } from '../config/server-config';
import type { StoredObject, TaxiiStorage } from '../storage/taxii-storage';

const decoder = new TextDecoder();
const SCAN_CHUNK = 1000;
/** Ids per `get` query (bound values stay well under SQLite's and Postgres's limits). */
const GET_CHUNK = 500;

/**
 * A storage collection read as a view's source: the latest version of each object, its
 * `added` as its order. `scan` pages through the collection in `added` order, reading only
 * the types asked for; `get` reads objects by id. Nothing is held between calls. It is
 * what policy views decide against, and what a preview of a view (see the sharing hub)
 * reads to give the same answers.
 *
 * @param storage - The server's storage.
 * @param source - The storage collection.
 * @returns The collection reader.
 * @example
 * ```ts
 * import { MemoryStorage, storageSourceCollection } from '@intelshare/taxii-server';
 *
 * const collection = storageSourceCollection(new MemoryStorage(), 'internal');
 * for await (const chunk of collection.scan(['identity'], 1_000_000)) console.log(chunk.length);
 * const [latest] = await collection.get(['identity--8ce3f695-d5a4-4dc8-9e93-a65af453a31a']);
 * ```
 */
export function storageSourceCollection(
  storage: TaxiiStorage,
  source: string,
): ViewSourceCollection {
  const parse = (object: StoredObject): ViewSourceItem => ({
    object: JSON.parse(decoder.decode(object.body)) as Record<string, unknown>,
    order: object.added,
  });
  return {
    async *scan(types, max) {
      let after = 0;
      let seen = 0;
      for (;;) {
        const page = await storage.queryObjects(source, {
          after,
          versions: { all: false, first: false, last: true, keys: [] },
          limit: SCAN_CHUNK,
          ...(types === undefined ? {} : { types }),
        });
        seen += page.objects.length;
        if (seen > max) {
          throw new RangeError(
            `The view's source collection \`${source}\` holds more than ${max} objects${types === undefined ? '' : ' of the types a projection reads for its facts'}; a projection decided against it is refused (fail closed).`,
          );
        }
        if (page.objects.length > 0) yield page.objects.map(parse);
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
