// Projection stage 1, select: what the bundle says about victims and markings, which
// marking definitions the recipient may see, and a decision for every object.
import type { SharingAgreement } from '../../agreement/agreement-schema';
import type { Clearance, CompiledAgreementInternal } from '../../evaluate/compile-agreement';
import type { Decision, Reason } from '../../evaluate/decision';
import { type EvaluationContext, makeEnv } from '../../evaluate/evaluate';
import { isOwnPseudonym } from '../../evaluate/pseudonym';
import { granularRedactions } from '../../evaluate/stages/granular-markings';
import { readObjectMarkings } from '../../evaluate/stages/object-markings';
import type { StageInput } from '../../evaluate/stages/stage';
import { definitionsMap } from '../../markings/marking-resolver';
import type { StixLikeObject } from '../../markings/official-markings';
import { isRecord } from '../json-edit';
import type { BundleFacts } from './state';
import { strictIssues } from './validity';

/** Reads victims, identities, locations and marking definitions out of the bundle. */
export function bundleFacts(objects: readonly unknown[], a: SharingAgreement): BundleFacts {
  const facts: BundleFacts = {
    markingObjects: [],
    victimIds: new Set(a.victimProtection.victimIdentityIds),
    identities: new Map(),
    locatedAt: new Map(),
    locations: new Map(),
  };
  for (const object of objects) {
    if (!isRecord(object)) continue;
    switch (object.type) {
      case 'marking-definition':
        facts.markingObjects.push(object);
        break;
      case 'sighting':
        if (Array.isArray(object.where_sighted_refs)) {
          for (const ref of object.where_sighted_refs)
            if (typeof ref === 'string') facts.victimIds.add(ref);
        }
        break;
      case 'relationship':
        if (typeof object.source_ref === 'string' && typeof object.target_ref === 'string') {
          if (object.relationship_type === 'targets' && object.target_ref.startsWith('identity--'))
            facts.victimIds.add(object.target_ref);
          if (
            object.relationship_type === 'located-at' &&
            object.source_ref.startsWith('identity--')
          ) {
            const list = facts.locatedAt.get(object.source_ref) ?? [];
            list.push(object);
            facts.locatedAt.set(object.source_ref, list);
          }
        }
        break;
      case 'location':
        if (typeof object.id === 'string') facts.locations.set(object.id, object);
        break;
      case 'identity':
        if (typeof object.id === 'string') {
          facts.identities.set(object.id, object);
          if (Array.isArray(object.labels) && object.labels.includes('victim'))
            facts.victimIds.add(object.id);
        }
        break;
    }
  }
  return facts;
}

/**
 * Marking definitions are objects like any other: one that carries markings of its own
 * the recipient may not see (or a granular marking on its text, or that is not valid
 * STIX) is hidden. A reference to a hidden definition resolves as unknown, so an object
 * it marks is withheld and a field it marks removed: dropping the marking instead would
 * share the object with less protection than it came with. Unmarked definitions are
 * visible: what they say is the marking every object carrying it shows.
 */
export function hiddenMarkingDefinitions(
  c: CompiledAgreementInternal,
  clearance: Clearance,
  definitions: ReadonlyMap<string, StixLikeObject>,
  context: EvaluationContext,
  allowCustom: boolean,
): Map<string, Reason> {
  const hidden = new Map<string, Reason>();
  const why = new Map<string, string>();
  const marked: StixLikeObject[] = [];
  for (const definition of definitions.values()) {
    const issue = strictIssues(definition, allowCustom)[0];
    if (issue) {
      const reason: Reason = {
        rule: 'malformed',
        effect: 'deny',
        clause: 'object',
        marking: definition.id,
        message: `The marking definition is not valid STIX 2.1 (\`${issue.path || 'object'}\`: ${issue.message.slice(0, 200)}), so neither it nor what it marks is shared.`,
      };
      hidden.set(definition.id, reason);
      why.set(definition.id, 'is not a valid marking definition');
    } else if (
      definition.object_marking_refs !== undefined ||
      definition.granular_markings !== undefined
    ) {
      marked.push(definition);
    }
  }
  // A definition marked with a hidden definition is hidden too: repeat until stable.
  for (let round = 0; round <= marked.length; round++) {
    const env = makeEnv(c, context, {
      definitions: definitions as Map<string, StixLikeObject>,
      hiddenMarkings: why,
    });
    let changed = false;
    for (const definition of marked) {
      if (hidden.has(definition.id)) continue;
      const input: StageInput = {
        c,
        clearance,
        object: definition,
        id: definition.id,
        type: 'marking-definition',
        env,
      };
      const reasons: Reason[] = [];
      const denies: Reason[] = [];
      const markings = readObjectMarkings(input, reasons, denies, []);
      const granular = granularRedactions(input, markings);
      const deny =
        denies[0] ??
        (granular === undefined
          ? undefined
          : Array.isArray(granular)
            ? granular.length > 0
              ? ({
                  rule: 'granular-marking',
                  effect: 'deny',
                  clause: granular[0]!.clause,
                  message: `Part of it (\`${granular[0]!.path}\`) is marked above what the recipient may see.`,
                } satisfies Reason)
              : undefined
            : granular.refuse);
      if (deny === undefined) continue;
      hidden.set(definition.id, {
        ...deny,
        effect: 'deny',
        message: `The marking definition itself is marked: ${deny.message}`,
      });
      why.set(definition.id, 'is itself marked above what the recipient may see');
      changed = true;
    }
    if (!changed) break;
  }
  return hidden;
}

/** The definitions available to a projection: the bundle's, then the registry's. */
export function projectionDefinitions(
  facts: BundleFacts,
  registry: Iterable<unknown> | undefined,
): Map<string, StixLikeObject> {
  return definitionsMap(facts.markingObjects, registry);
}

/** Identities already generalised or pseudonymised: kept as they are. */
export function alreadyProtected(
  facts: BundleFacts,
  a: SharingAgreement,
  key: Uint8Array | undefined,
): Set<string> {
  const protectedIds = new Set<string>();
  for (const [id, identity] of facts.identities) {
    if (a.victimProtection.identities === 'generalise' && identity.identity_class === 'class')
      protectedIds.add(id);
    if (key && isOwnPseudonym(identity, key)) protectedIds.add(id);
  }
  return protectedIds;
}

/** A withheld decision for a marking definition the recipient may not see. */
export function hiddenDefinitionDecision(id: string, reason: Reason): Decision {
  return {
    id,
    type: 'marking-definition',
    action: 'withhold',
    reasons: [reason],
    redactions: [],
    whyNot: [
      'The provider re-marks the marking definition (or the agreement grants what marks it).',
    ],
  };
}
