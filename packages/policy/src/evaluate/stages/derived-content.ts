// Stage 7 of a decision: content that restates another object's fields. A
// `language-content` (STIX 2.1 §7.1) translates the fields of the object it names, so it
// gets the treatment that object gets: a translation of a protected victim would tie the
// victim's real name to its class or pseudonym, so it is withheld. Translations of other
// objects are cut down to the fields the recipient receives by the projection's derive
// stage (`project/stages/derive.ts`), which sees the translated object.
import type { Reason } from '../decision';
import type { Refusal, StageInput } from './stage';
import { isVictimId } from './victims';

/** Input: the object. Output: a refusal for a translation of a protected victim, else nothing. */
export function derivedContentRefusal(input: StageInput): Refusal | undefined {
  const { c, object, env, type } = input;
  if (type !== 'language-content') return undefined;
  const action = c.agreement.victimProtection.identities;
  const target = object.object_ref;
  if (action === 'keep' || typeof target !== 'string' || !isVictimId(c, env, target))
    return undefined;
  const refuse: Reason = {
    rule: 'victim-identity',
    effect: 'deny',
    clause: 'victimProtection.identities',
    message: `It translates the fields of a victim identity, which the agreement ${action === 'remove' ? 'removes' : action === 'generalise' ? 'generalises' : 'pseudonymises'}, so the translation is withheld too.`,
  };
  return {
    refuse,
    whyNot: 'Set `victimProtection.identities` to `keep` (only if the victim consents).',
  };
}
