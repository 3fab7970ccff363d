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
