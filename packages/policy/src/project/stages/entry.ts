// One input object on its way through a projection, and the copy-on-write edits the
// stages make to it (the input is never modified).
import type { Decision, Reason, Redaction } from '../../evaluate/decision';
import type { SelectorSegment } from '../../markings/granular';
import { DepthError, isRecord, MAX_DEPTH, removeAt } from '../json-edit';

/** One object kept by the select stage, with what later stages did to it. */
export interface Entry {
  index: number;
  original: Record<string, unknown>;
  object: Record<string, unknown>;
  decision: Decision;
  extraRedactions: Redaction[];
  extraReasons: Reason[];
  removed: (readonly SelectorSegment[])[];
  cloned: boolean;
  /** Containers already copied for this entry (copy-on-write). */
  copied?: Set<unknown>;
  changed: boolean;
  withheld: boolean;
  derived: boolean;
  derivedId?: string;
  refs?: string[];
  replacement: boolean;
  /** Removals already reflected in the granular-marking selectors (see the mark stage). */
  adjusted: number;
  /** The mark stage has versioned the object. */
  finalised: boolean;
  /** For a `language-content`: the entry of the object it translates (see the derive stage). */
  translates?: Entry;
}

/** A new entry for an object the select stage keeps. */
export function newEntry(
  index: number,
  original: Record<string, unknown>,
  decision: Decision,
): Entry {
  return {
    index,
    original,
    object: original,
    decision,
    extraRedactions: [],
    extraReasons: [],
    removed: [],
    cloned: false,
    changed: false,
    withheld: false,
    derived: false,
    replacement: false,
    adjusted: 0,
    finalised: false,
  };
}

/** Withholds an entry with a reason (a later stage found it cannot be shared). */
export function withholdEntry(entry: Entry, reason: Reason): void {
  entry.withheld = true;
  entry.extraReasons.push(reason);
}

/** Runs `work`; input nested deeper than any STIX object withholds the entry instead of overflowing the stack. */
export function guardDepth(entry: Entry, work: () => void): boolean {
  try {
    work();
    return true;
  } catch (error) {
    if (!(error instanceof DepthError)) throw error;
    entry.withheld = true;
    entry.extraReasons.push({
      rule: 'malformed',
      effect: 'deny',
      clause: 'object',
      message: `The object is nested more than ${MAX_DEPTH} levels deep, so it is withheld.`,
    });
    return false;
  }
}

export function ensureClone(entry: Entry): void {
  // Copy-on-write: a shallow copy of the object now, nested containers only when a path
  // into them is edited (see `writablePath`). The input is never modified.
  if (!entry.cloned) {
    entry.object = { ...entry.original };
    entry.cloned = true;
    entry.copied = new Set();
  }
}

/**
 * `removeAt` on the entry's cloned object. A top-level property is removed by rebuilding
 * the clone without it (same key order) rather than with `delete`, which would leave the
 * object in V8's slow dictionary mode: slower to serialise and to collect.
 */
export function removeFrom(
  entry: Entry,
  path: readonly SelectorSegment[],
): readonly SelectorSegment[] | undefined {
  const key = path[0];
  const object = entry.object;
  if (
    path.length !== 1 ||
    typeof key !== 'string' ||
    !entry.cloned ||
    Object.hasOwn(object, '__proto__') ||
    Object.getOwnPropertySymbols(object).length > 0
  )
    return removeAt(object, path);
  if (!Object.hasOwn(object, key)) return undefined;
  const out: Record<string, unknown> = {};
  const keys = Object.keys(object);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (k !== key) out[k] = object[k];
  }
  entry.object = out;
  return path;
}

/**
 * Removes several top-level properties of the entry's copy at once, keeping key order
 * (one rebuild instead of one per property), and records each removal.
 */
export function removeTopLevel(entry: Entry, keys: ReadonlySet<string>): void {
  ensureClone(entry);
  const object = entry.object;
  if (Object.hasOwn(object, '__proto__') || Object.getOwnPropertySymbols(object).length > 0) {
    for (const key of keys) {
      const removed = removeFrom(entry, [key]);
      if (removed) entry.removed.push(removed);
    }
    return;
  }
  const out: Record<string, unknown> = {};
  for (const key in object) {
    if (!Object.hasOwn(object, key)) continue;
    if (keys.has(key)) entry.removed.push([key]);
    else out[key] = object[key];
  }
  entry.object = out;
}

/** Copies every container on the way to `path`'s parent that is still shared with the input. */
export function writablePath(entry: Entry, path: readonly SelectorSegment[]): void {
  ensureClone(entry);
  let node: unknown = entry.object;
  for (let i = 0; i < path.length - 1; i++) {
    if (typeof node !== 'object' || node === null) return;
    const container = node as Record<string | number, unknown>;
    const child = container[path[i]!];
    if (typeof child !== 'object' || child === null) return;
    let copy = child;
    if (!entry.copied!.has(child)) {
      copy = Array.isArray(child) ? child.slice() : { ...(child as object) };
      entry.copied!.add(copy);
      container[path[i]!] = copy;
    }
    node = copy;
  }
}

/** Calls `visit` for every `*_ref` / `*_refs` value except markings (which are handled separately). */
export function walkRefs(
  node: unknown,
  parent: SelectorSegment[],
  visit: (parent: SelectorSegment[], key: string, index: number, ref: string) => void,
): void {
  if (!isRecord(node)) return;
  if (parent.length > MAX_DEPTH) throw new DepthError('nested too deeply');
  const keys = Object.keys(node);
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k]!;
    const value = node[key];
    if (key.endsWith('_ref')) {
      if (parent.length === 0 && key === 'marking_ref') continue;
      if (typeof value === 'string') visit(parent, key, -1, value);
    } else if (key.endsWith('_refs')) {
      if (parent.length === 0 && key === 'object_marking_refs') continue;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const item = value[i];
          if (typeof item === 'string') visit(parent, key, i, item);
        }
      }
    } else if (
      typeof value === 'object' &&
      value !== null &&
      key !== 'external_references' &&
      key !== 'kill_chain_phases' &&
      key !== 'granular_markings' &&
      key !== 'hashes'
    ) {
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          if (isRecord(value[i])) walkRefs(value[i], [...parent, key, i], visit);
        }
      } else walkRefs(value, [...parent, key], visit);
    }
  }
}

export function getAt(root: unknown, path: readonly SelectorSegment[]): unknown {
  let node = root;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

export function setAt(
  root: Record<string, unknown>,
  path: readonly SelectorSegment[],
  value: unknown,
): void {
  const parent = getAt(root, path.slice(0, -1));
  if (parent !== null && typeof parent === 'object')
    (parent as Record<string | number, unknown>)[path[path.length - 1]!] = value;
}

/** STIX selector text: `external_references.[1].url`. */
export function selectorText(segments: readonly SelectorSegment[]): string {
  return segments.map((s) => (typeof s === 'number' ? `[${s}]` : s)).join('.');
}
