import type { PathStep } from './ast';

/** A plain JSON object as found in observed data. */
export type JsonObject = Record<string, unknown>;

/** Looks up a referenced SCO by its reference (an `objects` key or an SCO id). */
export type ReferenceResolver = (ref: string) => JsonObject | undefined;

const MAX_VALUES = 10_000;
/**
 * Most values visited for one path: references can point at each other, so `a_refs[*]`
 * repeated in a path could otherwise fan out without end over a few objects.
 */
const MAX_VISITS = 200_000;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Collects every value an object path reaches from a root SCO (STIX 2.1 §9.3 object
 * paths). `*_ref`/`*_refs` strings are followed through `resolve` when a property step
 * comes after them; `[*]` fans out; a final list yields its elements. Only own
 * properties are read, so `__proto__` or `constructor` in a path never reaches the
 * prototype chain. At most 10,000 values are collected and 200,000 visited.
 *
 * @param root - The SCO the path starts at (its `type` already checked by the caller).
 * @param steps - The path steps after the colon.
 * @param resolve - Reference lookup.
 * @returns The values, possibly empty.
 */
export function resolvePath(
  root: JsonObject,
  steps: readonly PathStep[],
  resolve: ReferenceResolver,
): unknown[] {
  const out: unknown[] = [];
  // An explicit stack of (value, next step) rather than recursion per step: a path may
  // have as many steps as the pattern text allows. Pushed in reverse so values come out
  // in document order.
  const values: unknown[] = [root];
  const at: number[] = [0];
  let visits = 0;
  while (values.length > 0 && out.length < MAX_VALUES && ++visits <= MAX_VISITS) {
    const value = values.pop();
    const i = at.pop()!;
    if (i === steps.length) {
      if (Array.isArray(value)) {
        for (const item of value) if (item !== null && item !== undefined) out.push(item);
      } else if (value !== null && value !== undefined) {
        out.push(value);
      }
      continue;
    }
    const step = steps[i]!;
    if (step.kind === 'index') {
      if (!Array.isArray(value)) continue;
      if (step.index === '*') {
        for (let k = value.length - 1; k >= 0; k--) {
          values.push(value[k]);
          at.push(i + 1);
        }
      } else if (step.index >= 0 && step.index < value.length) {
        values.push(value[step.index]);
        at.push(i + 1);
      }
      continue;
    }
    let current = value;
    // A reference (`dst_ref`, `resolves_to_refs[*]`) is followed when a property step comes next.
    if (typeof current === 'string') current = resolve(current);
    if (Array.isArray(current)) {
      for (let k = current.length - 1; k >= 0; k--) {
        const item = current[k];
        const target = typeof item === 'string' ? resolve(item) : item;
        if (isObject(target) && Object.hasOwn(target, step.name)) {
          values.push(target[step.name]);
          at.push(i + 1);
        }
      }
    } else if (isObject(current) && Object.hasOwn(current, step.name)) {
      values.push(current[step.name]);
      at.push(i + 1);
    }
  }
  if (out.length > MAX_VALUES) out.length = MAX_VALUES;
  return out;
}
