import { IntelshareError, uuidV5 } from '@intelshare/stix';
import { sha1 } from '@noble/hashes/legacy.js';
import type { SharingAgreement } from '../agreement/agreement-schema';
import { type AuditEntry, type AuditLog, contentHash } from '../audit/audit-log';
import {
  type CompiledAgreement,
  type CompiledAgreementInternal,
  clearanceFor,
  compiled,
} from '../evaluate/compile-agreement';
import type { Decision, Reason, Redaction } from '../evaluate/decision';
import { decide, type EvaluationContext, makeEnv, toMs } from '../evaluate/evaluate';
import { isOwnPseudonym, pseudonymIdentity } from '../evaluate/pseudonym';
import { isRequiredRef, isRequiredRefList, isScoType } from '../internal/stix-facts';
import {
  parseSelector,
  pathToSegments,
  type SelectorSegment,
  segmentsToPath,
} from '../markings/granular';
import { definitionsMap } from '../markings/marking-resolver';
import { officialMarkingDefinition, type StixLikeObject } from '../markings/official-markings';
import { parseRecipient, type Recipient } from '../recipient';
import {
  adjustSelector,
  compareRemovals,
  DepthError,
  isRecord,
  MAX_DEPTH,
  removeAt,
} from './json-edit';

/** The namespace for the deterministic ids projections create (agreement markings, classes, derived objects, bundles). */
export const INTELSHARE_POLICY_NAMESPACE = '3f9c1c5e-6d0a-4b8e-9a51-2f7c4d8e1b60';

/** Options for {@link project}. */
export interface ProjectOptions {
  /** The time of the projection (default: now). Same input and time give the same output. */
  now?: Date | string | number;
  /** Marking definitions from a registry, used when the bundle does not carry them. */
  markingDefinitions?: Iterable<unknown>;
  /** Keys for keyed pseudonyms, by the id the agreement names in `victimProtection.pseudonymKeyId`. */
  pseudonymKeys?: EvaluationContext['pseudonymKeys'];
  /** An audit log to append this projection to. */
  audit?: AuditLog;
  /** Who is making the projection, for the audit log (default: the first provider party). */
  actor?: string;
  /** Add the agreement marking to every object (`all`, new versions for all) or only to objects the projection changes (`changed`, the default). */
  markObjects?: 'changed' | 'all';
}

/** A bundle ready to send. */
export interface ProjectedBundle {
  type: 'bundle';
  id: string;
  objects: StixLikeObject[];
}

/** What {@link project} returns. */
export interface Projection {
  /** The bundle the recipient may receive. */
  bundle: ProjectedBundle;
  /** One decision per input object (marking definitions excepted), in input order. */
  decisions: Decision[];
  /** The audit entry written, when an audit log was given. */
  audit?: AuditEntry;
}

interface Entry {
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
}

/**
 * Projects a bundle for one recipient under an agreement: the bundle that may be sent.
 * Withheld objects are gone; fields above the recipient's clearance are gone; redacted
 * objects become new versions (STIX 2.1 §3.6: same id, later `modified`) when the
 * provider created them, or derived objects with new ids when someone else did; no
 * reference points at anything not sent; the marking definitions needed are included;
 * and a statement marking names the agreement and version.
 *
 * @param input - A STIX bundle (`{ type: 'bundle', objects }`) or an array of objects.
 * @param agreement - A validated or compiled agreement.
 * @param recipient - Who receives the bundle.
 * @param options - Time, registry, pseudonym keys, audit log.
 * @returns The bundle, every decision and the audit entry.
 * @throws {IntelshareError} `INVALID_ARGUMENT` when `input` is neither a bundle nor a list.
 *
 * @example
 * ```ts
 * import { parseAgreement, project, TLP2_MARKING_IDS } from '@intelshare/policy';
 *
 * const agreement = parseAgreement({
 *   id: 'demo', version: '1', title: 'Demo', effective: { from: '2026-01-01T00:00:00Z' },
 *   purposes: ['detection'],
 *   parties: [
 *     { identity: 'identity--8ce3f695-d5a4-4dc8-9e93-a65af453a31a', name: 'P', role: 'provider' },
 *     { identity: 'identity--03e23f6c-0ac9-4b47-9c84-f718132adb21', name: 'R', role: 'recipient' },
 *   ],
 *   recipients: [{ match: { identities: ['identity--03e23f6c-0ac9-4b47-9c84-f718132adb21'] }, maxTlp: 'green' }],
 * });
 * const { bundle, decisions } = project({ type: 'bundle', id: 'bundle--5d0092c5-5f74-4287-9642-33f4c354e56d', objects: [] },
 *   agreement, { identity: 'identity--03e23f6c-0ac9-4b47-9c84-f718132adb21' }, { now: '2026-03-01T00:00:00Z' });
 * decisions.length; // 0
 * bundle.objects.length; // 1 (the agreement's statement marking)
 * ```
 * @see /policy/share-under-an-mou/
 */
export function project(
  input: unknown,
  agreement: SharingAgreement | CompiledAgreement,
  recipient: Recipient,
  options: ProjectOptions = {},
): Projection {
  let objects: unknown[];
  let inputBundleId = '';
  if (Array.isArray(input)) objects = input;
  else if (isRecord(input) && input.type === 'bundle' && Array.isArray(input.objects)) {
    objects = input.objects;
    if (typeof input.id === 'string') inputBundleId = input.id;
  } else {
    throw new IntelshareError(
      'INVALID_ARGUMENT',
      '`project` expects a STIX bundle (`{ type: "bundle", objects: [...] }`) or an array of objects.',
      {
        path: isRecord(input) && input.type === 'bundle' ? 'objects' : 'bundle',
      },
    );
  }
  const c = compiled(agreement);
  const a = c.agreement;
  const who = parseRecipient(recipient);
  const clearance = clearanceFor(c, who);
  const nowMs = toMs(options.now);
  const nowIso = new Date(nowMs).toISOString();
  const agreementTime = new Date(c.fromMs).toISOString();

  // Pass 1: what the bundle says about markings and victims.
  const markingObjects: Record<string, unknown>[] = [];
  const victimIds = new Set<string>(a.victimProtection.victimIdentityIds);
  const identities = new Map<string, Record<string, unknown>>();
  const locatedAt = new Map<string, string>();
  const countries = new Map<string, string>();
  for (const object of objects) {
    if (!isRecord(object)) continue;
    switch (object.type) {
      case 'marking-definition':
        markingObjects.push(object);
        break;
      case 'sighting':
        if (Array.isArray(object.where_sighted_refs)) {
          for (const ref of object.where_sighted_refs)
            if (typeof ref === 'string') victimIds.add(ref);
        }
        break;
      case 'relationship':
        if (typeof object.source_ref === 'string' && typeof object.target_ref === 'string') {
          if (object.relationship_type === 'targets' && object.target_ref.startsWith('identity--'))
            victimIds.add(object.target_ref);
          if (
            object.relationship_type === 'located-at' &&
            object.source_ref.startsWith('identity--')
          ) {
            locatedAt.set(object.source_ref, object.target_ref);
          }
        }
        break;
      case 'location':
        if (typeof object.id === 'string' && typeof object.country === 'string')
          countries.set(object.id, object.country);
        break;
      case 'identity':
        if (typeof object.id === 'string') {
          identities.set(object.id, object);
          if (Array.isArray(object.labels) && object.labels.includes('victim'))
            victimIds.add(object.id);
        }
        break;
    }
  }
  const definitions = definitionsMap(markingObjects, options.markingDefinitions);
  const env0 = makeEnv(
    c,
    { now: nowMs, ...(options.pseudonymKeys ? { pseudonymKeys: options.pseudonymKeys } : {}) },
    { definitions },
  );
  const key = env0.pseudonymKey;
  const victimAction = a.victimProtection.identities;
  const protectedIds = new Set<string>();
  for (const [id, identity] of identities) {
    if (victimAction === 'generalise' && identity.identity_class === 'class') protectedIds.add(id);
    if (key && isOwnPseudonym(identity, key)) protectedIds.add(id);
  }
  const env = { ...env0, victimIds, protectedIds };

  // Pass 2: a decision per object.
  const entries: Entry[] = [];
  const decisions: (Decision | undefined)[] = [];
  const replacements = new Map<string, Record<string, unknown>>();
  const idMap = new Map<string, string>();
  for (let index = 0; index < objects.length; index++) {
    const object = objects[index];
    if (isRecord(object) && object.type === 'marking-definition') {
      decisions.push(undefined);
      continue;
    }
    const decision = decide(c, clearance, object, env, `objects[${index}]`);
    decisions.push(decision);
    if (decision.action === 'withhold') continue;
    const original = object as Record<string, unknown>;
    entries.push({
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
    });
  }

  const agreementMarking = agreementMarkingDefinition(a);
  // Victim identities first: their replacements are what references get rewritten to.
  for (const entry of entries) {
    const whole = entry.decision.redactions.find((r) => r.path === '');
    if (!whole) continue;
    const victim = entry.original;
    const replacement =
      whole.action === 'pseudonymise' && key
        ? pseudonymIdentity(key, victim, agreementTime)
        : generaliseIdentity(victim, locatedAt, countries, agreementTime);
    idMap.set(String(victim.id), String(replacement.id));
    // The replacement derives from the victim's data, so it keeps the victim's markings
    // (several victims of one class: all of them, so the most restrictive still wins).
    const existing = replacements.get(String(replacement.id)) ?? replacement;
    const refs = new Set<string>(
      Array.isArray(existing.object_marking_refs) ? (existing.object_marking_refs as string[]) : [],
    );
    if (Array.isArray(victim.object_marking_refs)) {
      for (const ref of victim.object_marking_refs) if (typeof ref === 'string') refs.add(ref);
    }
    refs.add(agreementMarking.id);
    existing.object_marking_refs = [...refs].sort();
    replacements.set(String(replacement.id), existing);
    entry.replacement = true;
    entry.object = replacements.get(String(replacement.id))!;
  }

  // Apply each object's own redactions.
  for (const entry of entries) {
    if (entry.replacement) continue;
    const { redactions } = entry.decision;
    if (redactions.length === 0) continue;
    if (!guardDepth(entry, () => ensureClone(entry))) continue;
    const removals: SelectorSegment[][] = [];
    for (const redaction of redactions) {
      const path = pathToSegments(redaction.path);
      if (redaction.action === 'remove') removals.push(path);
      else if (redaction.action === 'cap') entry.object[redaction.path] = redaction.value;
      else if (redaction.rule === 'where-sighted') {
        const ref = getAt(entry.object, path);
        const target = typeof ref === 'string' ? rewriteVictim(ref) : undefined;
        if (target === undefined) removals.push(path);
        else {
          writablePath(entry, path);
          setAt(entry.object, path, target);
        }
      }
    }
    removals.sort(compareRemovals);
    for (const path of removals) {
      writablePath(entry, path);
      const removed = removeFrom(entry, path);
      if (removed) entry.removed.push(removed);
    }
    entry.changed = true;
  }

  function rewriteVictim(ref: string): string | undefined {
    const mapped = idMap.get(ref);
    if (mapped) return mapped;
    if (protectedIds.has(ref)) return ref;
    // A victim whose identity is not shareable itself is not replaced: the reference goes.
    return undefined;
  }

  if (options.markObjects === 'all') {
    for (const entry of entries) {
      if (entry.replacement) continue;
      const refs = entry.object.object_marking_refs;
      if (!Array.isArray(refs) || !refs.includes(agreementMarking.id)) {
        ensureClone(entry);
        entry.changed = true;
      }
    }
  }

  // Pass 3: references. Withholding an object can leave others dangling, so repeat until stable.
  const present = new Map<string, number>();
  const addPresent = (id: string) => present.set(id, (present.get(id) ?? 0) + 1);
  const dropPresent = (id: string) => {
    const n = (present.get(id) ?? 0) - 1;
    if (n <= 0) present.delete(id);
    else present.set(id, n);
  };
  for (const entry of entries) {
    if (!entry.replacement && !entry.withheld) addPresent(String(entry.original.id));
  }
  for (const id of replacements.keys()) addPresent(id);
  const resolveRef = (ref: string) => idMap.get(ref) ?? ref;

  // After the first round only objects that reference something withheld or re-identified
  // in the previous round are looked at again.
  let dirty: Set<string> | undefined;
  for (let round = 0; round < 1000; round++) {
    const changedIds = new Set<string>();
    for (const entry of entries) {
      if (entry.withheld || entry.replacement) continue;
      if (dirty !== undefined && !entry.refs?.some((ref) => dirty!.has(ref))) continue;
      let outcome: 'ok' | 'withhold' = 'withhold';
      if (!guardDepth(entry, () => (outcome = fixReferences(entry, present, resolveRef))))
        outcome = 'withhold';
      if (outcome === 'withhold') {
        entry.withheld = true;
        dropPresent(String(entry.original.id));
        changedIds.add(String(entry.original.id));
      }
    }
    // STIX 2.1 §3.6.1: only the creator makes new versions; anyone else derives a new object.
    for (const entry of entries) {
      if (entry.withheld || entry.replacement || entry.derived || !entry.changed) continue;
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
      idMap.set(oldId, newId);
      dropPresent(oldId);
      addPresent(newId);
      changedIds.add(oldId);
    }
    if (changedIds.size === 0) break;
    dirty = changedIds;
  }

  // Pass 4: versions, agreement marking, marking definitions.
  const output: StixLikeObject[] = [];
  const neededMarkings = new Set<string>();
  for (const entry of entries) {
    if (entry.withheld || entry.replacement) continue;
    if (entry.changed) finaliseChanged(entry, agreementMarking.id, nowMs, nowIso);
    collectMarkings(entry.object, neededMarkings);
    output.push(entry.object as StixLikeObject);
  }
  for (const replacement of replacements.values()) {
    if (!present.has(String(replacement.id))) continue;
    collectMarkings(replacement, neededMarkings);
    output.push(replacement as StixLikeObject);
  }
  const markingDefs: StixLikeObject[] = [];
  for (const id of [...neededMarkings].sort()) {
    const definition =
      id === agreementMarking.id
        ? agreementMarking
        : (definitions.get(id) ?? officialMarkingDefinition(id));
    if (definition) markingDefs.push(definition);
  }
  if (!neededMarkings.has(agreementMarking.id)) markingDefs.unshift(agreementMarking);

  // Decisions, updated with what the reference pass did.
  const finalDecisions: Decision[] = [];
  const byIndex: (Entry | undefined)[] = new Array(decisions.length);
  for (const entry of entries) byIndex[entry.index] = entry;
  decisions.forEach((decision, index) => {
    if (!decision) return;
    const entry = byIndex[index];
    if (!entry) {
      finalDecisions.push(decision);
      return;
    }
    if (entry.withheld) {
      finalDecisions.push({
        id: decision.id,
        type: decision.type,
        action: 'withhold',
        reasons: [...decision.reasons, ...entry.extraReasons],
        redactions: [],
        whyNot: ['Share the objects it references (or remove the references) in the same bundle.'],
      });
      return;
    }
    const redactions = [...decision.redactions, ...entry.extraRedactions];
    if (entry.derived) {
      redactions.push({
        path: '',
        action: 'rewrite',
        rule: 'versioning',
        clause: 'object',
        message: `The object was created by someone else, so the redacted copy is a new object ${idMap.get(decision.id)} (STIX 2.1 §3.6.1).`,
      });
    }
    finalDecisions.push({
      id: decision.id,
      type: decision.type,
      action: redactions.length > 0 ? 'share-redacted' : 'share',
      reasons: decision.reasons,
      redactions,
    });
  });

  const bundle: ProjectedBundle = {
    type: 'bundle',
    id: `bundle--${uuidV5(INTELSHARE_POLICY_NAMESPACE, `${inputBundleId}|${a.id}@${a.version}|${who.identity}|${nowIso}`)}`,
    objects: [...markingDefs, ...output],
  };
  const projection: Projection = { bundle, decisions: finalDecisions };
  if (options.audit) {
    const counts = { share: 0, 'share-redacted': 0, withhold: 0 };
    for (const decision of finalDecisions) counts[decision.action]++;
    projection.audit = options.audit.append({
      time: nowIso,
      actor:
        options.actor ??
        a.parties.find((party) => party.role !== 'recipient')?.identity ??
        'unknown',
      recipient: who.identity,
      agreement: { id: a.id, version: a.version },
      inputHash: hashForAudit(objects),
      outputHash: hashForAudit(bundle),
      counts,
      decisions: finalDecisions.map((d) => [
        d.id,
        d.action,
        [
          ...new Set([
            ...d.reasons.filter((r) => r.effect !== 'allow').map((r) => r.rule),
            ...d.redactions.map((r) => r.rule),
          ]),
        ],
      ]),
    });
  }
  return projection;

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
}

/** Runs `work`; input nested deeper than any STIX object withholds the entry instead of overflowing the stack. */
function guardDepth(entry: Entry, work: () => void): boolean {
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

function hashForAudit(value: unknown): string {
  try {
    return contentHash(value);
  } catch (cause) {
    throw new IntelshareError(
      'LIMIT_EXCEEDED',
      'The input is nested too deeply to hash for the audit log.',
      { cause },
    );
  }
}

function ensureClone(entry: Entry): void {
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
function removeFrom(
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

/** Copies every container on the way to `path`'s parent that is still shared with the input. */
function writablePath(entry: Entry, path: readonly SelectorSegment[]): void {
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
function walkRefs(
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

function getAt(root: unknown, path: readonly SelectorSegment[]): unknown {
  let node = root;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

function setAt(
  root: Record<string, unknown>,
  path: readonly SelectorSegment[],
  value: unknown,
): void {
  const parent = getAt(root, path.slice(0, -1));
  if (parent !== null && typeof parent === 'object')
    (parent as Record<string | number, unknown>)[path[path.length - 1]!] = value;
}

/** Keeps granular markings pointing at what is left, then makes the new version. */
function finaliseChanged(
  entry: Entry,
  agreementMarkingId: string,
  nowMs: number,
  nowIso: string,
): void {
  let object = entry.object;
  if (Array.isArray(object.granular_markings) && entry.removed.length > 0) {
    const kept: Record<string, unknown>[] = [];
    for (const gm of object.granular_markings) {
      if (!isRecord(gm) || !Array.isArray(gm.selectors)) continue;
      const selectors: string[] = [];
      for (const selector of gm.selectors) {
        let segments = parseSelector(selector);
        for (const removed of entry.removed) {
          if (!segments) break;
          segments = adjustSelector(segments, removed);
        }
        if (segments) selectors.push(selectorText(segments));
      }
      if (selectors.length > 0) kept.push({ ...gm, selectors });
    }
    if (kept.length > 0) object.granular_markings = kept;
    else {
      removeFrom(entry, ['granular_markings']);
      object = entry.object;
    }
  }
  const refs = Array.isArray(object.object_marking_refs) ? object.object_marking_refs : [];
  if (!refs.includes(agreementMarkingId))
    object.object_marking_refs = [...refs, agreementMarkingId];
  const type = String(object.type);
  if (isScoType(type)) return;
  if (entry.derived && entry.derivedId) object.id = entry.derivedId;
  const previous =
    typeof entry.original.modified === 'string' ? Date.parse(entry.original.modified) : Number.NaN;
  const next = Number.isNaN(previous) ? nowMs : Math.max(nowMs, previous + 1);
  if (entry.derived) {
    // A derived object starts its own history (STIX 2.1 §3.6.1).
    object.created = nowIso;
    object.modified = nowIso;
    removeFrom(entry, ['created_by_ref']);
  } else {
    object.modified = new Date(next).toISOString();
  }
}

/** STIX selector text: `external_references.[1].url`. */
function selectorText(segments: readonly SelectorSegment[]): string {
  return segments.map((s) => (typeof s === 'number' ? `[${s}]` : s)).join('.');
}

const NAMESPACE_BYTES = Uint8Array.from(
  INTELSHARE_POLICY_NAMESPACE.replaceAll('-', '')
    .match(/../g)!
    .map((h) => Number.parseInt(h, 16)),
);
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const utf8 = new TextEncoder();

/** RFC 9562 §5.5 UUIDv5 in our namespace (same result as `uuidV5`, without re-parsing the namespace per call). */
export function policyUuid(name: string): string {
  const bytes = utf8.encode(name);
  const input = new Uint8Array(16 + bytes.length);
  input.set(NAMESPACE_BYTES, 0);
  input.set(bytes, 16);
  const h = sha1(input);
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  let out = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) out += '-';
    out += HEX[h[i]!];
  }
  return out;
}

/** Derived ids by input object (identity) and name; entries go with the input objects. */
const derivedIdCache = new WeakMap<object, Map<string, string>>();

function derivedId(entry: Entry, a: SharingAgreement): string {
  const signature = [...entry.decision.redactions, ...entry.extraRedactions]
    .map((r) => `${r.action}:${r.path}`)
    .sort()
    .join(',');
  const name = `derived|${String(entry.original.id)}|${String(entry.original.modified ?? '')}|${a.id}@${a.version}|${signature}`;
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

function collectMarkings(object: Record<string, unknown>, out: Set<string>): void {
  const refs = object.object_marking_refs;
  if (Array.isArray(refs)) for (const ref of refs) if (typeof ref === 'string') out.add(ref);
  const gms = object.granular_markings;
  if (Array.isArray(gms)) {
    for (const gm of gms)
      if (isRecord(gm) && typeof gm.marking_ref === 'string') out.add(gm.marking_ref);
  }
}

/**
 * The class identity a victim is generalised to: its sectors and, when the bundle says
 * where it is (`located-at` a location with a `country`), its country. Victims of the
 * same class share one identity, so nothing tells them apart.
 */
function generaliseIdentity(
  victim: Record<string, unknown>,
  locatedAt: ReadonlyMap<string, string>,
  countries: ReadonlyMap<string, string>,
  created: string,
): Record<string, unknown> {
  const sectors = Array.isArray(victim.sectors)
    ? [
        ...new Set(
          victim.sectors.filter(
            (s): s is string => typeof s === 'string' && /^[a-z0-9-]{1,64}$/.test(s),
          ),
        ),
      ].sort()
    : [];
  const location = locatedAt.get(String(victim.id));
  const country = location ? countries.get(location) : undefined;
  const safeCountry =
    country && /^[A-Za-z]{2,3}$/.test(country) ? country.toUpperCase() : undefined;
  const what =
    sectors.length > 0
      ? `Organisations in the ${sectors.join(', ')} sector${sectors.length > 1 ? 's' : ''}`
      : 'Organisations (sector not stated)';
  const out: Record<string, unknown> = {
    type: 'identity',
    spec_version: '2.1',
    id: `identity--${uuidV5(INTELSHARE_POLICY_NAMESPACE, `class|${sectors.join(',')}|${safeCountry ?? ''}`)}`,
    created,
    modified: created,
    name: safeCountry ? `${what} (${safeCountry})` : what,
    identity_class: 'class',
  };
  if (sectors.length > 0) out.sectors = sectors;
  return out;
}

/**
 * The statement marking that names the agreement and version a projection was made
 * under. Its id is derived from the agreement id and version, so every projection under
 * the same version references the same marking.
 *
 * @param agreement - The agreement.
 * @returns The marking-definition object.
 *
 * @example
 * ```ts
 * import { agreementMarkingDefinition, parseAgreement } from '@intelshare/policy';
 *
 * const marking = agreementMarkingDefinition(parseAgreement({
 *   id: 'demo', version: '1', title: 'Demo', effective: { from: '2026-01-01T00:00:00Z' }, purposes: ['detection'],
 *   parties: [
 *     { identity: 'identity--8ce3f695-d5a4-4dc8-9e93-a65af453a31a', name: 'P', role: 'provider' },
 *     { identity: 'identity--03e23f6c-0ac9-4b47-9c84-f718132adb21', name: 'R', role: 'recipient' },
 *   ],
 *   recipients: [{ match: { identities: ['identity--03e23f6c-0ac9-4b47-9c84-f718132adb21'] }, maxTlp: 'green' }],
 * }));
 * marking.name; // 'Sharing agreement demo version 1'
 * ```
 */
export function agreementMarkingDefinition(
  agreement: SharingAgreement | CompiledAgreement,
): StixLikeObject {
  const a = compiled(agreement).agreement;
  const onward = a.onwardSharing.allowed
    ? `Onward sharing is allowed${a.onwardSharing.maxTlp ? ` up to TLP:${a.onwardSharing.maxTlp.toUpperCase()}` : ''}.`
    : 'Onward sharing is not allowed.';
  const statement = `Shared under sharing agreement "${a.title}" (${a.id}, version ${a.version}). Purposes: ${a.purposes.join(', ')}. ${onward} Provider attribution: ${a.providerAttribution}.`;
  return {
    type: 'marking-definition',
    spec_version: '2.1',
    id: `marking-definition--${uuidV5(INTELSHARE_POLICY_NAMESPACE, `agreement|${a.id}@${a.version}`)}`,
    created: new Date(Date.parse(a.effective.from)).toISOString(),
    name: `Sharing agreement ${a.id} version ${a.version}`,
    definition_type: 'statement',
    definition: { statement },
  };
}

export type { CompiledAgreementInternal };
