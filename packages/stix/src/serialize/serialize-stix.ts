import type { Bundle, StixObject } from '../model/schemas';

/** Options of {@link serializeStix}. */
export interface SerializeStixOptions {
  /** Indentation passed to `JSON.stringify` (default none). */
  space?: number | string;
  /** The id of the bundle to wrap a list of objects in (default: a new random id). */
  bundleId?: string;
}

/**
 * Serialises STIX objects (wrapped in a new bundle) or a bundle to JSON text. Property
 * order, custom content and timestamps are written exactly as held, so what
 * `parseStix` read round-trips unchanged (timestamps are strings and never re-formatted).
 *
 * @param input - A list of objects or a bundle.
 * @param options - `space` for pretty printing, `bundleId` to reuse an id.
 * @returns JSON text of a STIX 2.1 bundle.
 * @throws {TypeError} When `input` is neither a list nor a bundle.
 *
 * @example
 * ```ts
 * import { parseStix, serializeStix } from '@intelshare/stix';
 *
 * const { objects } = parseStix('[]');
 * const json = serializeStix(objects, { bundleId: 'bundle--6f1e8c2a-4d3b-4a51-9c2e-1f0a9b8c7d6e' });
 * ```
 * @see /stix/modelling/
 */
export function serializeStix(
  input: readonly StixObject[] | Bundle,
  options: SerializeStixOptions = {},
): string {
  let bundle: unknown;
  if (Array.isArray(input)) {
    bundle = {
      type: 'bundle',
      id: options.bundleId ?? `bundle--${crypto.randomUUID()}`,
      objects: input,
    };
  } else if (typeof input === 'object' && input !== null && (input as Bundle).type === 'bundle') {
    bundle = input;
  } else {
    throw new TypeError('`input` must be a list of STIX objects or a bundle.');
  }
  return JSON.stringify(bundle, null, options.space);
}
