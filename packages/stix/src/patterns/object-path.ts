import type { PathStep } from './ast';

/** A plain JSON object as found in observed data. */
export type JsonObject = Record<string, unknown>;

/** Looks up a referenced SCO by its reference (an `objects` key or an SCO id). */
export type ReferenceResolver = (ref: string) => JsonObject | undefined;

const MAX_VALUES = 10_000;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Collects every value an object path reaches from a root SCO (STIX 2.1 §9.3 object
 * paths). `*_ref`/`*_refs` strings are followed through `resolve` when a property step
 * comes after them; `[*]` fans out; a final list yields its elements. Only own
 * properties are read, so `__proto__` or `constructor` in a path never reaches the
 * prototype chain. At most 10,000 values are collected.
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
  collect(root, steps, 0, resolve, out);
  return out;
}

function collect(
  value: unknown,
  steps: readonly PathStep[],
  i: number,
  resolve: ReferenceResolver,
  out: unknown[],
): void {
  if (out.length >= MAX_VALUES) return;
  if (i === steps.length) {
    if (Array.isArray(value)) {
      for (const item of value) if (item !== null && item !== undefined) out.push(item);
    } else if (value !== null && value !== undefined) {
      out.push(value);
    }
    return;
  }
  const step = steps[i]!;
  if (step.kind === 'index') {
    if (!Array.isArray(value)) return;
    if (step.index === '*') {
      for (const item of value) collect(item, steps, i + 1, resolve, out);
    } else if (step.index >= 0 && step.index < value.length) {
      collect(value[step.index], steps, i + 1, resolve, out);
    }
    return;
  }
  let current = value;
  // A reference (`dst_ref`, `resolves_to_refs[*]`) is followed when a property step comes next.
  if (typeof current === 'string') current = resolve(current);
  if (Array.isArray(current)) {
    for (const item of current) {
      const target = typeof item === 'string' ? resolve(item) : item;
      if (isObject(target) && Object.hasOwn(target, step.name)) {
        collect(target[step.name], steps, i + 1, resolve, out);
      }
    }
    return;
  }
  if (isObject(current) && Object.hasOwn(current, step.name)) {
    collect(current[step.name], steps, i + 1, resolve, out);
  }
}
