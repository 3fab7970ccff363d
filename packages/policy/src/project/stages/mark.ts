// Projection stage 5, mark: every changed object becomes a new version (same id, later
// `modified`, STIX 2.1 §3.6) or a derived object, carries the agreement's statement
// marking, and keeps granular markings only on what is left of it. Versions of one object
// keep distinct, ordered `modified` values; translations name the version they translate.
// Then the marking definitions the output references are added.
import { isScoType } from '../../internal/stix-facts';
import { parseSelector, selectorResolves } from '../../markings/granular';
import { officialMarkingDefinition, type StixLikeObject } from '../../markings/official-markings';
import { adjustSelector, isRecord } from '../json-edit';
import { type Entry, ensureClone, removeFrom, selectorText } from './entry';
import { outputId, type ProjectionState, withholdLater } from './state';

/** Input: entries with references closed. Output: the objects to send, marking definitions first. */
export function mark(state: ProjectionState): StixLikeObject[] {
  const translations: Entry[] = [];
  for (const entry of state.entries) {
    if (entry.withheld || entry.replacement) continue;
    if (entry.translates) translations.push(entry);
    else if (entry.changed) finalise(state, entry);
  }
  orderVersions(state);
  for (const entry of translations) {
    if (entry.withheld) continue;
    const target = entry.translates!;
    const modified = target.object.modified;
    if (typeof modified === 'string' && entry.object.object_modified !== modified) {
      ensureClone(entry);
      entry.object.object_modified = modified;
      entry.changed = true;
    }
    if (entry.changed) finalise(state, entry);
  }

  const output: StixLikeObject[] = [];
  const needed = new Set<string>();
  for (const entry of state.entries) {
    if (entry.withheld || entry.replacement) continue;
    collectMarkings(entry.object, needed);
    output.push(entry.object as StixLikeObject);
  }
  for (const [id, replacement] of state.replacements) {
    if (!state.present.has(id)) continue;
    collectMarkings(replacement.object, needed);
    output.push(replacement.object as StixLikeObject);
  }
  return [...markingDefinitionsFor(state, needed), ...output];
}

/** The definitions for the referenced markings, and for the markings those carry, sorted by id. */
function markingDefinitionsFor(state: ProjectionState, needed: Set<string>): StixLikeObject[] {
  const agreementId = state.agreementMarking.id;
  const byId = new Map<string, StixLikeObject>();
  const queue = [...needed];
  while (queue.length > 0) {
    const id = queue.pop()!;
    if (byId.has(id)) continue;
    const definition =
      id === agreementId
        ? state.agreementMarking
        : (state.definitions.get(id) ?? officialMarkingDefinition(id));
    if (!definition) continue;
    byId.set(id, definition);
    const own = new Set<string>();
    collectMarkings(definition, own);
    for (const ref of own) if (!byId.has(ref)) queue.push(ref);
  }
  const out: StixLikeObject[] = [];
  for (const id of [...byId.keys()].sort()) out.push(byId.get(id)!);
  if (!byId.has(agreementId)) out.unshift(state.agreementMarking);
  return out;
}

/** Versions a changed entry once; later removals only adjust its granular markings. */
function finalise(state: ProjectionState, entry: Entry): void {
  adjustGranular(entry);
  if (entry.finalised) return;
  entry.finalised = true;
  let object = entry.object;
  const refs = Array.isArray(object.object_marking_refs) ? object.object_marking_refs : [];
  if (!refs.includes(state.agreementMarking.id))
    object.object_marking_refs = [...refs, state.agreementMarking.id];
  if (isScoType(String(object.type))) return;
  if (entry.derived && entry.derivedId) object.id = entry.derivedId;
  const previous =
    typeof entry.original.modified === 'string' ? Date.parse(entry.original.modified) : Number.NaN;
  const next = Number.isNaN(previous) ? state.nowMs : Math.max(state.nowMs, previous + 1);
  if (entry.derived) {
    // A derived object starts its own history (STIX 2.1 §3.6.1).
    object.created = state.nowIso;
    object.modified = state.nowIso;
    const removed = removeFrom(entry, ['created_by_ref']);
    if (removed) {
      // A granular marking on `created_by_ref` has nothing left to mark.
      entry.removed.push(removed);
      adjustGranular(entry);
    }
    object = entry.object;
  } else {
    object.modified = new Date(next).toISOString();
  }
}

/**
 * Keeps granular-marking selectors in step with what was removed (shifting list indexes),
 * and drops any selector left pointing at nothing: a marking on a removed property has
 * nothing left to mark, and a dangling selector is invalid STIX.
 */
function adjustGranular(entry: Entry): void {
  const gms = entry.object.granular_markings;
  if (!Array.isArray(gms)) return;
  const fresh = entry.removed.slice(entry.adjusted);
  entry.adjusted = entry.removed.length;
  const kept: Record<string, unknown>[] = [];
  let dropped = false;
  for (const gm of gms) {
    if (!isRecord(gm) || !Array.isArray(gm.selectors)) {
      dropped = true;
      continue;
    }
    const selectors: string[] = [];
    for (const selector of gm.selectors) {
      let segments = parseSelector(selector);
      for (const removed of fresh) {
        if (!segments) break;
        segments = adjustSelector(segments, removed);
      }
      if (segments && selectorResolves(entry.object, segments))
        selectors.push(selectorText(segments));
    }
    if (selectors.length > 0) kept.push({ ...gm, selectors });
    else dropped = true;
    if (selectors.length !== gm.selectors.length) dropped = true;
  }
  if (!dropped && fresh.length === 0) return;
  if (kept.length > 0) entry.object.granular_markings = kept;
  else removeFrom(entry, ['granular_markings']);
}

/**
 * Versions of one object in the output keep distinct `modified` values in their original
 * order (two redacted versions would otherwise both get the projection time: a
 * `DUPLICATE_CONFLICT`). Two input versions with the same `modified` contradict each
 * other, so the later one is withheld; so is an unchanged version that would have to be
 * re-versioned by someone other than its creator.
 */
function orderVersions(state: ProjectionState): void {
  if (state.versioned.size === 0) return;
  const groups = new Map<string, Entry[]>();
  let collisions: Set<string> | undefined;
  for (const entry of state.entries) {
    if (entry.withheld || entry.replacement || entry.derived) continue;
    const id = outputId(entry);
    if (!state.versioned.has(id)) continue;
    if (isScoType(String(entry.original.type))) continue;
    const group = groups.get(id);
    if (group === undefined) groups.set(id, [entry]);
    else {
      group.push(entry);
      if (collisions === undefined) collisions = new Set();
      collisions.add(id);
    }
  }
  if (collisions === undefined) return;
  for (const id of collisions) {
    const group = groups
      .get(id)!
      .slice()
      .sort((a, b) => time(a.original.modified) - time(b.original.modified));
    let last = Number.NEGATIVE_INFINITY;
    let lastOriginal: unknown;
    for (const entry of group) {
      if (entry.original.modified === lastOriginal) {
        withholdLater(state, entry, {
          rule: 'versioning',
          effect: 'deny',
          clause: 'object',
          message:
            'Another object in the bundle has the same id and `modified` time, so which one is meant is unknown; this one is withheld.',
        });
        continue;
      }
      lastOriginal = entry.original.modified;
      let t = time(entry.object.modified);
      if (t <= last) {
        if (!entry.changed) {
          const creator = entry.original.created_by_ref;
          if (
            creator !== undefined &&
            !(typeof creator === 'string' && state.c.providerIds.has(creator))
          ) {
            withholdLater(state, entry, {
              rule: 'versioning',
              effect: 'deny',
              clause: 'object',
              message:
                'An earlier version of it is redacted and so re-versioned after it, and only its creator may make a newer version (STIX 2.1 §3.6.1), so it is withheld.',
            });
            continue;
          }
          ensureClone(entry);
          entry.changed = true;
          finalise(state, entry);
          t = time(entry.object.modified);
        }
        if (t <= last) {
          t = last + 1;
          entry.object.modified = new Date(t).toISOString();
        }
      }
      last = t;
    }
  }
}

function time(value: unknown): number {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
}

function collectMarkings(object: Record<string, unknown>, out: Set<string>): void {
  const refs = object.object_marking_refs;
  if (Array.isArray(refs)) for (const ref of refs) if (typeof ref === 'string') out.add(ref);
  const gms = object.granular_markings;
  if (Array.isArray(gms)) {
    for (const gm of gms)
      if (isRecord(gm) && typeof gm.marking_ref === 'string') out.add(gm.marking_ref);
  }
}
