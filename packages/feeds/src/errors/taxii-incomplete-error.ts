import type { TaxiiCursor } from '../taxii/object-stream';
import { FeedValidationError } from './feed-validation-error';

/**
 * Why a TAXII pull could not reach the end of a collection:
 * - `loop`: several pages in a row brought nothing new (the same page served forever,
 *   or a chain that points back at pages already read);
 * - `no-continuation`: the server said `more: true` but gave neither `next` nor
 *   `X-TAXII-Date-Added-Last`, so the rest cannot be asked for (TAXII 2.1 §3.4);
 * - `stuck`: paging by `added_after` cannot move past a `date_added` shared by more
 *   objects than the server puts in one page, even after asking for bigger pages;
 * - `cursor-rejected`: the server no longer accepts the `next` token and there is no
 *   `added_after` to continue from without repeating objects already delivered.
 */
export type TaxiiIncompleteReason = 'loop' | 'no-continuation' | 'stuck' | 'cursor-rejected';

/**
 * A TAXII pull ended before the end of the collection. Everything delivered before it is
 * exact (each version once); `cursor` is the state after the last page the consumer took,
 * so passing it back as `cursor` continues from there — a pull that stops early never
 * looks like a finished one. `code` is `TAXII_INCOMPLETE`.
 *
 * @example
 * ```ts
 * import { TaxiiClient, TaxiiIncompleteError } from '@intelshare/feeds';
 *
 * const client = new TaxiiClient({ url: 'https://taxii.example.org/' });
 * try {
 *   for await (const object of client.objects('api1/', 'c1')) console.log(object.id);
 * } catch (error) {
 *   if (error instanceof TaxiiIncompleteError) {
 *     console.log(error.reason, error.cursor.objects); // store error.cursor to resume later
 *   }
 * }
 * ```
 */
export class TaxiiIncompleteError extends FeedValidationError {
  /** What stopped the pull. */
  readonly reason: TaxiiIncompleteReason;
  /** The objects endpoint (credentials stripped). */
  readonly url: string;
  /** Resume state after the last page consumed: pass it back as `cursor` to continue. */
  readonly cursor: TaxiiCursor;

  constructor(reason: TaxiiIncompleteReason, url: string, detail: string, cursor: TaxiiCursor) {
    super(
      'TAXII_INCOMPLETE',
      `${url}: the pull stopped before the end of the collection after ${cursor.pages} page${cursor.pages === 1 ? '' : 's'} and ${cursor.objects} object${cursor.objects === 1 ? '' : 's'}: ${detail} Resume with the error's \`cursor\`, which continues after the last page delivered.`,
    );
    this.name = 'TaxiiIncompleteError';
    this.reason = reason;
    this.url = url;
    this.cursor = cursor;
  }
}
