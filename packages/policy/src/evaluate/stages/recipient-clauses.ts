// Stage 1 of a decision: is the recipient covered, is the agreement in effect, may this
// type of object be shared at all?
import { isStixDefinedType } from '../../internal/stix-facts';
import type { Decision, Reason } from '../decision';
import { type StageInput, withhold } from './stage';

/**
 * Input: the object and the recipient's clearance. Output: a withheld decision when no
 * clause covers the recipient, the agreement is not in effect, or the type may not be
 * shared; otherwise the allowing reasons every later stage starts from.
 */
export function recipientClauses(input: StageInput): Decision | Reason[] {
  const { c, clearance, env, id, type } = input;
  const a = c.agreement;
  if (!clearance.covered) {
    return withhold(
      id,
      type,
      [clearance.notCovered],
      [
        `Add a recipient clause to agreement ${a.id} that names ${clearance.recipient.identity} (or a community or organisation it belongs to).`,
      ],
    );
  }
  if (env.nowMs < c.fromMs || env.nowMs >= c.untilMs) {
    return withhold(
      id,
      type,
      [
        {
          rule: 'agreement-in-effect',
          effect: 'deny',
          clause: 'effective',
          message: `Agreement ${a.id} version ${a.version} is not in effect at the time of sharing.`,
        },
      ],
      ['Share while the agreement is in effect, or agree a new version covering this time.'],
    );
  }
  if (c.allowTypes === undefined && !c.denyTypes.has(type) && !isStixDefinedType(type)) {
    // The engine knows which properties of a STIX-defined type are required, free text or
    // references; of a custom type it knows nothing, so it cannot redact one safely.
    const shown = type.slice(0, 100);
    return withhold(
      id.slice(0, 200),
      shown,
      [
        {
          rule: 'object-type',
          effect: 'deny',
          clause: 'objects.allowTypes',
          message: `\`${shown}\` is not a STIX 2.1 object type, and custom types are shared only when \`objects.allowTypes\` names them.`,
        },
      ],
      [`Add \`${shown}\` to \`objects.allowTypes\`.`],
    );
  }
  if (c.denyTypes.has(type) || (c.allowTypes !== undefined && !c.allowTypes.has(type))) {
    const clause = c.denyTypes.has(type) ? 'objects.denyTypes' : 'objects.allowTypes';
    return withhold(
      id,
      type,
      [
        {
          rule: 'object-type',
          effect: 'deny',
          clause,
          message: `Objects of type \`${type}\` may not be shared under this agreement (${clause}).`,
        },
      ],
      [
        c.denyTypes.has(type)
          ? `Remove \`${type}\` from \`objects.denyTypes\`.`
          : `Add \`${type}\` to \`objects.allowTypes\`.`,
      ],
    );
  }
  return [clearance.coveredReason, c.reasons.inEffect, c.reasons.typeAllowed];
}
