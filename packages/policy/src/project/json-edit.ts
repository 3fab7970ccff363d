import type { SelectorSegment } from '../markings/granular';

/** Deeper than any STIX object; input nested further is refused rather than risking the stack. */
export const MAX_DEPTH = 100;

/** Thrown when input is nested deeper than {@link MAX_DEPTH}. */
export class DepthError extends Error {}

/** A deep copy of JSON data (faster than `structuredClone` for plain JSON). */
export function cloneJson<T>(value: T, depth = 0): T {
  if (typeof value !== 'object' || value === null) return value;
  if (depth > MAX_DEPTH) throw new DepthError('nested too deeply');
  if (Array.isArray(value)) return value.map((item) => cloneJson(item, depth + 1)) as T;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value as object)) {
    const item = cloneJson((value as Record<string, unknown>)[key], depth + 1);
    // JSON.parse makes `__proto__` an own key; plain assignment would set the prototype.
    if (key === '__proto__') {
      Object.defineProperty(out, key, {
        value: item,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else out[key] = item;
  }
  return out as T;
}

/** Sorts removal paths so that removing one never shifts another: deeper and later items first. */
export function compareRemovals(
  a: readonly SelectorSegment[],
  b: readonly SelectorSegment[],
): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return y - x;
    return String(x) < String(y) ? -1 : 1;
  }
  return b.length - a.length;
}

/**
 * Removes the node at a path. A list left empty is removed too (STIX lists, when present,
 * must not be empty). Returns the path actually removed, or `undefined`.
 */
export function removeAt(
  root: Record<string, unknown>,
  path: readonly SelectorSegment[],
): readonly SelectorSegment[] | undefined {
  if (path.length === 0) return undefined;
  const parents: unknown[] = [root];
  let node: unknown = root;
  for (let i = 0; i < path.length - 1; i++) {
    const segment = path[i]!;
    node =
      typeof segment === 'number'
        ? Array.isArray(node)
          ? node[segment]
          : undefined
        : isRecord(node)
          ? node[segment]
          : undefined;
    if (node === undefined) return undefined;
    parents.push(node);
  }
  const last = path[path.length - 1]!;
  const parent = parents[parents.length - 1];
  if (typeof last === 'number') {
    if (!Array.isArray(parent) || last >= parent.length) return undefined;
    parent.splice(last, 1);
    if (parent.length === 0 && path.length >= 2) return removeAt(root, path.slice(0, -1)) ?? path;
    return path;
  }
  if (!isRecord(parent) || !Object.hasOwn(parent, last)) return undefined;
  delete parent[last];
  return path;
}

/**
 * Keeps a granular-marking selector in step with a removal: `undefined` when the selector
 * pointed into what was removed, a shifted selector when an earlier list item went.
 */
export function adjustSelector(
  selector: readonly SelectorSegment[],
  removed: readonly SelectorSegment[],
): SelectorSegment[] | undefined {
  const n = removed.length;
  let prefix = selector.length >= n;
  for (let i = 0; prefix && i < n; i++) if (selector[i] !== removed[i]) prefix = false;
  if (prefix) return undefined;
  const last = removed[n - 1];
  if (typeof last === 'number' && selector.length >= n) {
    for (let i = 0; i < n - 1; i++) if (selector[i] !== removed[i]) return [...selector];
    const at = selector[n - 1];
    if (typeof at === 'number' && at > last) {
      const out = [...selector];
      out[n - 1] = at - 1;
      return out;
    }
  }
  return [...selector];
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
