import type { FeedIssue } from '../errors/feed-error-issue';
import { FeedValidationError } from '../errors/feed-validation-error';
import { derivedId } from '../stix/sco-id';
import type { StixObject } from '../stix/stix-object';
import {
  type MappedValue,
  mapAttributeValue,
  mapObjectRelation,
  toPattern,
} from './misp-attribute-map';
import { tagToMarking } from './misp-markings';
import { type MispAttribute, type MispSighting, mispEventSchema } from './misp-schemas';

/** What {@link mispToStix} produces. */
export interface MispToStixResult {
  /** The report for the event first, then every object it refers to. */
  objects: StixObject[];
  /** Values that could not become indicators or observables and were kept as notes. */
  issues: FeedIssue[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const DETERMINISTIC = new Set([
  'identity',
  'marking-definition',
  'sighting',
  'threat-actor',
  'intrusion-set',
  'attack-pattern',
  'malware',
  'tool',
]);
// STIX 2.1 §6: SCO ids are content-derived, so a repeat is the same observable.
for (const type of [
  'ipv4-addr',
  'ipv6-addr',
  'domain-name',
  'url',
  'email-addr',
  'file',
  'mutex',
  'windows-registry-key',
  'autonomous-system',
  'x509-certificate',
])
  DETERMINISTIC.add(type);

// MISP galaxy types whose clusters have a clear STIX 2.1 SDO counterpart.
const GALAXY_SDO: Record<string, string> = {
  'threat-actor': 'threat-actor',
  'mitre-threat-actor': 'threat-actor',
  'mitre-intrusion-set': 'intrusion-set',
  'mitre-enterprise-attack-intrusion-set': 'intrusion-set',
  'intrusion-set': 'intrusion-set',
  'mitre-attack-pattern': 'attack-pattern',
  'mitre-enterprise-attack-attack-pattern': 'attack-pattern',
  'attack-pattern': 'attack-pattern',
  'mitre-malware': 'malware',
  'mitre-enterprise-attack-malware': 'malware',
  malpedia: 'malware',
  ransomware: 'malware',
  banker: 'malware',
  rat: 'malware',
  botnet: 'malware',
  stealer: 'malware',
  backdoor: 'malware',
  'mitre-tool': 'tool',
  'mitre-enterprise-attack-tool': 'tool',
  // MISP's plain `tool` galaxy mixes malware and dual-use tools, so it is not "clear".
};

/**
 * Converts a MISP event to STIX 2.1: a report for the event; indicators (with patterns) for
 * `to_ids` attributes and objects, observed-data for the rest, SCOs for their values; `tlp:`
 * and `PAP:` tags to markings; galaxies to threat actors, intrusion sets, malware, tools and
 * attack patterns where the galaxy type is clear; sightings to sightings. Everything MISP
 * knows that STIX has no place for (category, distribution, sharing group, comments,
 * unmapped attribute types, unmapped galaxies) is kept in `x_misp_*` properties, so
 * {@link stixToMisp} gives the event back.
 *
 * @param input - A MISP event, bare or wrapped as `{ "Event": ... }`.
 * @returns STIX objects and the list of values kept only as notes.
 * @throws {FeedValidationError} `VALIDATION_FAILED` when the input is not a MISP event.
 *
 * @example
 * ```ts
 * import { mispToStix } from '@intelshare/feeds';
 *
 * const { objects } = mispToStix({
 *   Event: {
 *     uuid: '5721c2e4-05ec-4af3-9264-411b950d210f',
 *     info: 'Phishing wave',
 *     Tag: [{ name: 'tlp:green' }],
 *     Attribute: [{ type: 'domain', value: 'bad.example', to_ids: true, uuid: '5721c305-ef54-4c9b-abe0-4a2d950d210f' }],
 *   },
 * });
 * console.log(objects.map((o) => o.type)); // ['report', 'indicator', 'domain-name']
 * ```
 */
export function mispToStix(input: unknown): MispToStixResult {
  const wrapped =
    typeof input === 'object' && input !== null && 'Event' in input
      ? (input as { Event: unknown }).Event
      : input;
  const parsed = mispEventSchema.safeParse(wrapped);
  if (!parsed.success) {
    throw new FeedValidationError(
      'VALIDATION_FAILED',
      'The input is not a MISP event.',
      parsed.error.issues.map((issue) => ({
        path: `Event.${issue.path.join('.')}`,
        message: issue.message,
      })),
    );
  }
  const event = parsed.data;
  const issues: FeedIssue[] = [];
  const objects = new Map<string, StixObject>();
  // Deterministic ids (SCOs, markings, identities) repeat by design; anything else sharing
  // an id (two attributes with one uuid) is kept under a derived id and reported.
  const add = (object: StixObject, path = 'Event'): string => {
    const existing = objects.get(object.id);
    if (!existing) {
      objects.set(object.id, object);
      return object.id;
    }
    if (DETERMINISTIC.has(object.type) || JSON.stringify(existing) === JSON.stringify(object))
      return object.id;
    const id = derivedId(object.type, object.id, String(objects.size));
    issues.push({ path, message: `repeats the id ${object.id}; kept as ${id}` });
    objects.set(id, { ...object, id });
    return id;
  };
  const eventTime = epoch(event.timestamp) ?? isoDate(event.date) ?? '1970-01-01T00:00:00.000Z';
  const reportId = `report--${uuidOr(event.uuid, 'report', event.info)}`;
  const author = orgIdentity(event.Orgc);
  if (author) add(author);

  const eventMarkings: string[] = [];
  const labels: string[] = [];
  for (const tag of event.Tag) {
    const marking = tagToMarking(tag.name);
    if (marking) {
      if (!eventMarkings.includes(marking.id)) eventMarkings.push(marking.id);
      if (marking.object) add(marking.object);
    } else if (!tag.name.startsWith('misp-galaxy:')) labels.push(tag.name);
  }
  const common = (
    created: string,
    extraMarkings: readonly string[] = [],
  ): Record<string, unknown> => {
    const base: Record<string, unknown> = { spec_version: '2.1', created, modified: created };
    if (author) base.created_by_ref = author.id;
    const markings = [...new Set([...eventMarkings, ...extraMarkings])];
    if (markings.length > 0) base.object_marking_refs = markings;
    return base;
  };
  const attributeMarkings = (attribute: MispAttribute): string[] => {
    const ids: string[] = [];
    for (const tag of attribute.Tag ?? []) {
      const marking = tagToMarking(tag.name);
      if (marking) {
        ids.push(marking.id);
        if (marking.object) add(marking.object);
      }
    }
    return ids;
  };
  const sightingTargets = new Map<string, string>();
  const pendingSightings: { attributeUuid: string; sighting: MispSighting }[] = [];

  const emit = (
    primaryId: string,
    mapped: MappedValue | undefined,
    toIds: boolean,
    created: string,
    markings: string[],
    name: string,
    description: string | undefined,
    preserved: Record<string, unknown>,
    path: string,
  ) => {
    if (mapped && mapped.comparisons.length > 0 && toIds) {
      const indicator: StixObject = {
        type: 'indicator',
        id: `indicator--${primaryId}`,
        ...common(created, markings),
        name: clip(name),
        indicator_types: ['malicious-activity'],
        pattern: toPattern(mapped.comparisons),
        pattern_type: 'stix',
        valid_from: created,
        ...preserved,
      };
      if (description) indicator.description = description;
      const id = add(indicator, path);
      for (const sco of mapped.scos) add(sco);
      return id;
    }
    if (mapped && mapped.scos.length > 0) {
      for (const sco of mapped.scos) add(sco);
      const observed: StixObject = {
        type: 'observed-data',
        id: `observed-data--${primaryId}`,
        ...common(created, markings),
        first_observed: created,
        last_observed: created,
        number_observed: 1,
        object_refs: mapped.scos.map((sco) => sco.id),
        ...preserved,
      };
      return add(observed, path);
    }
    issues.push({
      path,
      message: `\`${clip(name)}\` has no STIX observable mapping; kept as a note`,
    });
    const note: StixObject = {
      type: 'note',
      id: `note--${primaryId}`,
      ...common(created, markings),
      abstract: clip(name),
      content: description ? `${name}\n\n${description}` : name,
      object_refs: [reportId],
      ...preserved,
    };
    return add(note, path);
  };

  event.Attribute.forEach((attribute, index) => {
    const created = epoch(attribute.timestamp) ?? eventTime;
    const id = uuidOr(attribute.uuid, 'attribute', `${event.uuid}|${index}`);
    const { Sighting, ...rest } = attribute;
    const target = emit(
      id,
      mapAttributeValue(attribute.type, attribute.value),
      truthy(attribute.to_ids),
      created,
      attributeMarkings(attribute),
      `${attribute.type}: ${attribute.value}`,
      attribute.comment || undefined,
      { x_misp_attribute: rest },
      `Event.Attribute[${index}]`,
    );
    sightingTargets.set(attribute.uuid ?? id, target);
    for (const sighting of Sighting ?? [])
      pendingSightings.push({ attributeUuid: attribute.uuid ?? id, sighting });
  });

  event.Object.forEach((object, index) => {
    const created = epoch(object.timestamp) ?? eventTime;
    const id = uuidOr(object.uuid, 'object', `${event.uuid}|o${index}`);
    const comparisons: MappedValue = { comparisons: [], scos: [] };
    let toIds = false;
    const markings: string[] = [];
    const attributes = object.Attribute.map((attribute) => {
      const mapped = mapObjectRelation(
        object.name,
        attribute.object_relation ?? '',
        attribute.type,
        attribute.value,
      );
      if (mapped) {
        comparisons.comparisons.push(...mapped.comparisons);
        comparisons.scos.push(...mapped.scos);
        if (truthy(attribute.to_ids)) toIds = true;
      }
      markings.push(...attributeMarkings(attribute));
      const { Sighting, ...rest } = attribute;
      for (const sighting of Sighting ?? [])
        pendingSightings.push({ attributeUuid: attribute.uuid ?? id, sighting });
      return rest;
    });
    const summary = object.Attribute.map((a) => `${a.object_relation ?? a.type}=${a.value}`).join(
      ' ',
    );
    const target = emit(
      id,
      comparisons.comparisons.length > 0 || comparisons.scos.length > 0 ? comparisons : undefined,
      toIds,
      created,
      markings,
      `${object.name}: ${summary}`,
      object.comment || undefined,
      { x_misp_object: { ...object, Attribute: attributes } },
      `Event.Object[${index}]`,
    );
    for (const attribute of object.Attribute)
      if (attribute.uuid) sightingTargets.set(attribute.uuid, target);
  });

  // Galaxies: clear types become SDOs; every galaxy is also kept whole on the report.
  event.Galaxy.forEach((galaxy) => {
    for (const cluster of galaxy.GalaxyCluster) {
      const sdoType = GALAXY_SDO[cluster.type ?? galaxy.type ?? ''];
      if (!sdoType) continue;
      const sdo: StixObject = {
        type: sdoType,
        // Older exports repeat the galaxy's uuid on every cluster, so the value joins the id.
        id: derivedId(sdoType, cluster.value, cluster.uuid ?? ''),
        ...common(eventTime),
        name: cluster.value,
      };
      if (cluster.description) sdo.description = cluster.description;
      if (sdoType === 'malware') sdo.is_family = true;
      const synonyms = cluster.meta?.synonyms;
      if (
        Array.isArray(synonyms) &&
        synonyms.length > 0 &&
        sdoType !== 'attack-pattern' &&
        sdoType !== 'tool'
      )
        sdo.aliases = synonyms.filter((s): s is string => typeof s === 'string').slice(0, 100);
      const refs = Array.isArray(cluster.meta?.refs)
        ? (cluster.meta.refs as unknown[]).filter((r): r is string => typeof r === 'string')
        : [];
      const externalId = Array.isArray(cluster.meta?.external_id)
        ? (cluster.meta.external_id as unknown[])[0]
        : undefined;
      const references: Record<string, string>[] = [];
      if (typeof externalId === 'string')
        references.push({ source_name: 'mitre-attack', external_id: externalId });
      for (const url of refs.slice(0, 50)) references.push({ source_name: 'misp-galaxy', url });
      if (references.length > 0) sdo.external_references = references;
      if (cluster.tag_name) sdo.x_misp_galaxy_tag = cluster.tag_name;
      add(sdo);
    }
  });

  for (const sighting of event.Sighting ?? []) {
    if (sighting.attribute_uuid)
      pendingSightings.push({ attributeUuid: sighting.attribute_uuid, sighting });
  }
  pendingSightings.forEach(({ attributeUuid, sighting }, index) => {
    const target = sightingTargets.get(attributeUuid);
    if (!target) {
      issues.push({
        path: `Sighting[${index}]`,
        message: `refers to unknown attribute ${attributeUuid}`,
      });
      return;
    }
    const when = epoch(sighting.date_sighting) ?? eventTime;
    const sdo: StixObject = {
      type: 'sighting',
      id: derivedId(
        'sighting',
        attributeUuid,
        sighting.type ?? '0',
        when,
        sighting.source ?? '',
        sighting.Organisation?.uuid ?? '',
      ),
      ...common(when),
      first_seen: when,
      last_seen: when,
      count: 1,
      sighting_of_ref: target,
      x_misp_sighting: { ...sighting, attribute_uuid: attributeUuid },
    };
    const org = orgIdentity(sighting.Organisation);
    if (org) {
      add(org);
      sdo.where_sighted_refs = [org.id];
    }
    add(sdo);
  });

  const { Attribute: _a, Object: _o, Galaxy, Sighting: _s, ...eventMeta } = event;
  const report: StixObject = {
    type: 'report',
    id: reportId,
    ...common(isoDate(event.date) ?? eventTime),
    modified: eventTime,
    name: event.info,
    report_types: ['threat-report'],
    published: epoch(event.publish_timestamp) ?? isoDate(event.date) ?? eventTime,
    object_refs: objects.size > 0 ? [...objects.keys()] : [reportId],
    x_misp_event: eventMeta,
  };
  if (labels.length > 0) report.labels = labels;
  if (Galaxy.length > 0) report.x_misp_galaxies = Galaxy;
  return { objects: [report, ...objects.values()], issues };
}

function truthy(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 'true';
}

function uuidOr(value: string | undefined, kind: string, seed: string): string {
  if (value && UUID.test(value)) return value.toLowerCase();
  return derivedId(kind, seed).split('--')[1]!;
}

function epoch(value: string | undefined): string | undefined {
  if (value === undefined || !/^\d{1,12}$/.test(value) || value === '0') return undefined;
  return new Date(Number(value) * 1000).toISOString();
}

function isoDate(value: string | undefined): string | undefined {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const time = Date.parse(`${value}T00:00:00Z`);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

function orgIdentity(
  org: { name?: string | undefined; uuid?: string | undefined } | undefined,
): StixObject | undefined {
  if (!org?.name && !org?.uuid) return undefined;
  return {
    type: 'identity',
    spec_version: '2.1',
    id: `identity--${uuidOr(org.uuid, 'identity', org.name ?? '')}`,
    created: '2000-01-01T00:00:00.000Z',
    modified: '2000-01-01T00:00:00.000Z',
    name: org.name ?? org.uuid ?? 'unknown',
    identity_class: 'organization',
  };
}

function clip(value: string): string {
  return value.length > 250 ? `${value.slice(0, 247)}...` : value;
}
