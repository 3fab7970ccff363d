import { IntelshareError, uuidV5 } from '@intelshare/stix';
import type { SharingAgreement } from '../agreement/agreement-schema';
import type { AuditEntry, AuditLog } from '../audit/audit-log';
import { type CompiledAgreement, clearanceFor, compiled } from '../evaluate/compile-agreement';
import type { Decision } from '../evaluate/decision';
import { decide, type EvaluationContext, makeEnv, toMs } from '../evaluate/evaluate';
import type { StixLikeObject } from '../markings/official-markings';
import { parseRecipient, type Recipient } from '../recipient';
import { INTELSHARE_POLICY_NAMESPACE } from './ids';
import { isRecord } from './json-edit';
import { appendAudit, finalDecisions } from './stages/audit';
import { check } from './stages/check';
import { closeReferences } from './stages/close-references';
import { derive } from './stages/derive';
import { newEntry } from './stages/entry';
import { mark } from './stages/mark';
import { redact } from './stages/redact';
import {
  alreadyProtected,
  bundleFacts,
  hiddenDefinitionDecision,
  hiddenMarkingDefinitions,
  projectionDefinitions,
} from './stages/select';
import { addPresent, type BundleFacts, type ProjectionState } from './stages/state';
import { protectVictims } from './stages/victims';

export { INTELSHARE_POLICY_NAMESPACE };

/** Options for {@link project}. */
export interface ProjectOptions {
  /** The time of the projection (default: now). Same input and time give the same output. */
  now?: Date | string | number;
  /** Marking definitions from a registry, used when the bundle does not carry them. */
  markingDefinitions?: Iterable<unknown>;
  /** Keys for keyed pseudonyms, by the id the agreement names in `victimProtection.pseudonymKeyId`. */
  pseudonymKeys?: EvaluationContext['pseudonymKeys'];
  /** An audit log to append this projection to. */
  audit?: AuditLog;
  /** Who is making the projection, for the audit log (default: the first provider party). */
  actor?: string;
  /** Add the agreement marking to every object (`all`, new versions for all) or only to objects the projection changes (`changed`, the default). */
  markObjects?: 'changed' | 'all';
  /**
   * Whether the recipient accepts custom objects and properties (default `false`). The
   * output always parses with `parseStix(bundle, { mode: 'strict', allowCustom })` with no
   * errors: an object that would not is withheld, with the validator's reason.
   */
  allowCustom?: boolean;
}

/** A bundle ready to send. */
export interface ProjectedBundle {
  type: 'bundle';
  id: string;
  objects: StixLikeObject[];
}

/** What {@link project} returns. */
export interface Projection {
  /** The bundle the recipient may receive. */
  bundle: ProjectedBundle;
  /**
   * One decision per input object, in input order. Marking definitions get one only when
   * they are withheld (marked above what the recipient may see, or invalid).
   */
  decisions: Decision[];
  /** The audit entry written, when an audit log was given. */
  audit?: AuditEntry;
}

/**
 * Projects a bundle for one recipient under an agreement: the bundle that may be sent.
 * Withheld objects are gone; fields above the recipient's clearance are gone; redacted
 * objects become new versions (STIX 2.1 §3.6: same id, later `modified`) when the
 * provider created them, or derived objects with new ids when someone else did; no
 * reference points at anything not sent; the marking definitions needed are included;
 * and a statement marking names the agreement and version. The bundle always parses with
 * `parseStix(bundle, { mode: 'strict', allowCustom })` with no errors: an object that would
 * not is withheld with the validator's reason. Input objects are never modified and are
 * treated as immutable: validity verdicts are remembered per input object, so edit a copy,
 * not an object already projected.
 *
 * @param input - A STIX bundle (`{ type: 'bundle', objects }`) or an array of objects.
 * @param agreement - A validated or compiled agreement.
 * @param recipient - Who receives the bundle.
 * @param options - Time, registry, pseudonym keys, audit log.
 * @returns The bundle, every decision and the audit entry.
 * @throws {IntelshareError} `INVALID_ARGUMENT` when `input` is neither a bundle nor a list.
 *
 * @example
 * ```ts
 * import { parseAgreement, project, TLP2_MARKING_IDS } from '@intelshare/policy';
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
 * const { bundle, decisions } = project({ type: 'bundle', id: 'bundle--5d0092c5-5f74-4287-9642-33f4c354e56d', objects: [] },
 *   agreement, { identity: 'identity--03e23f6c-0ac9-4b47-9c84-f718132adb21' }, { now: '2026-03-01T00:00:00Z' });
 * decisions.length; // 0
 * bundle.objects.length; // 1 (the agreement's statement marking)
 * ```
 * @see /policy/share-under-an-mou/
 */
export function project(
  input: unknown,
  agreement: SharingAgreement | CompiledAgreement,
  recipient: Recipient,
  options: ProjectOptions = {},
): Projection {
  let objects: unknown[];
  let inputBundleId = '';
  if (Array.isArray(input)) objects = input;
  else if (isRecord(input) && input.type === 'bundle' && Array.isArray(input.objects)) {
    objects = input.objects;
    if (typeof input.id === 'string') inputBundleId = input.id;
  } else {
    throw new IntelshareError(
      'INVALID_ARGUMENT',
      '`project` expects a STIX bundle (`{ type: "bundle", objects: [...] }`) or an array of objects.',
      {
        path: isRecord(input) && input.type === 'bundle' ? 'objects' : 'bundle',
      },
    );
  }
  return runProjection(objects, inputBundleId, agreement, recipient, options).projection;
}

/**
 * The projection pipeline over a list of objects. `facts` replaces what the select stage
 * reads out of `objects` (victims, identities, locations, marking definitions): a
 * collection projection passes the whole collection's facts while projecting part of it.
 * Also returns the ids the projection made up (victim replacements, derived objects).
 */
export function runProjection(
  objects: unknown[],
  inputBundleId: string,
  agreement: SharingAgreement | CompiledAgreement,
  recipient: Recipient,
  options: ProjectOptions,
  facts?: BundleFacts,
): { projection: Projection; madeIds: Set<string> } {
  const state = select(objects, agreement, recipient, options, facts);
  // redact → derive → close references → mark (and check, closing references again when
  // the check withholds something) → audit.
  protectVictims(state);
  redact(state);
  derive(state);
  closeReferences(state, true);
  let output = mark(state);
  for (let round = 0; round < 100; round++) {
    const clean = check(state);
    if (clean && state.dirty === undefined) break;
    closeReferences(state, false);
    output = mark(state);
  }

  const decisions = finalDecisions(state);
  const bundle: ProjectedBundle = {
    type: 'bundle',
    id: `bundle--${uuidV5(INTELSHARE_POLICY_NAMESPACE, `${inputBundleId}|${state.a.id}@${state.a.version}|${state.who.identity}|${state.nowIso}`)}`,
    objects: output,
  };
  const projection: Projection = { bundle, decisions };
  if (options.audit) {
    projection.audit = appendAudit(state, options.audit, options.actor, decisions, bundle);
  }
  const madeIds = new Set<string>(state.idMap.values());
  for (const id of state.replacements.keys()) madeIds.add(id);
  return { projection, madeIds };
}

/** Projection stage 1, select: the bundle's facts, the visible marking definitions, a decision per object. */
function select(
  objects: unknown[],
  agreement: SharingAgreement | CompiledAgreement,
  recipient: Recipient,
  options: ProjectOptions,
  collectionFacts: BundleFacts | undefined,
): ProjectionState {
  const c = compiled(agreement);
  const a = c.agreement;
  const who = parseRecipient(recipient);
  const clearance = clearanceFor(c, who);
  const nowMs = toMs(options.now);
  const allowCustom = options.allowCustom === true;
  const facts = collectionFacts ?? bundleFacts(objects, a);
  const agreementMarking = agreementMarkingDefinition(a);
  const definitions = projectionDefinitions(facts, options.markingDefinitions);
  if (!definitions.has(agreementMarking.id)) definitions.set(agreementMarking.id, agreementMarking);
  const context: EvaluationContext = {
    now: nowMs,
    ...(options.pseudonymKeys ? { pseudonymKeys: options.pseudonymKeys } : {}),
  };
  const hiddenMarkings = hiddenMarkingDefinitions(c, clearance, definitions, context, allowCustom);
  const hiddenWhy = new Map<string, string>();
  for (const [id, reason] of hiddenMarkings)
    hiddenWhy.set(
      id,
      reason.rule === 'malformed'
        ? 'is not a valid marking definition'
        : 'is itself marked above what the recipient may see',
    );
  const env0 = makeEnv(c, context, { definitions, hiddenMarkings: hiddenWhy });
  const protectedIds = alreadyProtected(facts, a, env0.pseudonymKey);
  const env = { ...env0, victimIds: facts.victimIds, protectedIds };

  const state: ProjectionState = {
    c,
    a,
    clearance,
    who,
    nowMs,
    nowIso: new Date(nowMs).toISOString(),
    agreementTime: new Date(c.fromMs).toISOString(),
    allowCustom,
    markObjects: options.markObjects ?? 'changed',
    objects,
    facts,
    env,
    definitions,
    hiddenMarkings,
    agreementMarking,
    entries: [],
    decisions: [],
    replacements: new Map(),
    idMap: new Map(),
    present: new Map(),
    dirty: undefined,
    versioned: new Set(),
  };
  for (let index = 0; index < objects.length; index++) {
    const object = objects[index];
    if (isRecord(object) && object.type === 'marking-definition') {
      const hidden = typeof object.id === 'string' ? hiddenMarkings.get(object.id) : undefined;
      state.decisions.push(
        hidden ? hiddenDefinitionDecision(String(object.id), hidden) : undefined,
      );
      continue;
    }
    const decision = decide(c, clearance, object, env, `objects[${index}]`);
    state.decisions.push(decision);
    if (decision.action === 'withhold') continue;
    const entry = newEntry(index, object as Record<string, unknown>, decision);
    state.entries.push(entry);
    if (!decision.redactions.some((r) => r.path === ''))
      addPresent(state, String(entry.original.id));
  }
  return state;
}

/**
 * The statement marking that names the agreement and version a projection was made
 * under. Its id is derived from the agreement id and version, so every projection under
 * the same version references the same marking.
 *
 * @param agreement - The agreement.
 * @returns The marking-definition object.
 *
 * @example
 * ```ts
 * import { agreementMarkingDefinition, parseAgreement } from '@intelshare/policy';
 *
 * const marking = agreementMarkingDefinition(parseAgreement({
 *   id: 'demo', version: '1', title: 'Demo', effective: { from: '2026-01-01T00:00:00Z' }, purposes: ['detection'],
 *   parties: [
 *     { identity: 'identity--8ce3f695-d5a4-4dc8-9e93-a65af453a31a', name: 'P', role: 'provider' },
 *     { identity: 'identity--03e23f6c-0ac9-4b47-9c84-f718132adb21', name: 'R', role: 'recipient' },
 *   ],
 *   recipients: [{ match: { identities: ['identity--03e23f6c-0ac9-4b47-9c84-f718132adb21'] }, maxTlp: 'green' }],
 * }));
 * marking.name; // 'Sharing agreement demo version 1'
 * ```
 */
export function agreementMarkingDefinition(
  agreement: SharingAgreement | CompiledAgreement,
): StixLikeObject {
  const a = compiled(agreement).agreement;
  const onward = a.onwardSharing.allowed
    ? `Onward sharing is allowed${a.onwardSharing.maxTlp ? ` up to TLP:${a.onwardSharing.maxTlp.toUpperCase()}` : ''}.`
    : 'Onward sharing is not allowed.';
  const statement = `Shared under sharing agreement "${a.title}" (${a.id}, version ${a.version}). Purposes: ${a.purposes.join(', ')}. ${onward} Provider attribution: ${a.providerAttribution}.`;
  return {
    type: 'marking-definition',
    spec_version: '2.1',
    id: `marking-definition--${uuidV5(INTELSHARE_POLICY_NAMESPACE, `agreement|${a.id}@${a.version}`)}`,
    created: new Date(Date.parse(a.effective.from)).toISOString(),
    name: `Sharing agreement ${a.id} version ${a.version}`,
    definition_type: 'statement',
    definition: { statement },
  };
}
