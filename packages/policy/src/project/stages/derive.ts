// Projection stage 3, derive: content that restates another object's fields gets the
// treatment those fields get. A `language-content` (STIX 2.1 §7.1) keeps, per language,
// only the translated properties the recipient receives unchanged in the object it
// translates: removed there, removed here; the translated object withheld or replaced by
// a victim's class or pseudonym, the translation withheld. It also carries the markings
// of what it translates, so a translation never travels below its original's marking.
import type { Redaction } from '../../evaluate/decision';
import { isRecord } from '../json-edit';
import { type Entry, ensureClone, removeFrom, writablePath } from './entry';
import { type ProjectionState, withholdLater } from './state';

/** Input: redacted entries. Output: translations cut down to what their objects share, or withheld. */
export function derive(state: ProjectionState): void {
  let byId: Map<string, Entry[]> | undefined;
  for (const entry of state.entries) {
    if (entry.withheld || entry.replacement || entry.original.type !== 'language-content') continue;
    byId ??= indexById(state.entries);
    const target = translated(byId, entry);
    if (target === undefined) continue; // not in the bundle: closing references withholds it
    if (target.replacement || target.withheld) {
      withholdLater(state, entry, {
        rule: 'derived-content',
        effect: 'deny',
        clause: target.replacement ? 'victimProtection.identities' : 'object',
        message: target.replacement
          ? 'It translates a victim identity that is replaced by its class or pseudonym, so the translation is withheld.'
          : 'It translates an object that is withheld, so the translation is withheld too.',
      });
      continue;
    }
    entry.translates = target;
    cutToShared(state, entry, target);
  }
}

function indexById(entries: readonly Entry[]): Map<string, Entry[]> {
  const map = new Map<string, Entry[]>();
  for (const entry of entries) {
    const id = String(entry.original.id);
    const list = map.get(id);
    if (list) list.push(entry);
    else map.set(id, [entry]);
  }
  return map;
}

/** The version the translation names (`object_modified`), or the latest one. */
function translated(byId: Map<string, Entry[]>, entry: Entry): Entry | undefined {
  const ref = entry.original.object_ref;
  if (typeof ref !== 'string') return undefined;
  const versions = byId.get(ref);
  if (!versions) return undefined;
  return (
    versions.find((v) => v.original.modified === entry.original.object_modified) ??
    versions.reduce((a, b) => (stamp(b.original.modified) > stamp(a.original.modified) ? b : a))
  );
}

function cutToShared(state: ProjectionState, entry: Entry, target: Entry): void {
  const contents = entry.object.contents;
  if (!isRecord(contents)) return;
  const removals: { language: string; property: string }[] = [];
  const emptied: string[] = [];
  for (const language of Object.keys(contents)) {
    const fields = contents[language];
    if (!isRecord(fields)) continue;
    let kept = 0;
    for (const property of Object.keys(fields)) {
      const shared =
        Object.hasOwn(target.object, property) &&
        Object.hasOwn(target.original, property) &&
        target.object[property] === target.original[property];
      if (shared) kept++;
      else removals.push({ language, property });
    }
    if (kept === 0) emptied.push(language);
  }
  const keptFields = new Set<string>();
  for (const language of Object.keys(contents)) {
    const fields = contents[language];
    if (!isRecord(fields)) continue;
    for (const property of Object.keys(fields))
      if (!removals.some((r) => r.language === language && r.property === property))
        keptFields.add(property);
  }
  const restated = markingsOf(target, keptFields);
  if (removals.length === 0 && !adds(entry, restated)) return;
  if (emptied.length === Object.keys(contents).length) {
    withholdLater(state, entry, {
      rule: 'derived-content',
      effect: 'deny',
      clause: 'object',
      message:
        'None of the fields it translates is shared in the object it translates, so the translation is withheld.',
    });
    return;
  }
  ensureClone(entry);
  for (const { language, property } of removals) {
    if (emptied.includes(language)) continue;
    const path = ['contents', language, property];
    writablePath(entry, path);
    const removed = removeFrom(entry, path);
    if (removed) entry.removed.push(removed);
    entry.extraRedactions.push(removal(`contents.${language}.${property}`, property));
  }
  for (const language of emptied) {
    const path = ['contents', language];
    writablePath(entry, path);
    const removed = removeFrom(entry, path);
    if (removed) entry.removed.push(removed);
    entry.extraRedactions.push(removal(`contents.${language}`, undefined));
  }
  const refs = new Set<string>(
    Array.isArray(entry.object.object_marking_refs)
      ? (entry.object.object_marking_refs as string[])
      : [],
  );
  for (const ref of restated) refs.add(ref);
  entry.object.object_marking_refs = [...refs];
  entry.changed = true;
}

/**
 * The markings a translation must carry: the translated object's own and the granular
 * markings on the fields it translates (a translation never travels below its original).
 */
function markingsOf(target: Entry, fields: ReadonlySet<string>): string[] {
  const out = new Set<string>();
  const refs = target.object.object_marking_refs;
  if (Array.isArray(refs)) for (const ref of refs) if (typeof ref === 'string') out.add(ref);
  const gms = target.object.granular_markings;
  if (Array.isArray(gms)) {
    for (const gm of gms) {
      if (!isRecord(gm) || typeof gm.marking_ref !== 'string' || !Array.isArray(gm.selectors))
        continue;
      const touches = gm.selectors.some(
        (selector) =>
          typeof selector === 'string' &&
          fields.has(selector.split('.')[0]!.replace(/\[\d+\]$/, '')),
      );
      if (touches) out.add(gm.marking_ref);
    }
  }
  return [...out];
}

/** Whether the translation lacks any of these markings. */
function adds(entry: Entry, refs: readonly string[]): boolean {
  const own = entry.object.object_marking_refs;
  const have = new Set(Array.isArray(own) ? own : []);
  return refs.some((ref) => !have.has(ref));
}

function removal(path: string, property: string | undefined): Redaction {
  return {
    path,
    action: 'remove',
    rule: 'derived-content',
    clause: 'object',
    message: property
      ? `\`${property}\` is not shared (or not shared unchanged) in the object this translates, so its translation is removed.`
      : 'No field this language translates is shared, so the language is removed.',
  };
}

function stamp(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
