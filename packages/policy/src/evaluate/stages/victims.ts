// Stage 6 of a decision: victim protection — victim identities (remove, generalise,
// pseudonymise), where a sighting was seen, and relationships that could re-identify a
// protected victim. The generalised or pseudonymised replacement itself is built by the
// projection, which sees the whole bundle (see `project/stages/victims.ts`).
import type { CompiledAgreementInternal } from '../compile-agreement';
import type { Reason, Redaction } from '../decision';
import type { Env } from '../evaluate';
import { isOwnPseudonym } from '../pseudonym';
import { add, type Refusal, type StageInput } from './stage';

const RELATIONSHIP_ENDS = ['source_ref', 'target_ref'] as const;

function refusal(refuse: Reason, whyNot: string): Refusal {
  return { refuse, whyNot };
}

/**
 * Input: the object and the redactions so far. Output: the list with the victim
 * protections added (`generalise`/`pseudonymise` of the whole identity, rewritten or
 * removed `where_sighted_refs`), or a refusal for a victim the agreement removes and
 * relationships that could re-identify one.
 */
export function victimRedactions(
  input: StageInput,
  list: Redaction[] | undefined,
): Refusal | Redaction[] | undefined {
  const { c, object, env, id, type } = input;
  const victims = c.agreement.victimProtection;
  let redactions = list;
  const victimAction = victims.identities;
  if (
    type === 'identity' &&
    victimAction !== 'keep' &&
    isVictim(c, env, object, id) &&
    !env.protectedIds?.has(id)
  ) {
    if (object.identity_class === 'class' && victimAction === 'generalise') {
      // Already a class of organisations: nothing identifies a victim.
    } else if (
      victimAction === 'pseudonymise' &&
      env.pseudonymKey &&
      isOwnPseudonym(object, env.pseudonymKey)
    ) {
      // Already our pseudonym.
    } else if (
      victimAction === 'remove' ||
      (victimAction === 'pseudonymise' && !env.pseudonymKey)
    ) {
      return refusal(
        {
          rule: 'victim-identity',
          effect: 'deny',
          clause: 'victimProtection.identities',
          message:
            victimAction === 'remove'
              ? 'This identity is a victim or target, and the agreement removes victims.'
              : `This identity is a victim and must be pseudonymised, but no key \`${victims.pseudonymKeyId}\` was supplied, so it is withheld.`,
        },
        victimAction === 'remove'
          ? 'Set `victimProtection.identities` to `generalise` or `pseudonymise`.'
          : `Supply the pseudonym key \`${victims.pseudonymKeyId}\`.`,
      );
    } else {
      redactions = add(redactions, {
        path: '',
        action: victimAction,
        rule: 'victim-identity',
        clause: 'victimProtection.identities',
        message:
          victimAction === 'generalise'
            ? 'The victim identity is replaced by its sector/country class.'
            : 'The victim identity is replaced by a keyed pseudonym.',
      });
    }
  }
  if (type === 'sighting' && Array.isArray(object.where_sighted_refs)) {
    const action = victims.whereSighted ?? victimAction;
    if (action !== 'keep') {
      object.where_sighted_refs.forEach((ref, index) => {
        if (typeof ref === 'string' && env.protectedIds?.has(ref)) return;
        const effective = action === 'pseudonymise' && !env.pseudonymKey ? 'remove' : action;
        redactions = add(redactions, {
          path: `where_sighted_refs[${index}]`,
          action: effective === 'remove' ? 'remove' : effective,
          rule: 'where-sighted',
          clause: victims.whereSighted
            ? 'victimProtection.whereSighted'
            : 'victimProtection.identities',
          message:
            effective === 'remove'
              ? `Where the object was sighted identifies a victim, so the reference is removed${action === 'pseudonymise' ? ' (no pseudonym key was supplied)' : ''}.`
              : `Where the object was sighted identifies a victim, so the reference points to the victim's ${effective === 'generalise' ? 'class' : 'pseudonym'} instead.`,
        });
      });
    }
  }
  if (type === 'relationship' && victimAction !== 'keep') {
    for (const end of RELATIONSHIP_ENDS) {
      const ref = object[end];
      if (
        typeof ref === 'string' &&
        ref.startsWith('identity--') &&
        !env.protectedIds?.has(ref) &&
        (c.victimIds.has(ref) || env.victimIds?.has(ref))
      ) {
        // A generalised or pseudonymised victim may still be the target of an attack; any
        // other relationship (located-at, employed-by…) could re-identify it.
        if (
          victimAction !== 'remove' &&
          end === 'target_ref' &&
          object.relationship_type === 'targets'
        ) {
          continue;
        }
        return refusal(
          {
            rule: 'victim-identity',
            effect: 'deny',
            clause: 'victimProtection.identities',
            message:
              victimAction === 'remove'
                ? `The relationship's \`${end}\` is a victim, and the agreement removes victims.`
                : `The relationship's \`${end}\` is a victim; only \`targets\` relationships to a protected victim are kept, since others could re-identify it.`,
          },
          'Set `victimProtection.identities` to `keep` (only if the victim consents).',
        );
      }
    }
  }

  return redactions;
}

/** Whether an identity is a victim: named by the agreement, found in the bundle, or labelled `victim`. */
export function isVictim(
  c: CompiledAgreementInternal,
  env: Env,
  object: Readonly<Record<string, unknown>>,
  id: string,
): boolean {
  if (c.victimIds.has(id) || env.victimIds?.has(id)) return true;
  return Array.isArray(object.labels) && object.labels.includes('victim');
}

/** Whether an id names a victim identity that the projection protects (not one already protected). */
export function isVictimId(c: CompiledAgreementInternal, env: Env, id: string): boolean {
  return (c.victimIds.has(id) || env.victimIds?.has(id) === true) && !env.protectedIds?.has(id);
}
