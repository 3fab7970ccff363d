import type { StixObject } from '../stix/stix-object';
import type { ObjectsOptions, TaxiiCursor } from './object-stream';
import type { TaxiiClient } from './taxii-client';

/** Options of {@link pollTaxii}. */
export interface PollTaxiiOptions extends Omit<ObjectsOptions, 'onCursor'> {
  /** Receives each page of new objects; the cursor advances only after it resolves. */
  onPage: (objects: StixObject[], cursor: TaxiiCursor) => void | Promise<void>;
}

/**
 * Runs one incremental poll of a TAXII collection: hands each page of new objects to
 * `onPage` and returns the cursor to pass next time. If `onPage` throws, the returned
 * promise rejects and the last cursor seen by `onPage` is still safe to resume from.
 *
 * @param client - The TAXII client.
 * @param apiRootUrl - The API root.
 * @param collectionId - The collection.
 * @param options - `cursor` from the previous poll, page size, filters and the page handler.
 * @returns The new cursor and how many objects were delivered.
 *
 * @example
 * ```ts
 * import { TaxiiClient, pollTaxii, type TaxiiCursor } from '@intelshare/feeds';
 *
 * const client = new TaxiiClient({ url: 'https://taxii.example.org/' });
 * let cursor: TaxiiCursor | undefined;
 * const result = await pollTaxii(client, 'api1/', 'indicators', {
 *   limit: 500,
 *   ...(cursor ? { cursor } : {}),
 *   onPage: async (objects) => console.log(objects.length),
 * });
 * cursor = result.cursor;
 * ```
 */
export async function pollTaxii(
  client: TaxiiClient,
  apiRootUrl: string,
  collectionId: string,
  options: PollTaxiiOptions,
): Promise<{ cursor: TaxiiCursor; objects: number }> {
  const { onPage, ...rest } = options;
  const stream = client.objects(apiRootUrl, collectionId, rest);
  let delivered = 0;
  for await (const page of stream.pages()) {
    // `stream.cursor` here is the state before this page: resuming from it re-reads the page.
    await onPage(page, stream.cursor);
    delivered += page.length;
  }
  return { cursor: stream.cursor, objects: delivered };
}
