import type { StixObjectBase, StixType, StixTypeMap } from './schemas';

/**
 * Narrows a generic STIX object to the typed object of one type.
 *
 * @param object - Any STIX object.
 * @param type - The type to test for.
 * @returns Whether `object.type === type`, as a type guard.
 *
 * @example
 * ```ts
 * import { isStixType, parseStix } from '@intelshare/stix';
 *
 * for (const object of parseStix('[]').objects) {
 *   if (isStixType(object, 'indicator')) console.log(object.pattern);
 * }
 * ```
 */
export function isStixType<T extends StixType>(
  object: StixObjectBase,
  type: T,
): object is StixObjectBase & StixTypeMap[T] {
  return object.type === type;
}
