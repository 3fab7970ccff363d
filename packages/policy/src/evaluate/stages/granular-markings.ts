// Stage 4 of a decision: granular markings (STIX 2.1 §7.2.3), field by field. A field is
// shared only when ONE recipient clause allows every marking that applies to it at once:
// the object's own markings, the granular markings on the field and those on any property
// that contains it. The clause is the one that grants the field's TLP level; the object's
// PAP and IEP markings and the field's are all judged against that same clause.
import { cannotLose } from '../../internal/stix-facts';
import {
  parseSelector,
  type SelectorSegment,
  segmentsToPath,
  selectorResolves,
} from '../../markings/granular';
import type { ResolvedMarking } from '../../markings/resolve-marking';
import { tlpRank } from '../../markings/tlp';
import type { Reason, Redaction } from '../decision';
import { checkIep, checkPap, type MarkingCheck } from './marking-checks';
import type { IepMarking, ObjectMarkings, PapMarking } from './object-markings';
import { isRecord, type Refusal, type StageInput, shown } from './stage';

/** More selectors than any real object carries; beyond it the object is withheld (bounded work). */
const MAX_SELECTORS = 1000;

/** Lists whose entries are only valid whole: losing a part of an entry drops the entry. */
const WHOLE_ENTRY_LISTS = new Set(['kill_chain_phases']);

interface Field {
  readonly segments: readonly SelectorSegment[];
  readonly markings: ResolvedMarking[];
}

/**
 * Input: the object and its object-level markings. Output: the fields to remove (as
 * `remove` redactions), or a refusal when a granular marking cannot be read, points at
 * nothing, or protects a property the object cannot lose.
 */
export function granularRedactions(
  input: StageInput,
  markings: ObjectMarkings,
): Refusal | Redaction[] | undefined {
  const { object } = input;
  const gms = object.granular_markings;
  if (gms === undefined) return undefined;
  if (!Array.isArray(gms)) {
    return malformed('`granular_markings` is not a list, so field markings cannot be read.');
  }
  const fields = new Map<string, Field>();
  let selectorCount = 0;
  for (let i = 0; i < gms.length; i++) {
    const gm = gms[i];
    if (!isRecord(gm) || !Array.isArray(gm.selectors) || gm.selectors.length === 0) {
      return malformed(`granular_markings[${i}] has no selectors, so what it marks is unknown.`);
    }
    const hasLang = Object.hasOwn(gm, 'lang');
    const hasRef = Object.hasOwn(gm, 'marking_ref');
    if (hasLang && hasRef) {
      // STIX 2.1 §7.2.3: a granular marking carries `lang` or `marking_ref`, never both.
      return malformed(
        `granular_markings[${i}] has both \`lang\` and \`marking_ref\`, which STIX 2.1 §7.2.3 forbids, so what it means is unknown.`,
      );
    }
    if (!hasRef) {
      // A granular marking with `lang` states a language, not a restriction.
      if (typeof gm.lang === 'string') continue;
      return malformed(`granular_markings[${i}] has neither \`marking_ref\` nor \`lang\`.`);
    }
    selectorCount += gm.selectors.length;
    if (selectorCount > MAX_SELECTORS) {
      return malformed(`The object has more than ${MAX_SELECTORS} granular-marking selectors.`);
    }
    const marking = input.env.resolver.resolve(gm.marking_ref);
    for (const selector of gm.selectors) {
      const segments = parseSelector(selector);
      if (!segments || !selectorResolves(object, segments)) {
        return {
          refuse: {
            rule: 'granular-marking',
            effect: 'deny',
            clause: 'object',
            message: `granular_markings[${i}] selector \`${shown(selector)}\` does not point at anything in the object, so what it protects cannot be removed.`,
          },
          whyNot: 'The provider fixes the granular marking selector.',
        };
      }
      const key = segmentsToPath(segments);
      let field = fields.get(key);
      if (field === undefined) {
        field = { segments, markings: [] };
        fields.set(key, field);
      }
      field.markings.push(marking);
    }
  }
  if (fields.size === 0) return undefined;

  let redactions: Redaction[] | undefined;
  const removed = new Set<string>();
  for (const [key, field] of fields) {
    // Every marking on the field and on each property that contains it applies.
    const applicable: ResolvedMarking[] = [];
    for (const other of fields.values()) {
      if (isPrefix(other.segments, field.segments)) applicable.push(...other.markings);
    }
    const denial = fieldDenial(input, markings, applicable);
    if (!denial?.deny) continue;
    const top = field.segments[0] as string;
    if (field.segments.length === 1 && cannotLose(input.type, object, top)) {
      return {
        refuse: {
          ...denial.deny,
          effect: 'deny',
          message: `${denial.deny.message} It marks the required property \`${top}\`, so the whole object is withheld.`,
        },
        whyNot:
          denial.whyNot ??
          input.clearance.whyNot[fieldRankOf(markings, applicable)] ??
          'The provider re-marks the required property.',
      };
    }
    if (field.segments.length > 1 && cannotLose(input.type, object, top)) {
      // A part of a required property: the property cannot go, so neither can the object.
      return {
        refuse: {
          ...denial.deny,
          effect: 'deny',
          message: `${denial.deny.message} It marks part of the required property \`${top}\`, so the whole object is withheld.`,
        },
        whyNot: denial.whyNot ?? 'The provider re-marks the required property.',
      };
    }
    const target = wholeEntry(field.segments);
    const path = segmentsToPath(target);
    if (removed.has(path) || removed.has(key)) continue;
    removed.add(path);
    const redaction: Redaction = {
      path,
      action: 'remove',
      rule: 'granular-marking',
      clause: denial.deny.clause,
      ...(denial.deny.marking !== undefined ? { marking: denial.deny.marking } : {}),
      message: denial.deny.message,
    };
    if (redactions === undefined) redactions = [];
    redactions.push(redaction);
  }
  return redactions;
}

function malformed(message: string): Refusal {
  return {
    refuse: { rule: 'granular-marking', effect: 'deny', clause: 'object', message },
    whyNot: 'The provider fixes the granular marking.',
  };
}

function isPrefix(prefix: readonly SelectorSegment[], of: readonly SelectorSegment[]): boolean {
  if (prefix.length > of.length) return false;
  for (let i = 0; i < prefix.length; i++) if (prefix[i] !== of[i]) return false;
  return true;
}

/** `kill_chain_phases.[0].phase_name` → `kill_chain_phases.[0]`: a part of an entry that is only valid whole. */
function wholeEntry(segments: readonly SelectorSegment[]): readonly SelectorSegment[] {
  if (
    segments.length > 2 &&
    typeof segments[1] === 'number' &&
    WHOLE_ENTRY_LISTS.has(segments[0] as string)
  ) {
    return segments.slice(0, 2);
  }
  if (
    segments.length > 2 &&
    segments[0] === 'external_references' &&
    typeof segments[1] === 'number' &&
    segments[2] === 'source_name'
  ) {
    return segments.slice(0, 2);
  }
  return segments;
}

function isTlpLike(m: ResolvedMarking): boolean {
  return m.kind === 'tlp' || m.kind === 'iep' || (m.kind === 'custom' && m.treatAs !== 'statement');
}

function fieldRankOf(markings: ObjectMarkings, applicable: readonly ResolvedMarking[]): number {
  let rank = markings.rank;
  for (const m of applicable) {
    if (!isTlpLike(m)) continue;
    const level = m.kind === 'custom' ? m.treatAs : (m as { level: string }).level;
    rank = Math.max(rank, tlpRank(level as never));
  }
  return rank;
}

/** Why the field may not be shared, or `undefined` when one clause allows all its markings. */
function fieldDenial(
  input: StageInput,
  markings: ObjectMarkings,
  applicable: readonly ResolvedMarking[],
): MarkingCheck | undefined {
  const { c, clearance, env } = input;
  for (const m of applicable) {
    if (m.kind === 'unknown') {
      return {
        deny: {
          rule: 'granular-marking',
          effect: 'redact',
          clause: 'markings.custom',
          marking: m.id,
          message: `Marking ${m.id} ${m.why}; fields it marks are removed.`,
        },
      };
    }
  }
  const rank = fieldRankOf(markings, applicable);
  if (clearance.clauseForLevel[rank]! < 0) {
    return {
      deny: {
        ...(clearance.denyReason[rank] as Reason),
        rule: 'granular-marking',
        effect: 'redact',
      },
    };
  }
  // The object's own PAP/IEP markings were checked against the clause for the object's
  // level; when the field's level is granted by another clause they must hold there too.
  const sameClause = clearance.clauseForLevel[rank] === clearance.clauseForLevel[markings.rank];
  const paps: PapMarking[] = sameClause ? [] : [...(markings.paps ?? [])];
  const ieps: IepMarking[] = sameClause ? [] : [...(markings.ieps ?? [])];
  for (const m of applicable) {
    if (m.kind === 'pap') paps.push(m);
    else if (m.kind === 'iep') ieps.push(m);
  }
  for (const pap of paps) {
    const check = checkPap(c, pap, rank, clearance);
    if (check?.deny) return { ...check, deny: { ...check.deny, effect: 'redact' } };
  }
  for (const iep of ieps) {
    const check = checkIep(c, iep, rank, clearance, env.nowMs);
    if (check?.deny) return { ...check, deny: { ...check.deny, effect: 'redact' } };
  }
  return undefined;
}
