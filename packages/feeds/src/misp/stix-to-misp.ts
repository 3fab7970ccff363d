import { SCO_TYPE_NAMES } from '@intelshare/stix';
import type { StixObject } from '../stix/stix-object';
import { markingToTag } from './misp-markings';

/** A MISP event as {@link stixToMisp} builds it (plain JSON, ready for `events/add`). */
export interface MispEventOut {
  uuid: string;
  info: string;
  date?: string;
  timestamp?: string;
  Tag: { name: string }[];
  Attribute: Record<string, unknown>[];
  Object: Record<string, unknown>[];
  Galaxy?: unknown[];
  [key: string]: unknown;
}

const COMPARISON = /([a-z0-9-]+):([A-Za-z0-9_.'\-[\]*]+)\s*=\s*(?:'((?:[^'\\]|\\.)*)'|(\d+))/g;

const PATH_TYPE: Record<string, [string, string]> = {
  'ipv4-addr:value': ['ip-dst', 'Network activity'],
  'ipv6-addr:value': ['ip-dst', 'Network activity'],
  'domain-name:value': ['domain', 'Network activity'],
  'url:value': ['url', 'Network activity'],
  'email-addr:value': ['email-src', 'Payload delivery'],
  'file:hashes.MD5': ['md5', 'Payload delivery'],
  'file:hashes.SHA-1': ['sha1', 'Payload delivery'],
  'file:hashes.SHA-256': ['sha256', 'Payload delivery'],
  'file:hashes.SHA-512': ['sha512', 'Payload delivery'],
  'file:name': ['filename', 'Payload delivery'],
  'mutex:name': ['mutex', 'Artifacts dropped'],
  'windows-registry-key:key': ['regkey', 'Persistence mechanism'],
  'autonomous-system:number': ['AS', 'Network activity'],
  'x509-certificate:hashes.SHA-1': ['x509-fingerprint-sha1', 'Network activity'],
  'x509-certificate:hashes.SHA-256': ['x509-fingerprint-sha256', 'Network activity'],
  'x509-certificate:hashes.MD5': ['x509-fingerprint-md5', 'Network activity'],
  'network-traffic:dst_ref.value': ['ip-dst', 'Network activity'],
  'network-traffic:src_ref.value': ['ip-src', 'Network activity'],
  'network-traffic:dst_port': ['port', 'Network activity'],
  'network-traffic:src_port': ['port', 'Network activity'],
  'domain-name:resolves_to_refs[*].value': ['ip-dst', 'Network activity'],
  'email-message:subject': ['email-subject', 'Payload delivery'],
  'email-message:from_ref.value': ['email-src', 'Payload delivery'],
  'email-message:to_refs[*].value': ['email-dst', 'Payload delivery'],
};

const SCO_TYPE: Record<string, [string, string, string]> = {
  'ipv4-addr': ['value', 'ip-dst', 'Network activity'],
  'ipv6-addr': ['value', 'ip-dst', 'Network activity'],
  'domain-name': ['value', 'domain', 'Network activity'],
  url: ['value', 'url', 'Network activity'],
  'email-addr': ['value', 'email-src', 'Payload delivery'],
  mutex: ['name', 'mutex', 'Artifacts dropped'],
};

const GALAXY_TYPE: Record<string, string> = {
  'threat-actor': 'threat-actor',
  'intrusion-set': 'mitre-intrusion-set',
  malware: 'mitre-malware',
  tool: 'mitre-tool',
  'attack-pattern': 'mitre-attack-pattern',
};

/**
 * Converts STIX 2.1 objects to MISP events, one per report (or one for everything when
 * there is no report; objects outside every report get an event of their own). Objects made by {@link mispToStix} come back exactly (their
 * `x_misp_*` properties hold the MISP side); other indicators become attributes from their
 * pattern comparisons, SCOs become non-IDS attributes, markings become `tlp:`/`PAP:` tags,
 * threat actors, malware, tools and attack patterns become galaxy tags, sightings attach to
 * their attributes. Anything else is kept as a `text` attribute holding its JSON.
 *
 * @param objects - STIX objects (e.g. a bundle's `objects`).
 * @returns MISP events.
 *
 * @example
 * ```ts
 * import { stixToMisp } from '@intelshare/feeds';
 *
 * const [event] = stixToMisp([
 *   {
 *     type: 'indicator',
 *     spec_version: '2.1',
 *     id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
 *     created: '2024-01-01T00:00:00.000Z',
 *     modified: '2024-01-01T00:00:00.000Z',
 *     pattern: "[domain-name:value = 'bad.example']",
 *     pattern_type: 'stix',
 *     valid_from: '2024-01-01T00:00:00Z',
 *   },
 * ]);
 * console.log(event?.Attribute[0]); // { type: 'domain', value: 'bad.example', to_ids: true, ... }
 * ```
 */
export function stixToMisp(objects: readonly StixObject[]): MispEventOut[] {
  const byId = new Map(objects.map((object) => [object.id, object]));
  const sightings = new Map<string, StixObject[]>();
  for (const object of objects) {
    if (object.type === 'sighting' && typeof object.sighting_of_ref === 'string') {
      const list = sightings.get(object.sighting_of_ref) ?? [];
      list.push(object);
      sightings.set(object.sighting_of_ref, list);
    }
  }
  const reports = objects.filter((o) => o.type === 'report');
  const groups: { report: StixObject | undefined; members: StixObject[] }[] =
    reports.length > 0
      ? reports.map((report) => ({
          report,
          members: (Array.isArray(report.object_refs) ? (report.object_refs as string[]) : [])
            .map((id) => byId.get(id))
            .filter((o): o is StixObject => o !== undefined),
        }))
      : [{ report: undefined, members: [...objects] }];
  if (reports.length > 0) {
    // Objects no report refers to still become an event of their own, never dropped.
    const referenced = new Set(groups.flatMap((group) => group.members.map((member) => member.id)));
    const loose = objects.filter(
      (o) =>
        !referenced.has(o.id) &&
        !['report', 'identity', 'marking-definition', 'sighting'].includes(o.type),
    );
    if (loose.length > 0) groups.push({ report: undefined, members: loose });
  }

  return groups.map(({ report, members }) => {
    const meta = (report?.x_misp_event ?? {}) as Record<string, unknown>;
    const event: MispEventOut = {
      ...meta,
      uuid: (meta.uuid as string) ?? (report ? report.id.split('--')[1]! : crypto.randomUUID()),
      info:
        (meta.info as string) ?? (typeof report?.name === 'string' ? report.name : 'STIX import'),
      Tag: Array.isArray(meta.Tag) ? (meta.Tag as { name: string }[]) : [],
      Attribute: [],
      Object: [],
    };
    if (Array.isArray(report?.x_misp_galaxies)) event.Galaxy = report.x_misp_galaxies as unknown[];
    const tags = new Set(event.Tag.map((t) => t.name));
    const addTag = (name: string | undefined) => {
      if (name && !tags.has(name)) {
        tags.add(name);
        event.Tag.push({ name });
      }
    };
    if (!report?.x_misp_event) {
      for (const id of (report?.object_marking_refs as string[] | undefined) ?? [])
        addTag(markingToTag(id, byId.get(id)));
      for (const label of (report?.labels as string[] | undefined) ?? []) addTag(label);
    }
    const sightingsOf = (id: string, attributeUuid: string | undefined) =>
      (sightings.get(id) ?? [])
        .filter((s) => {
          const preserved = s.x_misp_sighting as { attribute_uuid?: string } | undefined;
          return (
            !preserved?.attribute_uuid ||
            !attributeUuid ||
            preserved.attribute_uuid === attributeUuid
          );
        })
        .map((s) => {
          const { attribute_uuid: _drop, ...rest } = (s.x_misp_sighting ?? {}) as Record<
            string,
            unknown
          >;
          return Object.keys(rest).length > 0
            ? rest
            : {
                type: '0',
                date_sighting: String(
                  Math.floor(Date.parse(String(s.first_seen ?? s.created)) / 1000),
                ),
              };
        });

    const deferred: StixObject[] = [];
    for (const object of members) {
      if (!object.x_misp_attribute && !object.x_misp_object && SCO_TYPES.has(object.type)) {
        deferred.push(object);
        continue;
      }
      if (object.x_misp_attribute) {
        const attribute = { ...(object.x_misp_attribute as Record<string, unknown>) };
        const sighted = sightingsOf(object.id, attribute.uuid as string | undefined);
        if (sighted.length > 0) attribute.Sighting = sighted;
        event.Attribute.push(attribute);
        continue;
      }
      if (object.x_misp_object) {
        const preserved = object.x_misp_object as Record<string, unknown> & {
          Attribute?: Record<string, unknown>[];
        };
        const attributes = (preserved.Attribute ?? []).map((attribute) => {
          const sighted = sightingsOf(object.id, attribute.uuid as string | undefined);
          return sighted.length > 0 ? { ...attribute, Sighting: sighted } : { ...attribute };
        });
        event.Object.push({ ...preserved, Attribute: attributes });
        continue;
      }
      switch (object.type) {
        case 'indicator': {
          if (object.pattern_type !== 'stix' || typeof object.pattern !== 'string') {
            event.Attribute.push(textAttribute(object));
            break;
          }
          for (const attribute of patternAttributes(object.pattern)) {
            event.Attribute.push({
              ...attribute,
              to_ids: true,
              comment: (object.description as string) ?? '',
              timestamp: epoch(object.modified),
            });
          }
          break;
        }
        case 'observed-data': {
          // STIX 2.0 embedded observables in `objects`; 2.1 refers to SCOs by id.
          const embedded =
            typeof object.objects === 'object' && object.objects !== null
              ? Object.values(object.objects as Record<string, StixObject>)
              : [];
          for (const sco of embedded) {
            const attribute = scoAttribute(sco);
            if (attribute)
              event.Attribute.push({
                ...attribute,
                to_ids: false,
                timestamp: epoch(object.modified),
              });
          }
          for (const ref of (object.object_refs as string[] | undefined) ?? []) {
            const sco = byId.get(ref);
            const attribute = sco ? scoAttribute(sco) : undefined;
            if (attribute)
              event.Attribute.push({
                ...attribute,
                to_ids: false,
                timestamp: epoch(object.modified),
              });
          }
          break;
        }
        case 'threat-actor':
        case 'intrusion-set':
        case 'malware':
        case 'tool':
        case 'attack-pattern':
          if (!event.Galaxy)
            addTag(`misp-galaxy:${GALAXY_TYPE[object.type]}="${String(object.name)}"`);
          break;
        case 'identity':
        case 'marking-definition':
        case 'sighting':
        case 'report':
          break;
        default: {
          const attribute = scoAttribute(object);
          event.Attribute.push(attribute ? { ...attribute, to_ids: false } : textAttribute(object));
        }
      }
    }
    // SCOs become attributes only when no attribute already carries their value, since
    // indicators and observed-data made from them were converted above.
    const covered = new Set<string>();
    const cover = (value: unknown) => {
      if (typeof value !== 'string') return;
      covered.add(value);
      for (const part of value.split('|')) covered.add(part);
    };
    for (const attribute of event.Attribute) cover(attribute.value);
    for (const object of event.Object)
      for (const attribute of (object.Attribute as Record<string, unknown>[] | undefined) ?? [])
        cover(attribute.value);
    for (const sco of deferred) {
      const attribute = scoAttribute(sco);
      if (!attribute) {
        event.Attribute.push(textAttribute(sco));
        continue;
      }
      const parts = String(attribute.value).split('|');
      if (parts.every((part) => covered.has(part))) continue;
      cover(attribute.value);
      event.Attribute.push({ ...attribute, to_ids: false });
    }
    return event;
  });
}

// STIX 2.1 §6: the cyber-observable object types.
const SCO_TYPES: ReadonlySet<string> = new Set(SCO_TYPE_NAMES);

function patternAttributes(pattern: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const match of pattern.matchAll(COMPARISON)) {
    const path = `${match[1]}:${match[2]!.replaceAll("'", '')}`;
    const value = match[3] !== undefined ? match[3].replace(/\\(.)/g, '$1') : match[4]!;
    const mapped = Object.hasOwn(PATH_TYPE, path) ? PATH_TYPE[path] : undefined;
    out.push(
      mapped
        ? { type: mapped[0], category: mapped[1], value }
        : { type: 'text', category: 'Other', value, comment: `STIX pattern path ${path}` },
    );
  }
  return out;
}

function scoAttribute(sco: StixObject): Record<string, unknown> | undefined {
  // Own keys only: `type` comes from the input (`toString`, `constructor` are not SCO types).
  const simple = Object.hasOwn(SCO_TYPE, sco.type) ? SCO_TYPE[sco.type] : undefined;
  if (simple && typeof sco[simple[0]] === 'string')
    return { type: simple[1], category: simple[2], value: sco[simple[0]] };
  if (sco.type === 'file') {
    const hashes = (sco.hashes ?? {}) as Record<string, string>;
    for (const [name, type] of [
      ['SHA-256', 'sha256'],
      ['SHA-1', 'sha1'],
      ['MD5', 'md5'],
      ['SHA-512', 'sha512'],
    ] as const) {
      if (hashes[name])
        return {
          type: sco.name ? `filename|${type}` : type,
          category: 'Payload delivery',
          value: sco.name ? `${sco.name}|${hashes[name]}` : hashes[name],
        };
    }
    if (typeof sco.name === 'string')
      return { type: 'filename', category: 'Payload delivery', value: sco.name };
  }
  return undefined;
}

function textAttribute(object: StixObject): Record<string, unknown> {
  return {
    type: 'text',
    category: 'Other',
    to_ids: false,
    value: JSON.stringify(object),
    comment: `stix:${object.type}`,
  };
}

function epoch(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : String(Math.floor(time / 1000));
}
