import type { RecipientClause, SharingAgreement } from '../agreement/agreement-schema';
import { IEP_ACTIONS } from '../markings/iep';
import { PAP_LEVELS } from '../markings/pap';
import type { CustomMarkingRule } from '../markings/resolve-marking';
import { TLP_LEVELS, type TlpLevel, tlpName, tlpRank } from '../markings/tlp';
import type { NormalizedRecipient } from '../recipient';
import type { Reason } from './decision';

const compiledMarker = Symbol.for('intelshare.policy.compiled-agreement');

/** What one recipient may receive under an agreement, worked out once. */
export interface Clearance {
  readonly recipient: NormalizedRecipient;
  readonly covered: boolean;
  /** Per TLP rank: the index of the clause granting that level, or -1. */
  readonly clauseForLevel: readonly number[];
  readonly allowReason: readonly (Reason | undefined)[];
  readonly denyReason: readonly (Reason | undefined)[];
  readonly whyNot: readonly (string | undefined)[];
  readonly notCovered: Reason;
  readonly coveredReason: Reason;
}

interface PropertyRules {
  exact: Set<string>;
  prefixes: string[];
}

/**
 * An agreement turned into fast checks (sets, maps, ready-made reasons). Build one with
 * {@link compileAgreement} and reuse it: every function that takes an agreement also
 * takes a compiled one.
 */
export interface CompiledAgreement {
  readonly agreement: SharingAgreement;
  readonly [compiledMarker]: true;
}

/** Internal shape; not exported from the package. */
export interface CompiledAgreementInternal extends CompiledAgreement {
  readonly fromMs: number;
  readonly untilMs: number;
  readonly allowTypes: ReadonlySet<string> | undefined;
  readonly denyTypes: ReadonlySet<string>;
  readonly denyGlobal: PropertyRules;
  readonly denyByType: ReadonlyMap<string, PropertyRules>;
  readonly allowByType: ReadonlyMap<string, PropertyRules>;
  readonly freeTextGlobal: PropertyRules;
  readonly freeTextByType: ReadonlyMap<string, PropertyRules>;
  readonly custom: ReadonlyMap<string, CustomMarkingRule>;
  readonly labelsAnyOf: ReadonlySet<string> | undefined;
  readonly labelsNoneOf: ReadonlySet<string> | undefined;
  readonly victimIds: ReadonlySet<string>;
  readonly providerIds: ReadonlySet<string>;
  readonly partyIds: ReadonlySet<string>;
  readonly internalSources: ReadonlySet<string>;
  readonly internalDomains: readonly string[];
  readonly reasons: {
    readonly inEffect: Reason;
    readonly typeAllowed: Reason;
  };
  readonly clearances: WeakMap<NormalizedRecipient, Clearance>;
  /** Memoised property verdicts, by type then property (bounded by the caller). */
  readonly propertyVerdicts: Map<string, Map<string, unknown>>;
}

/**
 * Precompiles an agreement into fast checks, so evaluating millions of objects does no
 * parsing or string building. Compiled agreements are cached per agreement object, so
 * calling this twice is cheap.
 *
 * @param agreement - A validated agreement (from {@link parseAgreement}).
 * @returns The compiled agreement.
 *
 * @example
 * ```ts
 * import { compileAgreement, parseAgreement } from '@intelshare/policy';
 *
 * const compiled = compileAgreement(parseAgreement({
 *   id: 'demo', version: '1', title: 'Demo', effective: { from: '2026-01-01T00:00:00Z' },
 *   purposes: ['detection'],
 *   parties: [
 *     { identity: 'identity--8ce3f695-d5a4-4dc8-9e93-a65af453a31a', name: 'P', role: 'provider' },
 *     { identity: 'identity--03e23f6c-0ac9-4b47-9c84-f718132adb21', name: 'R', role: 'recipient' },
 *   ],
 *   recipients: [{ match: { identities: ['identity--03e23f6c-0ac9-4b47-9c84-f718132adb21'] }, maxTlp: 'green' }],
 * }));
 * compiled.agreement.id; // 'demo'
 * ```
 */
export function compileAgreement(
  agreement: SharingAgreement | CompiledAgreement,
): CompiledAgreement {
  return compiled(agreement);
}

const cache = new WeakMap<SharingAgreement, CompiledAgreementInternal>();

/** Internal: the compiled form, built once per agreement object. */
export function compiled(
  agreement: SharingAgreement | CompiledAgreement,
): CompiledAgreementInternal {
  if ((agreement as CompiledAgreement)[compiledMarker])
    return agreement as CompiledAgreementInternal;
  const plain = agreement as SharingAgreement;
  let result = cache.get(plain);
  if (!result) {
    result = build(plain);
    cache.set(plain, result);
  }
  return result;
}

function rules(patterns: readonly string[]): {
  global: PropertyRules;
  byType: Map<string, PropertyRules>;
} {
  const global: PropertyRules = { exact: new Set(), prefixes: [] };
  const byType = new Map<string, PropertyRules>();
  for (const pattern of patterns) {
    const dot = pattern.indexOf('.');
    let target = global;
    let prop = pattern;
    if (dot > 0) {
      const type = pattern.slice(0, dot);
      prop = pattern.slice(dot + 1);
      target = byType.get(type) ?? { exact: new Set(), prefixes: [] };
      byType.set(type, target);
    }
    if (prop.endsWith('*')) target.prefixes.push(prop.slice(0, -1));
    else target.exact.add(prop);
  }
  return { global, byType };
}

/** Whether a property matches a set of property rules. */
export function matchesRules(rulesForType: PropertyRules | undefined, property: string): boolean {
  if (!rulesForType) return false;
  if (rulesForType.exact.has(property)) return true;
  for (const prefix of rulesForType.prefixes) if (property.startsWith(prefix)) return true;
  return false;
}

function build(agreement: SharingAgreement): CompiledAgreementInternal {
  const deny = rules(agreement.properties.deny);
  const freeText = rules(agreement.victimProtection.freeTextFields);
  const allowByType = new Map<string, PropertyRules>();
  for (const [type, props] of Object.entries(agreement.properties.allow ?? {})) {
    allowByType.set(type, rules(props).global);
  }
  const custom = new Map<string, CustomMarkingRule>();
  agreement.markings.custom.forEach((marking, index) => {
    custom.set(marking.id, { treatAs: marking.treatAs, clause: `markings.custom[${index}]` });
  });
  const period = agreement.effective.until
    ? `from ${agreement.effective.from} until ${agreement.effective.until}`
    : `from ${agreement.effective.from}`;
  const labels = agreement.conditions.labels;
  return {
    agreement,
    [compiledMarker]: true,
    fromMs: Date.parse(agreement.effective.from),
    untilMs: agreement.effective.until
      ? Date.parse(agreement.effective.until)
      : Number.POSITIVE_INFINITY,
    allowTypes: agreement.objects.allowTypes ? new Set(agreement.objects.allowTypes) : undefined,
    denyTypes: new Set(agreement.objects.denyTypes),
    denyGlobal: deny.global,
    denyByType: deny.byType,
    allowByType,
    freeTextGlobal: freeText.global,
    freeTextByType: freeText.byType,
    custom,
    labelsAnyOf: labels?.anyOf ? new Set(labels.anyOf) : undefined,
    labelsNoneOf: labels?.noneOf ? new Set(labels.noneOf) : undefined,
    victimIds: new Set(agreement.victimProtection.victimIdentityIds),
    providerIds: new Set(
      agreement.parties.filter((p) => p.role !== 'recipient').map((p) => p.identity),
    ),
    partyIds: new Set(agreement.parties.map((p) => p.identity)),
    internalSources: new Set(agreement.victimProtection.internalReferences.sourceNames),
    internalDomains: agreement.victimProtection.internalReferences.urlDomains.map((d) =>
      d.toLowerCase(),
    ),
    reasons: {
      inEffect: freeze({
        rule: 'agreement-in-effect',
        effect: 'allow',
        clause: 'effective',
        message: `Agreement ${agreement.id} version ${agreement.version} is in effect (${period}).`,
      }),
      typeAllowed: freeze({
        rule: 'object-type',
        effect: 'allow',
        clause: agreement.objects.allowTypes ? 'objects.allowTypes' : 'objects.denyTypes',
        message: agreement.objects.allowTypes
          ? 'The object type is one the agreement allows.'
          : 'The object type is not one the agreement denies.',
      }),
    },
    clearances: new WeakMap(),
    propertyVerdicts: new Map(),
  };
}

function freeze(value: Reason): Reason {
  return Object.freeze(value);
}

function clauseLabel(clause: RecipientClause, index: number): string {
  return clause.name ? `recipients[${index}] ("${clause.name}")` : `recipients[${index}]`;
}

/**
 * Works out, once per recipient, which TLP levels each clause grants, applying FIRST
 * TLP 2.0's audience rules on top of the clause's `maxTlp`:
 * CLEAR anyone; GREEN the recipient's community; AMBER the recipient organisation and,
 * with need-to-know, its clients; AMBER+STRICT the organisation only; RED named
 * individuals only (so never an automated feed unless the agreement names them).
 */
export function clearanceFor(
  c: CompiledAgreementInternal,
  recipient: NormalizedRecipient,
): Clearance {
  const cached = c.clearances.get(recipient);
  if (cached) return cached;
  const { agreement } = c;
  const clauseForLevel = [-1, -1, -1, -1, -1];
  const allowReason: (Reason | undefined)[] = [];
  const denyReason: (Reason | undefined)[] = [];
  const whyNot: (string | undefined)[] = [];
  const inCommunity =
    agreement.communities === undefined ||
    recipient.communities.some((community) => agreement.communities?.includes(community)) ||
    c.partyIds.has(recipient.identity);
  const firstDenials: string[][] = [[], [], [], [], []];
  let covered = false;
  agreement.recipients.forEach((clause, index) => {
    const { match } = clause;
    const named = match.identities?.includes(recipient.identity) ?? false;
    const viaCommunity =
      match.communities?.some((community) => recipient.communities.includes(community)) ?? false;
    const viaClient = match.clientsOf?.some((org) => recipient.clientOf.includes(org)) ?? false;
    const anyone = match.anyone === true;
    if (!named && !viaCommunity && !viaClient && !anyone) return;
    covered = true;
    const organisation = named || viaCommunity;
    const label = clauseLabel(clause, index);
    const individualsNamed =
      recipient.individuals.length > 0 &&
      recipient.individuals.every((person) => clause.namedIndividuals.includes(person));
    for (let rank = 0; rank < TLP_LEVELS.length; rank++) {
      const level = TLP_LEVELS[rank]!;
      if (clauseForLevel[rank]! >= 0) continue;
      let denial: string | undefined;
      if (rank > tlpRank(clause.maxTlp)) {
        denial = `${label} grants at most ${tlpName(clause.maxTlp)}`;
      } else if (level === 'green' && !inCommunity && !viaCommunity) {
        denial = `${label}: FIRST TLP 2.0 limits TLP:GREEN to the recipient's community, and the recipient is in none of the agreement's communities`;
      } else if (level !== 'clear' && anyone && !organisation && !viaClient) {
        denial = `${label} covers anyone, and FIRST TLP 2.0 allows only TLP:CLEAR for anyone`;
      } else if (level === 'amber' && !organisation && !(viaClient && clause.needToKnow)) {
        denial = `${label}: FIRST TLP 2.0 allows TLP:AMBER to clients only on a need-to-know basis, which the clause does not confirm (\`needToKnow\`)`;
      } else if (level === 'amber+strict' && !organisation) {
        denial = `${label}: FIRST TLP 2.0 restricts TLP:AMBER+STRICT to the recipient organisation itself, not its clients`;
      } else if (level === 'red' && !individualsNamed) {
        denial = recipient.automated
          ? `${label}: FIRST TLP 2.0 restricts TLP:RED to named individuals, and an automated feed is not one unless the agreement names its readers`
          : `${label}: FIRST TLP 2.0 restricts TLP:RED to named individuals, and the recipient's individuals are not all named in \`namedIndividuals\``;
      }
      if (denial) {
        firstDenials[rank]!.push(denial);
        continue;
      }
      clauseForLevel[rank] = index;
      allowReason[rank] = freeze({
        rule: 'tlp',
        effect: 'allow',
        clause: `recipients[${index}].maxTlp`,
        marking: tlpName(level),
        message: `${tlpName(level)} is within what ${label} grants (up to ${tlpName(clause.maxTlp)}), and FIRST TLP 2.0 allows it for this recipient.`,
      });
    }
  });
  for (let rank = 0; rank < TLP_LEVELS.length; rank++) {
    if (clauseForLevel[rank]! >= 0) continue;
    const level = TLP_LEVELS[rank] as TlpLevel;
    const details = firstDenials[rank]!.length
      ? firstDenials[rank]!.join('; ')
      : 'no clause covers the recipient';
    denyReason[rank] = freeze({
      rule: 'tlp',
      effect: 'deny',
      clause: 'recipients',
      marking: tlpName(level),
      message: `${tlpName(level)} is above the recipient's clearance: ${details}.`,
    });
    whyNot[rank] =
      level === 'red'
        ? `A recipient clause with \`maxTlp: red\` must name every individual who will read it (\`namedIndividuals\`), or the provider must re-mark the object below ${tlpName(level)}.`
        : `A recipient clause covering ${recipient.identity} with \`maxTlp\` of at least ${tlpName(level)} (and the FIRST audience rule for ${tlpName(level)} met), or the provider re-marks the object below ${tlpName(level)}.`;
  }
  const result: Clearance = {
    recipient,
    covered,
    clauseForLevel,
    allowReason,
    denyReason,
    whyNot,
    notCovered: freeze({
      rule: 'recipient-covered',
      effect: 'deny',
      clause: 'recipients',
      message: `No recipient clause of agreement ${agreement.id} covers ${recipient.identity} (by identity, community, client relationship or \`anyone\`).`,
    }),
    coveredReason: freeze({
      rule: 'recipient-covered',
      effect: 'allow',
      clause: 'recipients',
      message: `Recipient ${recipient.identity} is covered by agreement ${agreement.id}.`,
    }),
  };
  c.clearances.set(recipient, result);
  return result;
}

/** The clause (for PAP, IEP and resale checks) that granted a level. */
export function clauseAt(
  c: CompiledAgreementInternal,
  clearance: Clearance,
  rank: number,
): RecipientClause | undefined {
  const index = clearance.clauseForLevel[rank] ?? -1;
  return index >= 0 ? c.agreement.recipients[index] : undefined;
}

// Null-prototype tables: looked up by level names, which must never reach `Object.prototype`.
export const PAP_RANK: Readonly<Record<string, number>> = Object.assign(
  Object.create(null) as Record<string, number>,
  Object.fromEntries(PAP_LEVELS.map((l, i) => [l, i])),
);
export const IEP_ACTION_RANK: Readonly<Record<string, number>> = Object.assign(
  Object.create(null) as Record<string, number>,
  Object.fromEntries(IEP_ACTIONS.map((a, i) => [a, i])),
);
