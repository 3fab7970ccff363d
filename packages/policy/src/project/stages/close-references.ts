// Projection stage 4, close references: no reference may point at anything the
// recipient does not receive. A reference to a withheld object is removed (the object is
// withheld when the reference is required, or when a required list empties); one to a
// replaced object is pointed at its replacement. An object changed by someone other than
// its creator becomes a new, derived object (STIX 2.1 §3.6.1), which re-identifies it.
// Withholding one object can leave others dangling, so this repeats until stable.
import type { SharingAgreement } from '../../agreement/agreement-schema';
import { isRequiredRef, isRequiredRefList, isScoType } from '../../internal/stix-facts';
import { type SelectorSegment, segmentsToPath } from '../../markings/granular';
import { policyUuid } from '../ids';
import { compareRemovals } from '../json-edit';
import {
  type Entry,
  ensureClone,
  guardDepth,
  removeFrom,
  setAt,
  walkRefs,
  writablePath,
} from './entry';
import { addPresent, dropPresent, outputId, type ProjectionState } from './state';

/**
 * Input: the entries and `state.present`. Output: references fixed in `entry.object`,
 * entries withheld or derived as needed. With `all` every entry is looked at; otherwise
 * only those referencing something in `state.dirty`.
 */
export function closeReferences(state: ProjectionState, all: boolean): void {
  const { c, a } = state;
  const resolveRef = (ref: string) => state.idMap.get(ref) ?? ref;
  let dirty: Set<string> | undefined = all ? undefined : (state.dirty ?? new Set());
  state.dirty = undefined;
  if (dirty !== undefined && dirty.size === 0) return;
  for (let round = 0; round < 1000; round++) {
    const changedIds = new Set<string>();
    for (const entry of state.entries) {
      if (entry.withheld || entry.replacement) continue;
      if (dirty !== undefined && !entry.refs?.some((ref) => dirty!.has(ref))) continue;
      let outcome: 'ok' | 'withhold' = 'withhold';
      if (!guardDepth(entry, () => (outcome = fixReferences(entry, state.present, resolveRef))))
        outcome = 'withhold';
      if (outcome === 'withhold') {
        entry.withheld = true;
        const id = outputId(entry);
        dropPresent(state, id);
        changedIds.add(id);
        changedIds.add(String(entry.original.id));
      }
    }
    // STIX 2.1 §3.6.1: only the creator makes new versions; anyone else derives a new object.
    for (const entry of state.entries) {
      if (entry.withheld || entry.replacement || entry.derived || !entry.changed) continue;
      if (entry.finalised) continue;
      const creator = entry.original.created_by_ref;
      if (
        creator === undefined ||
        (typeof creator === 'string' && c.providerIds.has(creator)) ||
        isScoType(String(entry.original.type))
      )
        continue;
      const oldId = String(entry.original.id);
      const newId = derivedId(entry, a);
      entry.derived = true;
      state.idMap.set(oldId, newId);
      dropPresent(state, oldId);
      addPresent(state, newId);
      changedIds.add(oldId);
    }
    if (changedIds.size === 0) break;
    dirty = changedIds;
  }
}

function fixReferences(
  entry: Entry,
  presentIds: Map<string, number>,
  resolve: (ref: string) => string,
): 'ok' | 'withhold' {
  const type = String(entry.original.type);
  const edits: { path: SelectorSegment[]; to?: string; top: string }[] = [];
  const refs: string[] = [];
  walkRefs(entry.object, [], (parent, key, index, ref) => {
    const target = resolve(ref);
    if (!presentIds.has(target)) {
      edits.push({
        path: index < 0 ? [...parent, key] : [...parent, key, index],
        top: (parent[0] as string | undefined) ?? key,
      });
    } else {
      refs.push(target);
      if (target !== ref) {
        edits.push({
          path: index < 0 ? [...parent, key] : [...parent, key, index],
          to: target,
          top: (parent[0] as string | undefined) ?? key,
        });
      }
    }
  });
  entry.refs = refs;
  if (edits.length === 0) return 'ok';
  for (const edit of edits) {
    if (edit.to === undefined && edit.path.length === 1 && isRequiredRef(type, edit.top)) {
      entry.extraReasons.push({
        rule: 'dangling-reference',
        effect: 'deny',
        clause: 'object',
        message: `Its required reference \`${edit.top}\` points at an object that is not shared, so it is withheld too.`,
      });
      return 'withhold';
    }
  }
  ensureClone(entry);
  const removals: SelectorSegment[][] = [];
  for (const edit of edits) {
    if (edit.to !== undefined) {
      writablePath(entry, edit.path);
      setAt(entry.object, edit.path, edit.to);
      entry.extraRedactions.push({
        path: segmentsToPath(edit.path),
        action: 'rewrite',
        rule: 'dangling-reference',
        clause: 'object',
        message: `The reference now points at ${edit.to}, which replaces the object it named.`,
      });
    } else {
      removals.push(edit.path);
      entry.extraRedactions.push({
        path: segmentsToPath(edit.path),
        action: 'remove',
        rule: 'dangling-reference',
        clause: 'object',
        message: 'The reference points at an object that is not shared, so it is removed.',
      });
    }
  }
  removals.sort(compareRemovals);
  for (const path of removals) {
    const top = path[0] as string;
    const list = entry.object[top];
    if (
      isRequiredRefList(type, top) &&
      Array.isArray(list) &&
      path.length === 2 &&
      list.length <= 1
    ) {
      entry.extraReasons.push({
        rule: 'dangling-reference',
        effect: 'deny',
        clause: 'object',
        message: `None of the objects in its required \`${top}\` is shared, so it is withheld too.`,
      });
      return 'withhold';
    }
    writablePath(entry, path);
    const removed = removeFrom(entry, path);
    if (removed) entry.removed.push(removed);
  }
  entry.changed = true;
  return 'ok';
}

/** Derived ids by input object (identity) and name; entries go with the input objects. */
const derivedIdCache = new WeakMap<object, Map<string, string>>();

function derivedId(entry: Entry, a: SharingAgreement): string {
  const signature = [...entry.decision.redactions, ...entry.extraRedactions]
    .map((r) => `${r.action}:${r.path}`)
    .sort()
    .join(',');
  const name = `derived|${String(entry.original.id)}|${typeof entry.original.modified === 'string' ? entry.original.modified : ''}|${a.id}@${a.version}|${signature}`;
  // Projections of one input for several recipients derive the same ids: hash once per
  // input object and name (the id is a pure function of the name and the type).
  let cache = derivedIdCache.get(entry.original);
  if (cache === undefined) {
    cache = new Map();
    derivedIdCache.set(entry.original, cache);
  }
  let id = cache.get(name);
  if (id === undefined) {
    id = `${String(entry.original.type)}--${policyUuid(name)}`;
    cache.set(name, id);
  }
  entry.derivedId = id;
  return id;
}
