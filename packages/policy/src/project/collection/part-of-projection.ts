// What one projection of a collection gives for a part of it: the part's own copies, the
// marking definitions they need and the victim replacements when one of the part's victims
// is replaced. The projection's output lines up with its input (definitions first, kept
// objects in input order, replacements last; decisions in input order); the walk checks
// that object by object and throws when it does not, so nothing is ever attributed to the
// wrong object (fail closed).
import type { Decision } from '../../evaluate/decision';
import type { StixLikeObject } from '../../markings/official-markings';
import type { Projection } from '../project';

type StixObject = Record<string, unknown>;

/** What a collection projection gives for one part (a page) of the collection. */
export interface PartProjection {
  /**
   * The part's projected copies in part order, preceded by the marking definitions they
   * need (and the agreement's statement marking, which every projection carries) and
   * followed by the victim replacements when one of the part's objects is a replaced victim.
   */
  objects: StixLikeObject[];
  /** The decision for each of the part's objects, in part order (marking definitions only when withheld). */
  decisions: Decision[];
}

/** The key of one object version: the same `id` at another `modified` is another input. */
export function versionKey(object: StixObject): string {
  const version = typeof object.modified === 'string' ? object.modified : object.created;
  return `${String(object.id)}|${typeof version === 'string' ? version : ''}`;
}

function isReplaced(decision: Decision): boolean {
  return decision.redactions.some(
    (r) => r.path === '' && (r.action === 'pseudonymise' || r.action === 'generalise'),
  );
}

function markingRefs(object: StixObject, into: Set<string>): void {
  if (Array.isArray(object.object_marking_refs)) {
    for (const ref of object.object_marking_refs) if (typeof ref === 'string') into.add(ref);
  }
  if (Array.isArray(object.granular_markings)) {
    for (const marking of object.granular_markings) {
      const ref = (marking as { marking_ref?: unknown } | null)?.marking_ref;
      if (typeof ref === 'string') into.add(ref);
    }
  }
}

/**
 * Picks the part's results out of a projection of `input`, where `partIndexes[i]` is the
 * input index of the part's `i`-th object and `agreementMarkingId` the statement marking
 * every projection carries.
 */
export function partOfProjection(
  input: readonly StixObject[],
  partIndexes: readonly number[],
  projection: Projection,
  agreementMarkingId: string,
): PartProjection {
  const output = projection.bundle.objects as StixObject[];
  const decisions = projection.decisions;
  let prefix = 0;
  while (prefix < output.length && output[prefix]!.type === 'marking-definition') prefix++;

  const produced: (StixObject | undefined)[] = new Array(input.length);
  const replaced: boolean[] = new Array(input.length).fill(false);
  const decided: (Decision | undefined)[] = new Array(input.length);
  let next = 0;
  let cursor = prefix;
  input.forEach((object, index) => {
    if (object.type === 'marking-definition') {
      if (decisions[next]?.id === object.id) decided[index] = decisions[next++];
      return;
    }
    const decision = decisions[next++];
    if (decision === undefined || decision.id !== object.id) {
      throw new Error(
        `The projection's decisions do not follow its input at \`${String(object.id).slice(0, 200)}\`.`,
      );
    }
    decided[index] = decision;
    if (decision.action === 'withhold') return;
    if (isReplaced(decision)) {
      replaced[index] = true;
      return;
    }
    const copy = output[cursor++];
    if (copy === undefined || copy.type !== object.type) {
      throw new Error(
        `The projection's output does not follow its input at \`${String(object.id).slice(0, 200)}\`.`,
      );
    }
    produced[index] = copy;
  });
  const replacements = output.slice(cursor);
  if (replacements.some((object) => object.type !== 'identity')) {
    throw new Error("The projection's output holds more objects than its input explains.");
  }

  const own: StixObject[] = [];
  let anyReplaced = false;
  for (const index of partIndexes) {
    const copy = produced[index];
    if (copy !== undefined) own.push(copy);
    if (replaced[index]) anyReplaced = true;
  }
  if (anyReplaced) own.push(...replacements);

  // The definitions of the markings the part's copies carry (and those carry), and the
  // agreement's statement marking, which every projection carries whatever it shares:
  // never one only another part needs.
  const heads = output.slice(0, prefix);
  const definitions = new Map(heads.map((d) => [String(d.id), d]));
  const needed = new Set<string>([agreementMarkingId]);
  for (const object of own) markingRefs(object, needed);
  const queue = [...needed];
  while (queue.length > 0) {
    const definition = definitions.get(queue.pop()!);
    if (definition === undefined) continue;
    const more = new Set<string>();
    markingRefs(definition, more);
    for (const ref of more) {
      if (needed.has(ref)) continue;
      needed.add(ref);
      queue.push(ref);
    }
  }
  const ownHeads = own.length === 0 ? [] : heads.filter((d) => needed.has(String(d.id)));
  const partDecisions: Decision[] = [];
  for (const index of partIndexes) {
    const decision = decided[index];
    if (decision !== undefined) partDecisions.push(decision);
  }
  return { objects: [...ownHeads, ...own] as StixLikeObject[], decisions: partDecisions };
}
