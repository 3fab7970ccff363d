import { isPlainObject } from '../model/props';
import type { ValidationContext } from './context';

/**
 * STIX 2.1 §7.2.3.1: every granular-marking selector must select a property present in
 * the object, e.g. `description`, `indicator_types.[1]` or `external_references.[0].url`.
 */
export function checkSelectors(
  object: Record<string, unknown>,
  ctx: ValidationContext,
  path: string,
): void {
  const markings = object.granular_markings;
  if (!Array.isArray(markings)) return;
  for (let i = 0; i < markings.length; i++) {
    const marking = markings[i];
    if (!isPlainObject(marking) || !Array.isArray(marking.selectors)) continue;
    const selectors = marking.selectors;
    for (let j = 0; j < selectors.length; j++) {
      const selector = selectors[j];
      if (typeof selector !== 'string') continue;
      if (!resolves(object, selector)) {
        const at = `${path === '' ? '' : `${path}.`}granular_markings[${i}].selectors`;
        ctx.fail(
          'INVALID_SELECTOR',
          at,
          j,
          `Selector \`${selector.slice(0, 80)}\` does not select a property of this object.`,
        );
      }
    }
  }
}

function resolves(object: Record<string, unknown>, selector: string): boolean {
  let current: unknown = object;
  for (const step of selector.split('.')) {
    if (step.startsWith('[') && step.endsWith(']')) {
      const index = Number(step.slice(1, -1));
      if (
        !Array.isArray(current) ||
        !Number.isInteger(index) ||
        index < 0 ||
        index >= current.length
      )
        return false;
      current = current[index];
    } else {
      if (!isPlainObject(current) || !Object.hasOwn(current, step)) return false;
      current = current[step];
    }
  }
  return true;
}
