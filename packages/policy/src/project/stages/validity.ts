// Whether an object is valid STIX 2.1 as `parseStix` judges it in strict mode. Input
// objects that reach the output unchanged are judged once and remembered (by object
// identity), so projecting one bundle for many recipients validates each only once.
import { type StixIssue, validateStixObject } from '@intelshare/stix';

const strictCache = new WeakMap<object, readonly StixIssue[]>();
const customCache = new WeakMap<object, readonly StixIssue[]>();
const NONE: readonly StixIssue[] = Object.freeze([]);

/**
 * The errors (not warnings) `validateStixObject` reports in strict mode. `remember` only
 * for objects nobody modifies afterwards (input objects, which projections never edit).
 */
export function strictIssues(
  object: object,
  allowCustom: boolean,
  remember = true,
): readonly StixIssue[] {
  const cache = allowCustom ? customCache : strictCache;
  const hit = remember ? cache.get(object) : undefined;
  if (hit !== undefined) return hit;
  let errors: readonly StixIssue[] = NONE;
  for (const issue of validateStixObject(object, { mode: 'strict', allowCustom })) {
    if (issue.severity !== 'error') continue;
    if (errors === NONE) errors = [];
    (errors as StixIssue[]).push(issue);
  }
  if (remember) cache.set(object, errors);
  return errors;
}

const changedCache = new WeakMap<object, Map<string, readonly StixIssue[]>>();
const changedCustomCache = new WeakMap<object, Map<string, readonly StixIssue[]>>();
/** Distinct edits remembered per input object (projections for many recipients repeat them). */
const MAX_EDITS_PER_OBJECT = 16;

/**
 * The strict errors of a redacted copy of an input object. The copy is fully described by
 * its input object plus the top-level values that differ from it (copy-on-write: an edit
 * anywhere below a property gives that property a new value), so the verdict is
 * remembered under that description and projecting one bundle for many recipients
 * validates each distinct copy once.
 */
export function copyIssues(
  original: object,
  copy: Record<string, unknown>,
  allowCustom: boolean,
): readonly StixIssue[] {
  const source = original as Record<string, unknown>;
  let key = '';
  for (const property in copy) {
    if (!Object.hasOwn(copy, property)) continue;
    const value = copy[property];
    key +=
      value === source[property] && Object.hasOwn(source, property)
        ? `${property}\u0000`
        : `${property}=${valueText(value)}\u0000`;
  }
  const caches = allowCustom ? changedCustomCache : changedCache;
  let cache = caches.get(original);
  const hit = cache?.get(key);
  if (hit !== undefined) return hit;
  const issues = strictIssues(copy, allowCustom, false);
  if (cache === undefined) {
    cache = new Map();
    caches.set(original, cache);
  }
  if (cache.size < MAX_EDITS_PER_OBJECT) cache.set(key, issues);
  return issues;
}

/** An unambiguous text for a value: plain for the strings and string lists projections write. */
function valueText(value: unknown): string {
  if (typeof value === 'string') return `s${value}`;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string'))
    return `a${value.length}\u0001${value.join('\u0001')}`;
  return `j${JSON.stringify(value)}`;
}
