// Projection stage 2, redact: each kept object's own redactions applied to a copy —
// removals first, then capped values (so a cap is never removed with the field it caps),
// then `where_sighted_refs` pointed at the victim's replacement. Afterwards the copy is
// made valid again where STIX allows it without losing more: a list entry that lost a
// part it cannot lack is dropped whole, and an emptied `extensions` goes.
import { pathToSegments, type SelectorSegment } from '../../markings/granular';
import { compareRemovals, isRecord } from '../json-edit';
import {
  type Entry,
  ensureClone,
  getAt,
  guardDepth,
  removeFrom,
  removeTopLevel,
  setAt,
  writablePath,
} from './entry';
import type { ProjectionState } from './state';

/** Input: the entries and victim replacements. Output: redacted copies in `entry.object`. */
export function redact(state: ProjectionState): void {
  for (const entry of state.entries) {
    if (entry.replacement || entry.withheld) continue;
    const { redactions } = entry.decision;
    if (redactions.length === 0) continue;
    if (!guardDepth(entry, () => ensureClone(entry))) continue;
    const removals: SelectorSegment[][] = [];
    const later: (() => void)[] = [];
    for (const redaction of redactions) {
      const path = pathToSegments(redaction.path);
      if (redaction.action === 'remove') removals.push(path);
      else if (redaction.action === 'cap') {
        const value = redaction.value;
        later.push(() => {
          entry.object[redaction.path] = value;
        });
      } else if (redaction.rule === 'where-sighted') {
        const ref = getAt(entry.object, path);
        const target = typeof ref === 'string' ? rewriteVictim(state, ref) : undefined;
        if (target === undefined) removals.push(path);
        else {
          writablePath(entry, path);
          setAt(entry.object, path, target);
        }
      }
    }
    removals.sort(compareRemovals);
    // Top-level properties go in one copy (no `delete`, which slows the object down).
    const topLevel = new Set<string>();
    for (const path of removals) {
      if (path.length === 1 && typeof path[0] === 'string') {
        topLevel.add(path[0]);
        continue;
      }
      writablePath(entry, path);
      const removed = removeFrom(entry, path);
      if (removed) entry.removed.push(removed);
    }
    if (topLevel.size > 0) removeTopLevel(entry, topLevel);
    for (const apply of later) apply();
    normalise(entry);
    entry.changed = true;
  }
  if (state.markObjects === 'all') {
    for (const entry of state.entries) {
      if (entry.replacement || entry.withheld) continue;
      const refs = entry.object.object_marking_refs;
      if (!Array.isArray(refs) || !refs.includes(state.agreementMarking.id)) {
        ensureClone(entry);
        entry.changed = true;
      }
    }
  }
}

function rewriteVictim(state: ProjectionState, ref: string): string | undefined {
  const mapped = state.idMap.get(ref);
  if (mapped) return mapped;
  // An identity that is already a class or our pseudonym stays.
  if (state.env.protectedIds?.has(ref)) return ref;
  // A victim whose identity is not shareable itself is not replaced: the reference goes.
  return undefined;
}

/**
 * Drops list entries that a removal left invalid (STIX 2.1 §2.5 external references need
 * `source_name` and one of `description`, `url`, `external_id`; §2.8 kill-chain phases
 * need both names) and an `extensions` left empty (§3.2: when present, not empty).
 */
export function normalise(entry: Entry): void {
  const object = entry.object;
  const refs = object.external_references;
  if (Array.isArray(refs) && refs !== entry.original.external_references) {
    dropInvalid(entry, 'external_references', (item) => {
      if (!isRecord(item) || typeof item.source_name !== 'string') return false;
      return (
        item.description !== undefined || item.url !== undefined || item.external_id !== undefined
      );
    });
  }
  const phases = object.kill_chain_phases;
  if (Array.isArray(phases) && phases !== entry.original.kill_chain_phases) {
    dropInvalid(
      entry,
      'kill_chain_phases',
      (item) =>
        isRecord(item) &&
        typeof item.kill_chain_name === 'string' &&
        typeof item.phase_name === 'string',
    );
  }
  const extensions = entry.object.extensions;
  if (isRecord(extensions) && Object.keys(extensions).length === 0) {
    const removed = removeFrom(entry, ['extensions']);
    if (removed) entry.removed.push(removed);
  }
}

function dropInvalid(entry: Entry, property: string, valid: (item: unknown) => boolean): void {
  const list = entry.object[property] as unknown[];
  for (let i = list.length - 1; i >= 0; i--) {
    if (valid(list[i])) continue;
    const path: SelectorSegment[] = [property, i];
    writablePath(entry, path);
    const removed = removeFrom(entry, path);
    if (removed) {
      entry.removed.push(removed);
      entry.extraRedactions.push({
        path: `${property}[${i}]`,
        action: 'remove',
        rule: 'malformed',
        clause: 'object',
        message: `What is left of \`${property}[${i}]\` would not be a valid entry, so the whole entry is removed.`,
      });
    }
    if (!Array.isArray(entry.object[property])) return;
  }
}
