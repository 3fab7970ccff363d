import type { CollectionView, ViewContext } from '../config/server-config';

/**
 * An object withheld from a view because its projection alone fails, passed to the
 * server's `onError` so the operator can see which object and why (`cause`).
 *
 * @example
 * ```ts
 * import { ProjectionError } from '@intelshare/taxii-server';
 *
 * const onError = (error: unknown) => {
 *   if (error instanceof ProjectionError) console.warn('withheld', error.objectId, error.cause);
 * };
 * ```
 */
export class ProjectionError extends Error {
  override readonly name = 'ProjectionError';
  /** The `id` of the object that was withheld. */
  readonly objectId: string;

  constructor(objectId: string, cause: unknown) {
    super(`Projection of \`${objectId.slice(0, 300)}\` failed; the object was withheld.`, {
      cause,
    });
    this.objectId = objectId;
  }
}

/**
 * Projects a page through a view so that one object the projection cannot handle withholds
 * that object only, instead of failing the page for every reader of every partner view.
 *
 * When the page fails, each object is projected alone: the ones that fail alone are
 * withheld (fail closed: never sent unprojected) and reported through `report`, and the
 * others are projected again together, so references between them keep their context. If
 * every object fails alone and an empty page fails too, the projection itself is broken
 * (an audit log that cannot be written, say): the original error is thrown and the request
 * fails without moving any cursor.
 *
 * The probing projections run through the same view, so a policy audit log records them
 * too: on such a page it over-states what was shared (extra entries for objects also in the
 * final answer), never under-states it.
 */
export async function projectIsolated(
  view: CollectionView,
  objects: Record<string, unknown>[],
  context: ViewContext,
  report: (error: ProjectionError) => void,
): Promise<Record<string, unknown>[]> {
  try {
    return await view.project(objects, context);
  } catch (pageError) {
    const healthy: Record<string, unknown>[] = [];
    const poisoned: ProjectionError[] = [];
    for (const object of objects) {
      try {
        await view.project([object], context);
        healthy.push(object);
      } catch (error) {
        poisoned.push(new ProjectionError(String(object.id), error));
      }
    }
    if (poisoned.length === 0) throw pageError;
    if (healthy.length === 0) {
      try {
        await view.project([], context);
      } catch {
        throw pageError;
      }
    }
    for (const error of poisoned) report(error);
    return healthy.length === 0 ? [] : await view.project(healthy, context);
  }
}
