// Stage 5 of a decision: the agreement's property rules — reserved names, custom
// properties, `properties.deny`, free text, `properties.allow` — then internal external
// references, provider attribution and, last, the retention cap on indicators.
import { cannotLose, isRequiredRef, requiredProperties } from '../../internal/stix-facts';
import { type CompiledAgreementInternal, matchesRules } from '../compile-agreement';
import type { Reason, Redaction } from '../decision';
import type { IepMarking } from './object-markings';
import { add, isRecord, type Refusal, type StageInput } from './stage';

const MS_PER_DAY = 86_400_000;

function refusal(refuse: Reason, whyNot: string): Refusal {
  return { refuse, whyNot };
}

/**
 * Input: the object, its IEP markings and the redactions so far. Output: the redaction list
 * with the property rules' removals added, or a refusal when a rule would remove a
 * property the object cannot lose. Verdicts are memoised per (type, property), so each
 * object costs one map lookup per property.
 */
export function propertyRedactions(
  input: StageInput,
  ieps: readonly IepMarking[] | undefined,
  list: Redaction[] | undefined,
): Refusal | Redaction[] | undefined {
  const { c, object, id, type } = input;
  const a = c.agreement;
  let redactions = list;
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
    if (verdict.refuse) return refusal(verdict.refuse, verdict.why);
    // Memoised per type, so conditional requirements (a malware family's name) are checked here.
    if (cannotLose(type, object, key)) {
      return refusal(
        {
          ...verdict.redaction,
          effect: 'deny',
          message: `${verdict.redaction.message} It is required for this \`${type}\`, so the whole object is withheld.`,
        } as Reason,
        `Change \`${verdict.redaction.clause}\` so it does not remove \`${key}\`.`,
      );
    }
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
      return refusal(
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

  return redactions;
}

/**
 * Input: an indicator and the redactions so far. Output: the list with `valid_until`
 * capped to the agreement's retention, or a refusal when the indicator only becomes valid
 * after the retention period.
 */
export function retentionRedaction(
  input: StageInput,
  list: Redaction[] | undefined,
): Refusal | Redaction[] | undefined {
  const { c, object, env, type } = input;
  const a = c.agreement;
  let redactions = list;
  if (a.retention && type === 'indicator') {
    const cap = env.nowMs + a.retention.maxDays * MS_PER_DAY;
    const until =
      typeof object.valid_until === 'string' ? Date.parse(object.valid_until) : Number.NaN;
    if (Number.isNaN(until) || until > cap) {
      const from =
        typeof object.valid_from === 'string' ? Date.parse(object.valid_from) : Number.NaN;
      if (!Number.isNaN(from) && from >= cap) {
        return refusal(
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

  return redactions;
}

export type PropertyVerdict =
  | null
  | { redaction: Redaction; refuse?: undefined; why?: undefined }
  | { redaction?: undefined; refuse: Reason; why: string };

export function propertyVerdict(
  c: CompiledAgreementInternal,
  type: string,
  key: string,
): PropertyVerdict {
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
