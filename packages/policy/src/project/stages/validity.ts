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

/**
 * Top-level properties no STIX 2.1 rule ties to another property or requires (for the
 * types where the engine lets them go): removing one from a valid object leaves it valid.
 * `created_by_ref` is listed except for extension definitions, which require it.
 */
const FREELY_REMOVABLE = new Set([
  'confidence',
  'labels',
  'description',
  'lang',
  'external_references',
  'created_by_ref',
  'aliases',
  'first_seen',
  'last_seen',
]);
/** Top-level properties projections write themselves, always well formed: a later `modified`, a derived `id` and `created`, marking references taken from valid objects. */
const WRITTEN_BY_PROJECTION = new Set(['modified', 'created', 'id', 'object_marking_refs']);

/**
 * Whether a redacted copy of a valid input object is valid without validating it again:
 * only when every difference is a freely removable property gone or a property the
 * projection writes itself. Anything else (a nested edit, a rewritten reference, a
 * granular marking adjusted, a capped value) is validated in full.
 */
export function validByConstruction(
  original: Record<string, unknown>,
  copy: Record<string, unknown>,
): boolean {
  const type = original.type;
  let kept = 0;
  for (const property in copy) {
    if (!Object.hasOwn(copy, property)) continue;
    if (!Object.hasOwn(original, property)) {
      if (!WRITTEN_BY_PROJECTION.has(property)) return false;
      continue;
    }
    kept++;
    if (copy[property] !== original[property] && !WRITTEN_BY_PROJECTION.has(property)) return false;
  }
  if (kept === Object.keys(original).length) return true;
  for (const property in original) {
    if (!Object.hasOwn(original, property) || Object.hasOwn(copy, property)) continue;
    if (property.startsWith('x_')) continue;
    if (!FREELY_REMOVABLE.has(property)) return false;
    if (property === 'created_by_ref' && type === 'extension-definition') return false;
  }
  return true;
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
  try {
    for (const property in copy) {
      if (!Object.hasOwn(copy, property)) continue;
      const value = copy[property];
      key +=
        value === source[property] && Object.hasOwn(source, property)
          ? `${property}\u0000`
          : `${property}=${valueText(value)}\u0000`;
    }
  } catch {
    // A value too deep to describe: judge this copy alone.
    return strictIssues(copy, allowCustom, false);
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
