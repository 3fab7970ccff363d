// Projection stage 7, audit: the final decision per input object (updated with what the
// later stages did) and, when an audit log is given, one hash-chained entry.
import { IntelshareError } from '@intelshare/stix';
import { type AuditEntry, type AuditLog, contentHash } from '../../audit/audit-log';
import type { Decision, Reason } from '../../evaluate/decision';
import type { Entry } from './entry';
import type { ProjectionState } from './state';

/** Input: the decisions and entries. Output: one decision per input object, in input order. */
export function finalDecisions(state: ProjectionState): Decision[] {
  const out: Decision[] = [];
  const byIndex: (Entry | undefined)[] = new Array(state.decisions.length);
  for (const entry of state.entries) byIndex[entry.index] = entry;
  state.decisions.forEach((decision, index) => {
    if (!decision) return;
    const entry = byIndex[index];
    if (!entry) {
      out.push(decision);
      return;
    }
    if (entry.withheld) {
      out.push({
        id: decision.id,
        type: decision.type,
        action: 'withhold',
        reasons: [...decision.reasons, ...entry.extraReasons],
        redactions: [],
        whyNot: [whyNotLater(entry.extraReasons)],
      });
      return;
    }
    if (!entry.derived && entry.extraRedactions.length === 0) {
      out.push(decision);
      return;
    }
    const redactions = [...decision.redactions, ...entry.extraRedactions];
    if (entry.derived) {
      redactions.push({
        path: '',
        action: 'rewrite',
        rule: 'versioning',
        clause: 'object',
        message: `The object was created by someone else, so the redacted copy is a new object ${state.idMap.get(decision.id)} (STIX 2.1 §3.6.1).`,
      });
    }
    out.push({
      id: decision.id,
      type: decision.type,
      action: redactions.length > 0 ? 'share-redacted' : 'share',
      reasons: decision.reasons,
      redactions,
    });
  });
  return out;
}

/** What would change a decision a later stage turned into `withhold`. */
function whyNotLater(reasons: readonly Reason[]): string {
  const last = reasons.at(-1);
  switch (last?.rule) {
    case 'malformed':
      return 'The provider fixes the object so it is valid STIX 2.1 (or the projection allows custom content).';
    case 'versioning':
      return 'The provider sends each version of an object once, with its own `modified` time.';
    case 'derived-content':
      return 'Share the object it translates, with the fields it translates.';
    case 'victim-identity':
      return 'The provider re-marks what the victim’s class or pseudonym is built from, or `victimProtection.identities` is `keep` (only if the victim consents).';
    default:
      return 'Share the objects it references (or remove the references) in the same bundle.';
  }
}

/** Appends the projection to the audit log. */
export function appendAudit(
  state: ProjectionState,
  log: AuditLog,
  actor: string | undefined,
  decisions: readonly Decision[],
  bundle: unknown,
): AuditEntry {
  const { a } = state;
  const counts = { share: 0, 'share-redacted': 0, withhold: 0 };
  for (const decision of decisions) counts[decision.action]++;
  return log.append({
    time: state.nowIso,
    actor: actor ?? a.parties.find((party) => party.role !== 'recipient')?.identity ?? 'unknown',
    recipient: state.who.identity,
    agreement: { id: a.id, version: a.version },
    inputHash: hashForAudit(state.objects),
    outputHash: hashForAudit(bundle),
    counts,
    decisions: decisions.map((d) => [
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
