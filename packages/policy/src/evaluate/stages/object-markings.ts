// Stage 3 of a decision: the object's own markings — TLP (1.0 and 2.0), PAP, IEP 2.0,
// statements and custom markings. This is where TLP:RED (and every other level) is
// decided: the most restrictive TLP-like marking wins (FIRST TLP 2.0), and the recipient's
// clearance, worked out once per recipient by `clearanceFor`, says whether a clause
// grants that level to this recipient.
import type { ResolvedMarking } from '../../markings/resolve-marking';
import { tlpName, tlpRank } from '../../markings/tlp';
import type { Reason } from '../decision';
import { checkIep, checkPap, customStatementReason } from './marking-checks';
import type { StageInput } from './stage';

export type PapMarking = ResolvedMarking & { kind: 'pap' };
export type IepMarking = ResolvedMarking & { kind: 'iep' };

/** What the object-level markings say, for the granular stage to build on. */
export interface ObjectMarkings {
  /** The TLP rank the object carries (the agreement's `unmarkedTlp` when it carries none). */
  readonly rank: number;
  readonly paps: readonly PapMarking[] | undefined;
  readonly ieps: readonly IepMarking[] | undefined;
}

/**
 * Input: the object. Output: the object's TLP rank, PAP and IEP markings; allowing reasons
 * pushed onto `reasons`, denying ones onto `denies` (with `whyNot`). An unknown marking
 * denies: it is never treated as permissive. PAP and IEP are checked against the clause
 * that grants the object's TLP level.
 */
export function readObjectMarkings(
  input: StageInput,
  reasons: Reason[],
  denies: Reason[],
  whyNot: string[],
): ObjectMarkings {
  const { c, clearance, object, env } = input;
  const a = c.agreement;
  let rank = -1;
  let paps: PapMarking[] | undefined;
  let ieps: IepMarking[] | undefined;
  const refs = object.object_marking_refs;
  if (refs !== undefined) {
    if (!Array.isArray(refs)) {
      denies.push({
        rule: 'marking-unknown',
        effect: 'deny',
        clause: 'object',
        message: '`object_marking_refs` is not a list, so the markings cannot be read.',
      });
      whyNot.push('The provider fixes `object_marking_refs`.');
    } else {
      for (const ref of refs) {
        const marking = env.resolver.resolve(ref);
        switch (marking.kind) {
          case 'tlp':
          case 'iep': {
            const r = tlpRank(marking.level);
            if (r > rank) rank = r;
            if (marking.kind === 'iep') {
              if (ieps === undefined) ieps = [];
              ieps.push(marking);
            }
            break;
          }
          case 'custom':
            if (marking.treatAs === 'statement') {
              reasons.push(customStatementReason(c, marking));
            } else {
              const r = tlpRank(marking.treatAs);
              if (r > rank) rank = r;
            }
            break;
          case 'pap':
            if (paps === undefined) paps = [];
            paps.push(marking);
            break;
          case 'statement':
            reasons.push({
              rule: 'statement',
              effect: 'allow',
              clause: 'object_marking_refs',
              marking: marking.id,
              message: `Statement marking "${marking.statement.slice(0, 200)}" travels with the object.`,
            });
            break;
          default:
            denies.push({
              rule: 'marking-unknown',
              effect: 'deny',
              clause: 'markings.custom',
              marking: marking.id,
              message: `Marking ${marking.id} ${marking.why}; an unknown marking is never treated as permissive.`,
            });
            whyNot.push(
              `Provide the definition of ${marking.id} (in the bundle or a registry) and name it in \`markings.custom\` with the TLP it is equivalent to.`,
            );
        }
      }
    }
  }
  if (rank < 0) {
    rank = tlpRank(a.unmarkedTlp);
    reasons.push({
      rule: 'tlp',
      effect: 'allow',
      clause: 'unmarkedTlp',
      marking: tlpName(a.unmarkedTlp),
      message: `The object carries no TLP marking; the agreement treats unmarked objects as ${tlpName(a.unmarkedTlp)}.`,
    });
  }
  if (clearance.clauseForLevel[rank]! < 0) {
    denies.push(clearance.denyReason[rank]!);
    whyNot.push(clearance.whyNot[rank]!);
  } else {
    reasons.push(clearance.allowReason[rank]!);
    if (paps) {
      for (const pap of paps) {
        const check = checkPap(c, pap, rank, clearance);
        if (check?.deny) {
          denies.push(check.deny);
          whyNot.push(check.whyNot!);
        }
      }
    }
    if (ieps) {
      for (const iep of ieps) {
        const check = checkIep(c, iep, rank, clearance, env.nowMs);
        if (check?.deny) {
          denies.push(check.deny);
          whyNot.push(check.whyNot!);
        }
      }
    }
  }
  return { rank, paps, ieps };
}
