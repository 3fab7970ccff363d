/** One step of a granular-marking selector: a property name or a list index. */
export type SelectorSegment = string | number;

// Names that reach into prototypes are never followed (a selector using one fails closed).
const UNSAFE = new Set(['__proto__', 'constructor', 'prototype']);
const SEGMENT = /^(?:\[(\d{1,6})\]|([A-Za-z0-9_-]{1,250})(?:\[(\d{1,6})\])?)$/;

/**
 * Parses a STIX 2.1 granular-marking selector (§7.2.3.1): property names separated by
 * `.`, list items as `[n]` (`external_references.[1].url`). `a[1]` is read like `a.[1]`.
 * Returns `undefined` for anything else, which callers treat as fail-closed.
 */
export function parseSelector(selector: unknown): SelectorSegment[] | undefined {
  if (typeof selector !== 'string' || selector.length === 0 || selector.length > 1000)
    return undefined;
  const cached = selectorCache.get(selector);
  if (cached !== undefined) return cached === null ? undefined : [...cached];
  const parsed = parseSelectorText(selector);
  // Bounded: selectors come from input, so the cache must not grow without limit.
  if (selectorCache.size < 10_000) selectorCache.set(selector, parsed ?? null);
  return parsed === undefined ? undefined : [...parsed];
}

const selectorCache = new Map<string, readonly SelectorSegment[] | null>();

function parseSelectorText(selector: string): SelectorSegment[] | undefined {
  const out: SelectorSegment[] = [];
  for (const part of selector.split('.')) {
    const match = SEGMENT.exec(part);
    if (!match || UNSAFE.has(match[2] ?? '')) return undefined;
    if (match[1] !== undefined) out.push(Number(match[1]));
    else {
      out.push(match[2]!);
      if (match[3] !== undefined) out.push(Number(match[3]));
    }
  }
  return out;
}

/** Whether a selector points at something that exists in the object. */
export function selectorResolves(object: unknown, segments: readonly SelectorSegment[]): boolean {
  let node: unknown = object;
  for (const segment of segments) {
    if (typeof segment === 'number') {
      if (!Array.isArray(node) || segment >= node.length) return false;
      node = node[segment];
    } else {
      if (
        typeof node !== 'object' ||
        node === null ||
        Array.isArray(node) ||
        !Object.hasOwn(node, segment)
      )
        return false;
      node = (node as Record<string, unknown>)[segment];
    }
  }
  return true;
}

/** `['external_references', 1, 'url']` → `external_references[1].url`. */
export function segmentsToPath(segments: readonly SelectorSegment[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}

/** `external_references[1].url` → `['external_references', 1, 'url']` (the path form used by redactions). */
export function pathToSegments(path: string): SelectorSegment[] {
  const out: SelectorSegment[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]/g;
  for (let match = re.exec(path); match; match = re.exec(path)) {
    if (match[1] !== undefined) out.push(match[1]);
    else out.push(Number(match[2]));
  }
  return out;
}
