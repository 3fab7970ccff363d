// What the projection stages share: the agreement, the recipient, the time, the entries
// and the ids present in the output.
import type { SharingAgreement } from '../../agreement/agreement-schema';
import type { Clearance, CompiledAgreementInternal } from '../../evaluate/compile-agreement';
import type { Decision, Reason } from '../../evaluate/decision';
import type { Env } from '../../evaluate/evaluate';
import type { StixLikeObject } from '../../markings/official-markings';
import type { NormalizedRecipient } from '../../recipient';
import type { Entry } from './entry';

/** What the bundle says about victims and where they are. */
export interface BundleFacts {
  readonly markingObjects: Record<string, unknown>[];
  readonly victimIds: Set<string>;
  readonly identities: Map<string, Record<string, unknown>>;
  /** identity id → the `located-at` relationships from it. */
  readonly locatedAt: Map<string, Record<string, unknown>[]>;
  readonly locations: Map<string, Record<string, unknown>>;
}

/** One replacement identity (a victim's class or pseudonym) and the entries it replaces. */
export interface Replacement {
  object: Record<string, unknown>;
  readonly victims: Entry[];
}

export interface ProjectionState {
  readonly c: CompiledAgreementInternal;
  readonly a: SharingAgreement;
  readonly clearance: Clearance;
  readonly who: NormalizedRecipient;
  readonly nowMs: number;
  readonly nowIso: string;
  /** `created`/`modified` of objects the projection makes (the agreement's start). */
  readonly agreementTime: string;
  readonly allowCustom: boolean;
  readonly markObjects: 'changed' | 'all';
  readonly objects: readonly unknown[];
  readonly facts: BundleFacts;
  readonly env: Env;
  readonly definitions: Map<string, StixLikeObject>;
  /** Marking definitions the recipient may not see, with why. */
  readonly hiddenMarkings: Map<string, Reason>;
  readonly agreementMarking: StixLikeObject;
  readonly entries: Entry[];
  /** One slot per input object: its decision, or `undefined` for a marking definition that is shared. */
  readonly decisions: (Decision | undefined)[];
  readonly replacements: Map<string, Replacement>;
  /** Input id → the id that replaces it in the output (victim class, pseudonym, derived object). */
  readonly idMap: Map<string, string>;
  /** Ids in the output, with how many objects (versions) carry each. */
  readonly present: Map<string, number>;
  /** Ids withheld or re-identified since references were last closed. */
  dirty: Set<string> | undefined;
  /** Ids that more than one output object (version) carries at some point. */
  readonly versioned: Set<string>;
}

export function addPresent(state: ProjectionState, id: string): void {
  const n = (state.present.get(id) ?? 0) + 1;
  state.present.set(id, n);
  if (n > 1) state.versioned.add(id);
}

export function dropPresent(state: ProjectionState, id: string): void {
  const n = (state.present.get(id) ?? 0) - 1;
  if (n <= 0) state.present.delete(id);
  else state.present.set(id, n);
}

/** The id an entry has in the output. */
export function outputId(entry: Entry): string {
  return entry.derived && entry.derivedId ? entry.derivedId : String(entry.original.id);
}

/** Withholds a kept entry after selection: it leaves the output and objects referencing it are looked at again. */
export function withholdLater(state: ProjectionState, entry: Entry, reason: Reason): void {
  if (entry.withheld) return;
  entry.withheld = true;
  entry.extraReasons.push(reason);
  if (entry.replacement) return;
  const id = outputId(entry);
  dropPresent(state, id);
  if (state.dirty === undefined) state.dirty = new Set();
  state.dirty.add(id);
  state.dirty.add(String(entry.original.id));
}
