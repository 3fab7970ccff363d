import { canonicalize, IntelshareError, uuidV5 } from '@intelshare/stix';
import type { SharingAgreement } from '../agreement/agreement-schema';
import { type CompiledAgreement, clearanceFor, compiled } from '../evaluate/compile-agreement';
import type { Decision, Reason } from '../evaluate/decision';
import { decide, makeEnv, toMs } from '../evaluate/evaluate';
import { IEP2_EXTENSION_ID, iepPolicySchema } from '../markings/iep';
import { definitionsMap } from '../markings/marking-resolver';
import type { StixLikeObject } from '../markings/official-markings';
import { PAP_MARKING_IDS } from '../markings/pap';
import { TLP2_MARKING_IDS } from '../markings/tlp';
import { isRecord } from '../project/json-edit';
import { INTELSHARE_POLICY_NAMESPACE } from '../project/project';
import { parseRecipient, type Recipient } from '../recipient';

/**
 * MISP distribution levels (MISP core format): who may see an event or attribute.
 * `inherit` (5) takes the level of the enclosing object or event.
 */
export const MISP_DISTRIBUTION = {
  0: 'Your organisation only',
  1: 'This community only',
  2: 'Connected communities',
  3: 'All communities',
  4: 'Sharing group',
  5: 'Inherit event',
} as const;

// Maps, not object literals: tag names come from input.
const TLP_TAGS: ReadonlyMap<string, string | null> = new Map(
  Object.entries({
    // MISP `tlp` taxonomy: TLP 1.0 and 2.0 predicates. WHITE ≈ CLEAR.
    'tlp:white': TLP2_MARKING_IDS['TLP:CLEAR'],
    'tlp:clear': TLP2_MARKING_IDS['TLP:CLEAR'],
    'tlp:green': TLP2_MARKING_IDS['TLP:GREEN'],
    'tlp:amber': TLP2_MARKING_IDS['TLP:AMBER'],
    'tlp:amber+strict': TLP2_MARKING_IDS['TLP:AMBER+STRICT'],
    'tlp:red': TLP2_MARKING_IDS['TLP:RED'],
    // `ex:chr` (Chatham House Rule, exclusive) and `unclear` have no TLP 2.0 meaning: fail closed.
    'tlp:ex:chr': null,
    'tlp:unclear': null,
  }),
);

const PAP_TAGS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    'pap:clear': PAP_MARKING_IDS['PAP:CLEAR'],
    'pap:white': PAP_MARKING_IDS['PAP:WHITE'],
    'pap:green': PAP_MARKING_IDS['PAP:GREEN'],
    'pap:amber': PAP_MARKING_IDS['PAP:AMBER'],
    'pap:red': PAP_MARKING_IDS['PAP:RED'],
  }),
);

/** What a set of MISP tags means as STIX markings. */
export interface MispTagMarkings {
  /** Marking-definition ids (official TLP 2.0 / PAP ids, or a synthetic IEP 2.0 definition). */
  markingRefs: string[];
  /** Marking definitions created for the tags (IEP 2.0 policies). */
  definitions: StixLikeObject[];
  /** Tags in a marking namespace (`tlp`, `PAP`, `iep2-policy`) that could not be read: they make the data fail closed. */
  unreadable: string[];
}

/**
 * Maps MISP tags from the `tlp`, `PAP` and `iep2-policy` taxonomies onto STIX markings,
 * so MISP data is judged by the same rules as STIX data. Other tags are not markings and
 * are ignored; a marking tag that cannot be read is reported in `unreadable`.
 *
 * @param tags - Tag names (`tlp:amber`, `PAP:RED`, `iep2-policy:tlp="amber"`…) or MISP Tag objects.
 * @returns Marking references, any definitions created, and unreadable tags.
 *
 * @example
 * ```ts
 * import { mispTagsToMarkings, TLP2_MARKING_IDS } from '@intelshare/policy';
 *
 * mispTagsToMarkings(['tlp:white']).markingRefs[0] === TLP2_MARKING_IDS['TLP:CLEAR']; // true
 * ```
 */
export function mispTagsToMarkings(tags: readonly unknown[]): MispTagMarkings {
  const refs = new Set<string>();
  const unreadable: string[] = [];
  // Null prototype: the field names come from the tags.
  const iep: Record<string, string | undefined> = Object.create(null);
  const iepTags: string[] = [];
  for (const tag of tags) {
    const name =
      typeof tag === 'string'
        ? tag
        : isRecord(tag) && typeof tag.name === 'string'
          ? tag.name
          : undefined;
    if (name === undefined) continue;
    const lower = name.trim().toLowerCase();
    if (lower.startsWith('tlp:')) {
      const ref = TLP_TAGS.get(lower);
      if (ref) refs.add(ref);
      else unreadable.push(name);
    } else if (lower.startsWith('pap:')) {
      const ref = PAP_TAGS.get(lower);
      if (ref) refs.add(ref);
      else unreadable.push(name);
    } else if (lower.startsWith('iep2-policy:')) {
      const match = /^iep2-policy:([a-z_]+)="([^"]{0,200})"$/.exec(name.trim());
      if (!match) unreadable.push(name);
      else {
        iep[match[1]!] = match[2]!;
        iepTags.push(name);
      }
    }
  }
  const definitions: StixLikeObject[] = [];
  if (iepTags.length > 0) {
    const policy = {
      extension_type: 'property-extension',
      encrypt_in_transit: iep.encrypt_in_transit,
      permitted_actions: iep.permitted_actions,
      affected_party_notifications: iep.affected_party_notifications,
      tlp: iep.tlp,
      // The MISP taxonomy calls provider attribution `attribution`.
      provider_attribution: iep.attribution,
      unmodified_resale: iep.unmodified_resale,
      ...(iep.start_date ? { start_date: iep.start_date } : {}),
      ...(iep.end_date ? { end_date: iep.end_date } : {}),
      ...(iep.name ? { policy_name: iep.name } : {}),
      iep_version: 2,
    };
    const parsed = iepPolicySchema.safeParse(policy);
    if (!parsed.success) unreadable.push(...iepTags);
    else {
      const id = `marking-definition--${uuidV5(INTELSHARE_POLICY_NAMESPACE, `misp-iep|${canonicalize(parsed.data)}`)}`;
      definitions.push({
        type: 'marking-definition',
        spec_version: '2.1',
        id,
        created: '2022-10-01T00:00:00.000Z',
        name: iep.name ? `IEP 2.0: ${iep.name}` : 'IEP 2.0 policy (from MISP tags)',
        extensions: { [IEP2_EXTENSION_ID]: parsed.data },
      });
      refs.add(id);
    }
  }
  return { markingRefs: [...refs], definitions, unreadable };
}

/** A MISP sharing group, as MISP's API returns it (`SharingGroup`, `SharingGroupOrg`, `SharingGroupServer`). */
export interface MispSharingGroup {
  SharingGroup: { id: string; name?: string; active?: boolean; [k: string]: unknown };
  SharingGroupOrg?: { extend?: boolean; Organisation?: { uuid?: string; name?: string } }[];
  SharingGroupServer?: { all_orgs?: boolean; server_id?: string }[];
  [k: string]: unknown;
}

/** Options for {@link projectMispEvent}. */
export interface MispProjectOptions {
  /** The time of the decision (default: now). */
  now?: Date | string | number;
  /** The sharing groups the MISP instance knows (for distribution 4). */
  sharingGroups?: readonly MispSharingGroup[];
  /** The community of this MISP instance; distribution 1 reaches recipients in it. */
  community?: string;
  /** Communities connected to this one; distribution 2 reaches them too. */
  connectedCommunities?: readonly string[];
}

/** What {@link projectMispEvent} returns. */
export interface MispProjection {
  /** The event the recipient may receive (`undefined` when the event itself is withheld). */
  event: { Event: Record<string, unknown> } | undefined;
  /** One decision for the event and one per attribute, event first. */
  decisions: Decision[];
}

/**
 * Evaluates a MISP event like a STIX bundle: the event's and each attribute's tags map
 * to TLP/PAP/IEP markings, MISP distribution levels and sharing groups become audience
 * rules, and each attribute is shared or withheld with reasons. Unknown sharing groups,
 * unreadable marking tags and unknown distribution levels withhold.
 *
 * @param input - A MISP event (`{ Event: {...} }` or the bare event).
 * @param agreement - A validated or compiled agreement.
 * @param recipient - Who would receive it (its identity id is `identity--<MISP org uuid>`).
 * @param options - Sharing groups, communities, time.
 * @returns The filtered event and every decision.
 * @throws {IntelshareError} `INVALID_ARGUMENT` when the input is not a MISP event.
 *
 * @example
 * ```ts
 * import { parseAgreement, projectMispEvent } from '@intelshare/policy';
 *
 * const agreement = parseAgreement({
 *   id: 'demo', version: '1', title: 'Demo', effective: { from: '2026-01-01T00:00:00Z' }, purposes: ['detection'],
 *   parties: [
 *     { identity: 'identity--55f6ea5e-2c60-40e5-964f-47a8950d210f', name: 'CIRCL', role: 'provider' },
 *     { identity: 'identity--56bf12a7-c19c-4b98-83e7-d9bb02de0b81', name: 'PifPafPoum', role: 'recipient' },
 *   ],
 *   recipients: [{ match: { identities: ['identity--56bf12a7-c19c-4b98-83e7-d9bb02de0b81'] }, maxTlp: 'amber' }],
 * });
 * const result = projectMispEvent({ Event: { uuid: '5a3c2fda-78f4-44b7-8366-46da02de0b81', distribution: '3', timestamp: '1767225600',
 *   Tag: [{ name: 'tlp:green' }], Attribute: [{ uuid: '5a3c2fdb-78f4-44b7-8366-46da02de0b81', type: 'ip-dst', value: '198.51.100.7', distribution: '5', to_ids: true, timestamp: '1767225600' }] } },
 *   agreement, { identity: 'identity--56bf12a7-c19c-4b98-83e7-d9bb02de0b81' }, { now: '2026-03-01T00:00:00Z' });
 * result.decisions.map((d) => d.action); // ['share', 'share']
 * ```
 * @see /policy/concepts/
 */
export function projectMispEvent(
  input: unknown,
  agreement: SharingAgreement | CompiledAgreement,
  recipient: Recipient,
  options: MispProjectOptions = {},
): MispProjection {
  const event = isRecord(input) && isRecord(input.Event) ? input.Event : input;
  if (!isRecord(event) || typeof event.uuid !== 'string') {
    throw new IntelshareError(
      'INVALID_ARGUMENT',
      '`projectMispEvent` expects a MISP event with a `uuid`.',
      { path: 'Event' },
    );
  }
  const c = compiled(agreement);
  const who = parseRecipient(recipient);
  const clearance = clearanceFor(c, who);
  const nowMs = toMs(options.now);
  const eventTags = mispTagsToMarkings(Array.isArray(event.Tag) ? event.Tag : []);
  const ownerUuid = orgUuid(event.Orgc) ?? orgUuid(event.Org);
  const recipientUuid = who.identity.slice('identity--'.length);
  const groups = new Map<string, MispSharingGroup>();
  for (const group of options.sharingGroups ?? []) {
    if (isRecord(group) && isRecord(group.SharingGroup))
      groups.set(scalarText(group.SharingGroup.id), group);
  }

  const judge = (
    item: Record<string, unknown>,
    kind: 'event' | 'attribute',
    inherited: { distribution: number; sharingGroup: string },
    where: string,
  ): { decision: Decision; distribution: number; sharingGroup: string } => {
    const tags =
      kind === 'event' ? eventTags : mispTagsToMarkings(Array.isArray(item.Tag) ? item.Tag : []);
    const refs =
      kind === 'event'
        ? eventTags.markingRefs
        : [...new Set([...eventTags.markingRefs, ...tags.markingRefs])];
    const unreadable =
      kind === 'event' ? eventTags.unreadable : [...eventTags.unreadable, ...tags.unreadable];
    const definitions = definitionsMap(eventTags.definitions, tags.definitions);
    const uuid = typeof item.uuid === 'string' ? item.uuid : where;
    const stamp = Number(item.timestamp);
    const time = Number.isFinite(stamp) ? new Date(stamp * 1000).toISOString() : undefined;
    const type = kind === 'event' ? 'report' : item.to_ids === true ? 'indicator' : 'observed-data';
    const pseudo: Record<string, unknown> = {
      type,
      id: `${type}--${uuid}`,
      ...(time ? { created: time, modified: time } : {}),
      ...(refs.length ? { object_marking_refs: refs } : {}),
      labels: (Array.isArray(item.Tag) ? item.Tag : []).map((t) => (isRecord(t) ? t.name : t)),
    };
    const env = makeEnv(c, { now: nowMs }, { definitions });
    let decision = decide(c, clearance, pseudo, env, where);
    decision = { ...decision, id: `misp-${kind}:${uuid}`, type: `misp-${kind}` };
    const raw = Number(item.distribution ?? 5);
    const distribution = raw === 5 ? inherited.distribution : raw;
    const sharingGroup =
      raw === 5 ? inherited.sharingGroup : scalarText(item.sharing_group_id ?? '0');
    if (decision.action === 'withhold') return { decision, distribution, sharingGroup };
    const denies: Reason[] = [];
    for (const tag of unreadable) {
      denies.push({
        rule: 'marking-unknown',
        effect: 'deny',
        clause: 'markings.custom',
        marking: tag,
        message: `MISP tag \`${tag}\` is a marking that cannot be read as TLP, PAP or IEP 2.0, so the data is withheld.`,
      });
    }
    const audience = distributionAllows(distribution, sharingGroup);
    if (audience) denies.push(audience);
    if (denies.length === 0) return { decision, distribution, sharingGroup };
    return {
      decision: {
        id: decision.id,
        type: decision.type,
        action: 'withhold',
        reasons: [...decision.reasons, ...denies],
        redactions: [],
        whyNot: denies.map((d) =>
          d.rule === 'marking-unknown'
            ? `Replace the tag ${d.marking} with a readable TLP/PAP tag.`
            : 'The MISP distribution must reach the recipient (distribution level or sharing-group membership).',
        ),
      },
      distribution,
      sharingGroup,
    };
  };

  function distributionAllows(distribution: number, sharingGroupId: string): Reason | undefined {
    const deny = (message: string): Reason => ({
      rule: 'misp-distribution',
      effect: 'deny',
      clause: 'object',
      message,
    });
    switch (distribution) {
      case 0:
        return ownerUuid !== undefined && ownerUuid === recipientUuid
          ? undefined
          : deny(
              'MISP distribution 0 ("Your organisation only") keeps it inside the creating organisation.',
            );
      case 1:
        return options.community !== undefined && who.communities.includes(options.community)
          ? undefined
          : deny(
              'MISP distribution 1 ("This community only") and the recipient is not in this instance\'s community.',
            );
      case 2: {
        const reach = [options.community, ...(options.connectedCommunities ?? [])].filter(
          (x): x is string => x !== undefined,
        );
        return who.communities.some((community) => reach.includes(community))
          ? undefined
          : deny(
              'MISP distribution 2 ("Connected communities") and the recipient is in none of them.',
            );
      }
      case 3:
        return undefined;
      case 4: {
        const group = groups.get(sharingGroupId);
        if (!group)
          return deny(
            `MISP sharing group ${sharingGroupId} is unknown, so its members cannot be checked.`,
          );
        if (group.SharingGroup.active === false)
          return deny(`MISP sharing group ${sharingGroupId} is not active.`);
        const member = (group.SharingGroupOrg ?? []).some(
          (org) => org.Organisation?.uuid === recipientUuid,
        );
        const allLocal =
          (group.SharingGroupServer ?? []).some(
            (server) => server.all_orgs === true && scalarText(server.server_id) === '0',
          ) &&
          options.community !== undefined &&
          who.communities.includes(options.community);
        return member || allLocal
          ? undefined
          : deny(
              `The recipient is not a member of MISP sharing group "${scalarText(group.SharingGroup.name ?? sharingGroupId)}".`,
            );
      }
      default:
        return deny(`MISP distribution level ${scalarText(distribution)} is not one of 0–5.`);
    }
  }

  const eventResult = judge(event, 'event', { distribution: 0, sharingGroup: '0' }, 'Event');
  const decisions: Decision[] = [eventResult.decision];
  const eventShared = eventResult.decision.action !== 'withhold';
  const inheritFromEvent = {
    distribution: eventResult.distribution,
    sharingGroup: eventResult.sharingGroup,
  };
  const keepAttributes = (
    list: unknown,
    inherited: typeof inheritFromEvent,
    where: string,
  ): Record<string, unknown>[] => {
    const kept: Record<string, unknown>[] = [];
    if (!Array.isArray(list)) return kept;
    list.forEach((attribute, index) => {
      if (!isRecord(attribute)) return;
      const result = judge(attribute, 'attribute', inherited, `${where}[${index}]`);
      if (!eventShared) {
        decisions.push({
          ...result.decision,
          action: 'withhold',
          redactions: [],
          reasons: [
            ...result.decision.reasons,
            {
              rule: 'dangling-reference',
              effect: 'deny',
              clause: 'object',
              message: 'The event it belongs to is withheld.',
            },
          ],
        });
        return;
      }
      decisions.push(result.decision);
      if (result.decision.action === 'withhold') return;
      const copy = { ...attribute };
      // Sightings name the organisations that saw the attribute: victims, unless kept.
      if (
        (c.agreement.victimProtection.whereSighted ?? c.agreement.victimProtection.identities) !==
        'keep'
      )
        delete copy.Sighting;
      kept.push(copy);
    });
    return kept;
  };
  const attributes = keepAttributes(event.Attribute, inheritFromEvent, 'Event.Attribute');
  const objects: Record<string, unknown>[] = [];
  if (Array.isArray(event.Object)) {
    event.Object.forEach((object, index) => {
      if (!isRecord(object)) return;
      const raw = Number(object.distribution ?? 5);
      const inherited =
        raw === 5
          ? inheritFromEvent
          : { distribution: raw, sharingGroup: scalarText(object.sharing_group_id ?? '0') };
      const kept = keepAttributes(object.Attribute, inherited, `Event.Object[${index}].Attribute`);
      if (kept.length > 0) objects.push({ ...object, Attribute: kept });
    });
  }
  if (!eventShared) return { event: undefined, decisions };
  const out: Record<string, unknown> = { ...event, Attribute: attributes, Object: objects };
  if (c.agreement.providerAttribution === 'must-not') {
    delete out.Orgc;
    delete out.Org;
    delete out.orgc_id;
    delete out.org_id;
  }
  return { event: { Event: out }, decisions };
}

function orgUuid(org: unknown): string | undefined {
  return isRecord(org) && typeof org.uuid === 'string' ? org.uuid : undefined;
}

/** A string or number from input as text; anything else (objects, even without a prototype) as a marker that matches nothing. */
function scalarText(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : `(${value === null ? 'null' : typeof value})`;
}
