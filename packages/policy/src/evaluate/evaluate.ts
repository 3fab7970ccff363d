import type { SharingAgreement } from '../agreement/agreement-schema';
import { isRequiredRef, isStixDefinedType, requiredProperties } from '../internal/stix-facts';
import { parseSelector, segmentsToPath, selectorResolves } from '../markings/granular';
import type { IepPolicy } from '../markings/iep';
import { definitionsMap, MarkingResolver } from '../markings/marking-resolver';
import type { StixLikeObject } from '../markings/official-markings';
import type { ResolvedMarking } from '../markings/resolve-marking';
import { TLP_LEVELS, tlpName, tlpRank } from '../markings/tlp';
import { type NormalizedRecipient, parseRecipient, type Recipient } from '../recipient';
import {
  type Clearance,
  type CompiledAgreement,
  type CompiledAgreementInternal,
  clauseAt,
  clearanceFor,
  compiled,
  IEP_ACTION_RANK,
  matchesRules,
  PAP_RANK,
} from './compile-agreement';
import type { Decision, Reason, Redaction } from './decision';
import { isOwnPseudonym } from './pseudonym';

/** Extra facts for {@link evaluate}. */
export interface EvaluationContext {
  /** The time of the decision (default: now). Projections pass one time for every object. */
  now?: Date | string | number;
  /** Marking definitions available besides the official ones (the bundle's and a registry's). */
  markingDefinitions?: Iterable<unknown>;
  /** Identities known to be victims or targets (projections discover them from the bundle). */
  victimIds?: Iterable<string>;
  /** Keys for keyed pseudonyms, by the id the agreement names in `victimProtection.pseudonymKeyId`. */
  pseudonymKeys?: Readonly<Record<string, string | Uint8Array>>;
}

/** Internal evaluation environment, built once per projection. */
export interface Env {
  readonly nowMs: number;
  readonly resolver: MarkingResolver;
  readonly victimIds: ReadonlySet<string> | undefined;
  /** Identities already generalised or pseudonymised (kept as they are). */
  readonly protectedIds: ReadonlySet<string> | undefined;
  readonly pseudonymKey: Uint8Array | undefined;
}

const MS_PER_DAY = 86_400_000;
const RELATIONSHIP_ENDS = ['source_ref', 'target_ref'] as const;
const encoder = new TextEncoder();

/**
 * Decides whether one STIX object may go to a recipient under an agreement: share it,
 * share it with redactions, or withhold it, with every reason (rule, clause, marking, in
 * words) and, when withheld, what would have to change. Anything unknown withholds.
 * References to other objects are checked by {@link project}, which sees the whole bundle.
 *
 * @param agreement - A validated or compiled agreement.
 * @param recipient - Who would receive the object.
 * @param object - The STIX object (plain JSON).
 * @param context - Time, marking definitions, known victims, pseudonym keys.
 * @returns The decision.
 *
 * @example
 * ```ts
 * import { evaluate, parseAgreement, TLP2_MARKING_IDS } from '@intelshare/policy';
 *
 * const agreement = parseAgreement({
 *   id: 'demo', version: '1', title: 'Demo', effective: { from: '2026-01-01T00:00:00Z' },
 *   purposes: ['detection'],
 *   parties: [
 *     { identity: 'identity--8ce3f695-d5a4-4dc8-9e93-a65af453a31a', name: 'P', role: 'provider' },
 *     { identity: 'identity--03e23f6c-0ac9-4b47-9c84-f718132adb21', name: 'R', role: 'recipient' },
 *   ],
 *   recipients: [{ match: { identities: ['identity--03e23f6c-0ac9-4b47-9c84-f718132adb21'] }, maxTlp: 'green' }],
 * });
 * const decision = evaluate(agreement, { identity: 'identity--03e23f6c-0ac9-4b47-9c84-f718132adb21' }, {
 *   type: 'indicator', id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', spec_version: '2.1',
 *   created: '2026-02-01T00:00:00.000Z', modified: '2026-02-01T00:00:00.000Z',
 *   pattern: "[ipv4-addr:value = '198.51.100.1']", pattern_type: 'stix', valid_from: '2026-02-01T00:00:00Z',
 *   object_marking_refs: [TLP2_MARKING_IDS['TLP:AMBER']],
 * }, { now: '2026-03-01T00:00:00Z' });
 * decision.action; // 'withhold'
 * ```
 * @see /policy/concepts/
 */
export function evaluate(
  agreement: SharingAgreement | CompiledAgreement,
  recipient: Recipient,
  object: unknown,
  context: EvaluationContext = {},
): Decision {
  const c = compiled(agreement);
  const clearance = clearanceFor(c, parseRecipient(recipient));
  return decide(c, clearance, object, makeEnv(c, context), '');
}

const defaultResolvers = new WeakMap<CompiledAgreementInternal, MarkingResolver>();

/** Internal: the environment for a context. */
export function makeEnv(
  c: CompiledAgreementInternal,
  context: EvaluationContext,
  extra: { protectedIds?: ReadonlySet<string>; definitions?: Map<string, StixLikeObject> } = {},
): Env {
  let resolver: MarkingResolver;
  if (extra.definitions) resolver = new MarkingResolver(extra.definitions, c.custom);
  else if (context.markingDefinitions)
    resolver = new MarkingResolver(definitionsMap(context.markingDefinitions), c.custom);
  else {
    resolver = defaultResolvers.get(c) ?? new MarkingResolver(new Map(), c.custom);
    defaultResolvers.set(c, resolver);
  }
  const keyId = c.agreement.victimProtection.pseudonymKeyId;
  // `Object.hasOwn`: a key id such as `constructor` must not find `Object.prototype`'s members.
  const keys = context.pseudonymKeys;
  const rawKey =
    keyId !== undefined && keys !== undefined && Object.hasOwn(keys, keyId)
      ? keys[keyId]
      : undefined;
  return {
    nowMs: toMs(context.now),
    resolver,
    victimIds: context.victimIds ? new Set(context.victimIds) : undefined,
    protectedIds: extra.protectedIds,
    pseudonymKey:
      typeof rawKey === 'string'
        ? encoder.encode(rawKey)
        : rawKey instanceof Uint8Array
          ? rawKey
          : undefined,
  };
}

/** Internal: milliseconds since the epoch for a time option. */
export function toMs(now: Date | string | number | undefined): number {
  if (now === undefined) return Date.now();
  const ms = now instanceof Date ? now.getTime() : typeof now === 'number' ? now : Date.parse(now);
  if (!Number.isFinite(ms)) throw new TypeError('`now` must be a valid date.');
  return ms;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function withhold(id: string, type: string, reasons: Reason[], whyNot: string[]): Decision {
  return { id, type, action: 'withhold', reasons, redactions: [], whyNot };
}

interface MarkingCheck {
  deny?: Reason;
  whyNot?: string;
}

/** IEP 2.0 policy checks against the agreement and the granting clause. */
function checkIep(
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

function checkPap(
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

/**
 * Internal: the decision for one object. `where` names the object when it has no id
 * (`objects[3]`).
 */
export function decide(
  c: CompiledAgreementInternal,
  clearance: Clearance,
  object: unknown,
  env: Env,
  where: string,
): Decision {
  if (!isRecord(object) || typeof object.type !== 'string' || typeof object.id !== 'string') {
    const id = isRecord(object) && typeof object.id === 'string' ? object.id : where || 'object';
    return withhold(
      id.slice(0, 200),
      isRecord(object) && typeof object.type === 'string' ? object.type.slice(0, 100) : 'unknown',
      [
        {
          rule: 'malformed',
          effect: 'deny',
          clause: 'object',
          message: `${where || 'The object'} is not a STIX object with a string \`type\` and \`id\`.`,
        },
      ],
      ['The provider fixes the object so it has a string `type` and `id`.'],
    );
  }
  const id = object.id;
  const type = object.type;
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
    return withhold(
      id.slice(0, 200),
      type.slice(0, 100),
      [
        {
          rule: 'object-type',
          effect: 'deny',
          clause: 'objects.allowTypes',
          message: `\`${type.slice(0, 100)}\` is not a STIX 2.1 object type, and custom types are shared only when \`objects.allowTypes\` names them.`,
        },
      ],
      [`Add \`${type.slice(0, 100)}\` to \`objects.allowTypes\`.`],
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
  const reasons: Reason[] = [clearance.coveredReason, c.reasons.inEffect, c.reasons.typeAllowed];
  const denies: Reason[] = [];
  const whyNot: string[] = [];
  const cond = a.conditions;
  if (cond.excludeRevoked && object.revoked === true) {
    denies.push({
      rule: 'revoked',
      effect: 'deny',
      clause: 'conditions.excludeRevoked',
      message: 'The object is revoked, and the agreement excludes revoked objects.',
    });
    whyNot.push('Set `conditions.excludeRevoked: false`.');
  }
  if (c.labelsAnyOf || c.labelsNoneOf) {
    const labels = Array.isArray(object.labels) ? object.labels : [];
    if (c.labelsAnyOf && !labels.some((label) => c.labelsAnyOf!.has(label as string))) {
      denies.push({
        rule: 'labels',
        effect: 'deny',
        clause: 'conditions.labels.anyOf',
        message: 'The object has none of the labels the agreement requires.',
      });
      whyNot.push(
        `The object carries one of the labels ${[...c.labelsAnyOf].map((l) => `\`${l}\``).join(', ')}.`,
      );
    }
    const banned = c.labelsNoneOf
      ? labels.find((label) => c.labelsNoneOf!.has(label as string))
      : undefined;
    if (banned !== undefined) {
      denies.push({
        rule: 'labels',
        effect: 'deny',
        clause: 'conditions.labels.noneOf',
        message: `The object has the label \`${String(banned)}\`, which the agreement excludes.`,
      });
      whyNot.push(`The object no longer carries the label \`${String(banned)}\`.`);
    }
  }
  if (cond.minConfidence !== undefined) {
    const confidence = object.confidence;
    if (typeof confidence !== 'number' || confidence < cond.minConfidence) {
      denies.push({
        rule: 'confidence',
        effect: 'deny',
        clause: 'conditions.minConfidence',
        message: `The object's confidence (${typeof confidence === 'number' ? confidence : 'not given'}) is below the agreement's minimum of ${cond.minConfidence}.`,
      });
      whyNot.push(`The object's \`confidence\` is at least ${cond.minConfidence}.`);
    }
  }
  if (cond.maxAgeDays !== undefined) {
    const stamp = typeof object.modified === 'string' ? object.modified : object.created;
    const ms = typeof stamp === 'string' ? Date.parse(stamp) : Number.NaN;
    if (Number.isNaN(ms) || env.nowMs - ms > cond.maxAgeDays * MS_PER_DAY) {
      denies.push({
        rule: 'max-age',
        effect: 'deny',
        clause: 'conditions.maxAgeDays',
        message: Number.isNaN(ms)
          ? 'The object has no readable `modified` or `created` time, so its age cannot be checked.'
          : `The object is older than the agreement's ${cond.maxAgeDays} days.`,
      });
      whyNot.push(`The object was modified within the last ${cond.maxAgeDays} days.`);
    }
  }

  // Object markings: the most restrictive TLP-like marking wins (FIRST TLP 2.0).
  let rank = -1;
  let paps: (ResolvedMarking & { kind: 'pap' })[] | undefined;
  let ieps: (ResolvedMarking & { kind: 'iep' })[] | undefined;
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
  if (denies.length > 0) return withhold(id, type, [...reasons, ...denies], whyNot);

  // From here the object may be shared; collect the redactions.
  const required = requiredProperties(type);
  let redactions: Redaction[] | undefined;

  const gms = object.granular_markings;
  if (gms !== undefined) {
    if (!Array.isArray(gms)) {
      return refuseWith(
        id,
        type,
        reasons,
        {
          rule: 'granular-marking',
          effect: 'deny',
          clause: 'object',
          message: '`granular_markings` is not a list, so field markings cannot be read.',
        },
        'The provider fixes `granular_markings`.',
      );
    }
    for (let i = 0; i < gms.length; i++) {
      const gm = gms[i];
      if (!isRecord(gm) || !Array.isArray(gm.selectors) || gm.selectors.length === 0) {
        return refuseWith(
          id,
          type,
          reasons,
          {
            rule: 'granular-marking',
            effect: 'deny',
            clause: 'object',
            message: `granular_markings[${i}] has no selectors, so what it marks is unknown.`,
          },
          'The provider fixes the granular marking.',
        );
      }
      if (gm.marking_ref === undefined) {
        // STIX 2.1 §7.2.3: a granular marking with `lang` states a language, not a restriction.
        if (typeof gm.lang === 'string') continue;
        return refuseWith(
          id,
          type,
          reasons,
          {
            rule: 'granular-marking',
            effect: 'deny',
            clause: 'object',
            message: `granular_markings[${i}] has neither \`marking_ref\` nor \`lang\`.`,
          },
          'The provider fixes the granular marking.',
        );
      }
      const marking = env.resolver.resolve(gm.marking_ref);
      let denial: MarkingCheck | undefined;
      let fieldRank = rank;
      if (marking.kind === 'unknown') {
        denial = {
          deny: {
            rule: 'granular-marking',
            effect: 'redact',
            clause: 'markings.custom',
            marking: marking.id,
            message: `Marking ${marking.id} ${marking.why}; fields it marks are removed.`,
          },
        };
      } else if (
        marking.kind === 'tlp' ||
        marking.kind === 'iep' ||
        (marking.kind === 'custom' && marking.treatAs !== 'statement')
      ) {
        const level = marking.kind === 'custom' ? marking.treatAs : marking.level;
        fieldRank = Math.max(rank, tlpRank(level as never));
        if (clearance.clauseForLevel[fieldRank]! < 0) {
          denial = {
            deny: {
              ...clearance.denyReason[fieldRank]!,
              rule: 'granular-marking',
              effect: 'redact',
            },
          };
        } else if (marking.kind === 'iep') {
          denial = checkIep(c, marking, fieldRank, clearance, env.nowMs);
        }
      } else if (marking.kind === 'pap') {
        denial = checkPap(c, marking, rank, clearance);
      }
      if (!denial) continue;
      for (const selector of gm.selectors) {
        const segments = parseSelector(selector);
        if (!segments || !selectorResolves(object, segments)) {
          return refuseWith(
            id,
            type,
            reasons,
            {
              rule: 'granular-marking',
              effect: 'deny',
              clause: 'object',
              message: `granular_markings[${i}] selector \`${String(selector).slice(0, 100)}\` does not point at anything in the object, so what it protects cannot be removed.`,
            },
            'The provider fixes the granular marking selector.',
          );
        }
        const top = segments[0] as string;
        if (required.has(top) || isRequiredRef(type, top)) {
          return refuseWith(
            id,
            type,
            reasons,
            {
              ...denial.deny!,
              effect: 'deny',
              message: `${denial.deny!.message} It marks the required property \`${top}\`, so the whole object is withheld.`,
            },
            denial.whyNot ??
              clearance.whyNot[fieldRank] ??
              'The provider re-marks the required property.',
          );
        }
        redactions = add(redactions, {
          path: segmentsToPath(segments),
          action: 'remove',
          rule: 'granular-marking',
          clause: denial.deny!.clause,
          ...(denial.deny!.marking !== undefined ? { marking: denial.deny!.marking } : {}),
          message: denial.deny!.message,
        });
      }
    }
  }

  // Property rules and victim protection on top-level properties. Verdicts are memoised
  // per (type, property), so each object costs one map lookup per property.
  const victims = a.victimProtection;
  let verdicts = c.propertyVerdicts.get(type);
  if (verdicts === undefined && c.propertyVerdicts.size < 10_000) {
    verdicts = new Map();
    c.propertyVerdicts.set(type, verdicts);
  }
  const keys = Object.keys(object);
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k]!;
    let verdict = verdicts?.get(key) as PropertyVerdict | undefined;
    if (verdict === undefined) {
      verdict = propertyVerdict(c, type, key);
      if (verdicts !== undefined && verdicts.size < 10_000) verdicts.set(key, verdict);
    }
    if (verdict === null) continue;
    if (verdict.refuse) return refuseWith(id, type, reasons, verdict.refuse, verdict.why);
    redactions = add(redactions, verdict.redaction);
  }

  const extRefs = object.external_references;
  if (Array.isArray(extRefs) && (c.internalSources.size > 0 || c.internalDomains.length > 0)) {
    extRefs.forEach((ref, index) => {
      if (isInternalReference(c, ref)) {
        redactions = add(redactions, {
          path: `external_references[${index}]`,
          action: 'remove',
          rule: 'internal-reference',
          clause: 'victimProtection.internalReferences',
          message: 'An internal external reference (ticket, case file or internal URL) is removed.',
        });
      }
    });
  }

  const iepForbidsAttribution =
    ieps?.some((m) => m.policy.provider_attribution === 'must-not') ?? false;
  if (a.providerAttribution === 'must-not' || iepForbidsAttribution) {
    const clause =
      a.providerAttribution === 'must-not' ? 'providerAttribution' : 'object_marking_refs';
    if (type === 'identity' && c.providerIds.has(id)) {
      return refuseWith(
        id,
        type,
        reasons,
        {
          rule: 'provider-attribution',
          effect: 'deny',
          clause,
          message: "This is the provider's own identity, and the provider must not be attributed.",
        },
        'Set `providerAttribution` to `may` or `must`.',
      );
    }
    if (object.created_by_ref !== undefined) {
      redactions = add(redactions, {
        path: 'created_by_ref',
        action: 'remove',
        rule: 'provider-attribution',
        clause,
        message: '`created_by_ref` is removed: the provider must not be attributed.',
      });
    }
  }

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
      return refuseWith(
        id,
        type,
        reasons,
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
        return refuseWith(
          id,
          type,
          reasons,
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

  if (a.retention && type === 'indicator') {
    const cap = env.nowMs + a.retention.maxDays * MS_PER_DAY;
    const until =
      typeof object.valid_until === 'string' ? Date.parse(object.valid_until) : Number.NaN;
    if (Number.isNaN(until) || until > cap) {
      const from =
        typeof object.valid_from === 'string' ? Date.parse(object.valid_from) : Number.NaN;
      if (!Number.isNaN(from) && from >= cap) {
        return refuseWith(
          id,
          type,
          reasons,
          {
            rule: 'retention',
            effect: 'deny',
            clause: 'retention.maxDays',
            message: `The indicator only becomes valid after the ${a.retention.maxDays}-day retention period ends.`,
          },
          'Lengthen `retention.maxDays`.',
        );
      }
      redactions = add(redactions, {
        path: 'valid_until',
        action: 'cap',
        rule: 'retention',
        clause: 'retention.maxDays',
        message: `\`valid_until\` is capped to ${a.retention.maxDays} days after sharing, as the agreement's retention requires.`,
        value: new Date(cap).toISOString(),
      });
    }
  }

  if (redactions === undefined) return { id, type, action: 'share', reasons, redactions: [] };
  return { id, type, action: 'share-redacted', reasons, redactions };
}

function add(list: Redaction[] | undefined, redaction: Redaction): Redaction[] {
  if (list === undefined) return [redaction];
  list.push(redaction);
  return list;
}

function refuseWith(
  id: string,
  type: string,
  reasons: Reason[],
  reason: Reason,
  why: string,
): Decision {
  return withhold(id, type, [...reasons, reason], [why]);
}

/** What the agreement does to one top-level property of one type (memoised by the caller). */
export type PropertyVerdict =
  | null
  | { redaction: Redaction; refuse?: undefined; why?: undefined }
  | { redaction?: undefined; refuse: Reason; why: string };

function propertyVerdict(c: CompiledAgreementInternal, type: string, key: string): PropertyVerdict {
  const victims = c.agreement.victimProtection;
  let rule: Redaction['rule'] | undefined;
  let clause = '';
  let message = '';
  if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
    rule = 'property-denied';
    clause = 'object';
    message = `Property \`${key}\` is a reserved name that could reach into prototypes, so it is removed.`;
  } else if (victims.customProperties === 'remove' && key.startsWith('x_')) {
    rule = 'custom-properties';
    clause = 'victimProtection.customProperties';
    message = `Custom property \`${key}\` is removed: custom properties may carry victim or internal data.`;
  } else if (matchesRules(c.denyGlobal, key) || matchesRules(c.denyByType.get(type), key)) {
    rule = 'property-denied';
    clause = 'properties.deny';
    message = `Property \`${key}\` is denied by the agreement.`;
  } else if (matchesRules(c.freeTextGlobal, key) || matchesRules(c.freeTextByType.get(type), key)) {
    rule = 'free-text';
    clause = 'victimProtection.freeTextFields';
    message = `Free-text property \`${key}\` is removed to protect victims.`;
  } else {
    const typeAllow = c.allowByType.get(type);
    if (
      typeAllow !== undefined &&
      !matchesRules(typeAllow, key) &&
      !requiredProperties(type).has(key) &&
      key !== 'object_marking_refs' &&
      key !== 'granular_markings'
    ) {
      rule = 'property-not-allowed';
      clause = `properties.allow.${type}`;
      message = `Property \`${key}\` is not among those the agreement allows for \`${type}\`.`;
    }
  }
  if (rule === undefined) return null;
  if (requiredProperties(type).has(key) || isRequiredRef(type, key)) {
    return {
      refuse: {
        rule,
        effect: 'deny',
        clause,
        message: `${message} It is required for \`${type}\`, so the whole object is withheld.`,
      },
      why: `Change \`${clause}\` so it does not remove \`${key}\`.`,
    };
  }
  return { redaction: Object.freeze({ path: key, action: 'remove', rule, clause, message }) };
}

function customStatementReason(
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

function isVictim(
  c: CompiledAgreementInternal,
  env: Env,
  object: Record<string, unknown>,
  id: string,
): boolean {
  if (c.victimIds.has(id) || env.victimIds?.has(id)) return true;
  return Array.isArray(object.labels) && object.labels.includes('victim');
}

function isInternalReference(c: CompiledAgreementInternal, ref: unknown): boolean {
  if (!isRecord(ref)) return false;
  if (typeof ref.source_name === 'string' && c.internalSources.has(ref.source_name)) return true;
  if (typeof ref.url === 'string' && c.internalDomains.length > 0) {
    let host: string;
    try {
      host = new URL(ref.url).hostname.toLowerCase();
    } catch {
      return false;
    }
    return c.internalDomains.some((domain) => host === domain || host.endsWith(`.${domain}`));
  }
  return false;
}

/** Exposed for tests and the bench: the recipient's TLP clearance as a list of levels. */
export function grantedLevels(
  agreement: SharingAgreement | CompiledAgreement,
  recipient: Recipient,
): string[] {
  const c = compiled(agreement);
  const clearance = clearanceFor(c, parseRecipient(recipient) as NormalizedRecipient);
  return TLP_LEVELS.filter((_, rank) => clearance.clauseForLevel[rank]! >= 0);
}

/**
 * Prepares decisions for one agreement and recipient, so each object costs only the
 * checks themselves (the fast path for feeds and servers that judge many objects).
 *
 * @param agreement - A validated or compiled agreement.
 * @param recipient - Who would receive the objects.
 * @param context - Time, marking definitions, known victims, pseudonym keys (fixed for every call).
 * @returns A function from an object to its decision.
 *
 * @example
 * ```ts
 * import { createEvaluator, parseAgreement } from '@intelshare/policy';
 *
 * const decideFor = createEvaluator(parseAgreement({
 *   id: 'demo', version: '1', title: 'Demo', effective: { from: '2026-01-01T00:00:00Z' }, purposes: ['detection'],
 *   parties: [
 *     { identity: 'identity--8ce3f695-d5a4-4dc8-9e93-a65af453a31a', name: 'P', role: 'provider' },
 *     { identity: 'identity--03e23f6c-0ac9-4b47-9c84-f718132adb21', name: 'R', role: 'recipient' },
 *   ],
 *   recipients: [{ match: { identities: ['identity--03e23f6c-0ac9-4b47-9c84-f718132adb21'] }, maxTlp: 'green' }],
 * }), { identity: 'identity--03e23f6c-0ac9-4b47-9c84-f718132adb21' }, { now: '2026-03-01T00:00:00Z' });
 * decideFor({ type: 'malware', id: 'malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b' }).action; // 'withhold' (unmarked is RED by default)
 * ```
 */
export function createEvaluator(
  agreement: SharingAgreement | CompiledAgreement,
  recipient: Recipient,
  context: EvaluationContext = {},
): (object: unknown) => Decision {
  const c = compiled(agreement);
  const clearance = clearanceFor(c, parseRecipient(recipient));
  const env = makeEnv(c, { ...context, now: toMs(context.now) });
  return (object) => decide(c, clearance, object, env, '');
}
