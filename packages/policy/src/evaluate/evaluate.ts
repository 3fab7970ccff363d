import type { SharingAgreement } from '../agreement/agreement-schema';
import { definitionsMap, MarkingResolver } from '../markings/marking-resolver';
import type { StixLikeObject } from '../markings/official-markings';
import { TLP_LEVELS } from '../markings/tlp';
import { type NormalizedRecipient, parseRecipient, type Recipient } from '../recipient';
import {
  type Clearance,
  type CompiledAgreement,
  type CompiledAgreementInternal,
  clearanceFor,
  compiled,
} from './compile-agreement';
import type { Decision, Reason, Redaction } from './decision';
import { checkConditions } from './stages/conditions';
import { derivedContentRefusal } from './stages/derived-content';
import { granularRedactions } from './stages/granular-markings';
import { readObjectMarkings } from './stages/object-markings';
import { propertyRedactions, retentionRedaction } from './stages/properties';
import { recipientClauses } from './stages/recipient-clauses';
import { type Refusal, refuseWith, type StageInput, withhold } from './stages/stage';
import { victimRedactions } from './stages/victims';

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
  extra: {
    protectedIds?: ReadonlySet<string>;
    definitions?: Map<string, StixLikeObject>;
    hiddenMarkings?: ReadonlyMap<string, string>;
  } = {},
): Env {
  let resolver: MarkingResolver;
  if (extra.definitions)
    resolver = new MarkingResolver(extra.definitions, c.custom, extra.hiddenMarkings);
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

/**
 * Internal: the decision for one object, as a pipeline of stages (one file each under
 * `stages/`): recipient clauses → conditions → object markings → granular markings →
 * properties → victims → derived content → retention. A stage either withholds the object
 * (with the reason and what would change it) or adds reasons and redactions for the next.
 * `where` names the object when it has no id (`objects[3]`).
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
  const input: StageInput = { c, clearance, object, id: object.id, type: object.type, env };

  const base = recipientClauses(input);
  if (!Array.isArray(base)) return base;
  const reasons: Reason[] = base;
  const denies: Reason[] = [];
  const whyNot: string[] = [];
  checkConditions(input, denies, whyNot);
  const markings = readObjectMarkings(input, reasons, denies, whyNot);
  if (denies.length > 0) return withhold(input.id, input.type, [...reasons, ...denies], whyNot);

  // From here the object may be shared; each stage adds its redactions or withholds it.
  let redactions: Redaction[] | undefined;
  const granular = granularRedactions(input, markings);
  if (isRefusal(granular)) return refuseWith(input, reasons, granular);
  redactions = granular;
  const properties = propertyRedactions(input, markings.ieps, redactions);
  if (isRefusal(properties)) return refuseWith(input, reasons, properties);
  const victims = victimRedactions(input, properties);
  if (isRefusal(victims)) return refuseWith(input, reasons, victims);
  const derived = derivedContentRefusal(input);
  if (derived) return refuseWith(input, reasons, derived);
  const retention = retentionRedaction(input, victims);
  if (isRefusal(retention)) return refuseWith(input, reasons, retention);
  redactions = retention;

  if (redactions === undefined || redactions.length === 0)
    return { id: input.id, type: input.type, action: 'share', reasons, redactions: [] };
  return { id: input.id, type: input.type, action: 'share-redacted', reasons, redactions };
}

function isRefusal(value: Refusal | Redaction[] | undefined): value is Refusal {
  return value !== undefined && !Array.isArray(value);
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
