import type { StixLikeObject } from './official-markings';
import { type CustomMarkingRule, type ResolvedMarking, resolveMarking } from './resolve-marking';

/** Resolves marking references with a cache: one map lookup per reference after the first. */
export class MarkingResolver {
  readonly #cache = new Map<string, ResolvedMarking>();
  readonly #definitions: ReadonlyMap<string, StixLikeObject>;
  readonly #custom: ReadonlyMap<string, CustomMarkingRule>;
  readonly #hidden: ReadonlyMap<string, string> | undefined;

  /**
   * @param hidden - Marking definitions the recipient may not see, with why: a reference to
   *   one resolves as `unknown`, so the object it marks is withheld and a field it marks removed.
   */
  constructor(
    definitions: ReadonlyMap<string, StixLikeObject>,
    custom: ReadonlyMap<string, CustomMarkingRule>,
    hidden?: ReadonlyMap<string, string>,
  ) {
    this.#definitions = definitions;
    this.#custom = custom;
    this.#hidden = hidden;
  }

  resolve(id: unknown): ResolvedMarking {
    if (typeof id === 'string') {
      const hit = this.#cache.get(id);
      if (hit) return hit;
      const why = this.#hidden?.get(id);
      if (why !== undefined) {
        const hidden: ResolvedMarking = { kind: 'unknown', id, name: id, why };
        this.#cache.set(id, hidden);
        return hidden;
      }
      const resolved = resolveMarking(id, this.#definitions, this.#custom);
      this.#cache.set(id, resolved);
      return resolved;
    }
    return resolveMarking(id, this.#definitions, this.#custom);
  }

  definition(id: string): StixLikeObject | undefined {
    return this.#definitions.get(id);
  }
}

/** Builds the definitions map from marking-definition objects (bundle first, then registry). */
export function definitionsMap(
  ...sources: (Iterable<unknown> | undefined)[]
): Map<string, StixLikeObject> {
  const map = new Map<string, StixLikeObject>();
  for (const source of sources) {
    if (!source) continue;
    for (const item of source) {
      if (
        typeof item === 'object' &&
        item !== null &&
        (item as StixLikeObject).type === 'marking-definition' &&
        typeof (item as StixLikeObject).id === 'string' &&
        !map.has((item as StixLikeObject).id)
      ) {
        map.set((item as StixLikeObject).id, item as StixLikeObject);
      }
    }
  }
  return map;
}
