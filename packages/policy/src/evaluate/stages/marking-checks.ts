// The PAP, IEP 2.0 and custom-statement checks, shared by the object-marking and
// granular-marking stages: each is judged against ONE clause, the one granting the TLP
// level the object (or field) carries.

import type { IepPolicy } from '../../markings/iep';
import type { ResolvedMarking } from '../../markings/resolve-marking';
import {
  type Clearance,
  type CompiledAgreementInternal,
  clauseAt,
  IEP_ACTION_RANK,
  PAP_RANK,
} from '../compile-agreement';
import type { Reason } from '../decision';

export interface MarkingCheck {
  deny?: Reason;
  whyNot?: string;
}

/** IEP 2.0 policy checks against the agreement and the granting clause. */
export function checkIep(
  c: CompiledAgreementInternal,
  marking: ResolvedMarking & { kind: 'iep' },
  rank: number,
  clearance: Clearance,
  nowMs: number,
): MarkingCheck | undefined {
  const policy: IepPolicy = marking.policy;
  const clause = clauseAt(c, clearance, rank);
  const deny = (message: string, clauseName: string, whyNot: string): MarkingCheck => ({
    deny: { rule: 'iep', effect: 'deny', clause: clauseName, marking: marking.name, message },
    whyNot,
  });
  const start = policy.start_date ? Date.parse(policy.start_date) : Number.NEGATIVE_INFINITY;
  const end = policy.end_date ? Date.parse(policy.end_date) : Number.POSITIVE_INFINITY;
  if (Number.isNaN(start) || Number.isNaN(end) || nowMs < start || nowMs >= end) {
    return deny(
      `IEP policy ${marking.name} is not in effect at the time of sharing (start_date/end_date), so its terms cannot be confirmed.`,
      'object_marking_refs',
      'The provider re-marks the object with an IEP policy that is in effect.',
    );
  }
  if (policy.encrypt_in_transit === 'must' && !c.agreement.obligations.encryptInTransit) {
    return deny(
      `IEP policy ${marking.name} requires encryption in transit, and the agreement does not oblige it.`,
      'obligations.encryptInTransit',
      'Set `obligations.encryptInTransit: true` in the agreement.',
    );
  }
  if (
    policy.affected_party_notifications === 'must-not' &&
    c.agreement.obligations.notifyAffectedParties
  ) {
    return deny(
      `IEP policy ${marking.name} forbids notifying affected parties, but the agreement obliges the recipient to notify them.`,
      'obligations.notifyAffectedParties',
      'Remove `obligations.notifyAffectedParties`, or the provider re-marks the object.',
    );
  }
  if (policy.provider_attribution === 'must-not' && c.agreement.providerAttribution === 'must') {
    return deny(
      `IEP policy ${marking.name} forbids attributing the provider, but the agreement requires attribution.`,
      'providerAttribution',
      'Change `providerAttribution` to `may` or `must-not`.',
    );
  }
  if (policy.provider_attribution === 'must' && c.agreement.providerAttribution === 'must-not') {
    return deny(
      `IEP policy ${marking.name} requires attributing the provider, but the agreement forbids attribution.`,
      'providerAttribution',
      'Change `providerAttribution` to `may` or `must`.',
    );
  }
  if (clause) {
    const index = clearance.clauseForLevel[rank]!;
    if (IEP_ACTION_RANK[clause.intendedActions]! > IEP_ACTION_RANK[policy.permitted_actions]!) {
      return deny(
        `IEP policy ${marking.name} permits only "${policy.permitted_actions}", and recipients[${index}] intends "${clause.intendedActions}".`,
        `recipients[${index}].intendedActions`,
        `Set \`recipients[${index}].intendedActions\` to "${policy.permitted_actions}" or less.`,
      );
    }
    if (policy.unmodified_resale === 'must-not' && clause.resells) {
      return deny(
        `IEP policy ${marking.name} forbids unmodified resale, and recipients[${index}] resells what it receives.`,
        `recipients[${index}].resells`,
        `Set \`recipients[${index}].resells: false\`.`,
      );
    }
  }
  return undefined;
}

export function checkPap(
  c: CompiledAgreementInternal,
  marking: ResolvedMarking & { kind: 'pap' },
  rank: number,
  clearance: Clearance,
): MarkingCheck | undefined {
  const clause = clauseAt(c, clearance, rank);
  if (!clause) return undefined;
  if (PAP_RANK[marking.level]! <= PAP_RANK[clause.maxPap]!) return undefined;
  const index = clearance.clauseForLevel[rank]!;
  return {
    deny: {
      rule: 'pap',
      effect: 'deny',
      clause: `recipients[${index}].maxPap`,
      marking: marking.name,
      message: `${marking.name} restricts what the recipient may do more than recipients[${index}] commits to honour (up to PAP:${clause.maxPap.toUpperCase()}).`,
    },
    whyNot: `Set \`recipients[${index}].maxPap\` to ${marking.level} or higher (the recipient commits to honour ${marking.name}).`,
  };
}

/** The allowing reason for a custom marking the agreement reads as a statement. */
export function customStatementReason(
  c: CompiledAgreementInternal,
  marking: ResolvedMarking & { kind: 'custom' },
): Reason {
  const rule = c.custom.get(marking.id);
  return {
    rule: 'statement',
    effect: 'allow',
    clause: rule?.clause ?? 'markings.custom',
    marking: marking.id,
    message: `Custom marking ${marking.name} is read as a statement that does not restrict sharing, as the agreement says.`,
  };
}
