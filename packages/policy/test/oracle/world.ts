// Random worlds for the oracle property suite: a bundle in which every string field carries
// a unique marker, an agreement in the documented YAML/JSON format, and a recipient. Only
// the official marking ids are taken from the package (they are published constants).
import fc from 'fast-check';
import { PAP_MARKING_IDS, TLP1_MARKING_IDS, TLP2_MARKING_IDS } from '../../src/index';

export const PROVIDER = 'identity--8ce3f695-d5a4-4dc8-9e93-a65af453a31a';
export const PARTNER = 'identity--03e23f6c-0ac9-4b47-9c84-f718132adb21';
export const NOW = '2026-03-01T00:00:00.000Z';
const T = '2026-02-01T00:00:00.000Z';
export const UNKNOWN_MARKING = 'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ec';
export const EXTENSION = 'extension-definition--3a65884d-005a-4290-8335-cb2d778a83ce';

export const TLP_ORDER = ['clear', 'green', 'amber', 'amber+strict', 'red'] as const;
export const PAP_ORDER = ['clear', 'green', 'amber', 'red'] as const;

/** A statement marking in the bundle, itself marked with `tlp` (or unmarked). */
export interface StatementSpec {
  tlp: string | null;
}

export interface ObjectSpec {
  kind: 'indicator' | 'malware' | 'identity' | 'note' | 'sighting' | 'relationship' | 'translation';
  /** Indexes into the marking pool for `object_marking_refs` (empty: unmarked). */
  markings: number[];
  granular: { marking: number; field: number }[];
  victim: boolean;
  /** Which earlier object a reference-carrying object points at. */
  target: number;
  createdByProvider: boolean;
  custom: boolean;
}

export interface WorldSpec {
  statements: StatementSpec[];
  objects: ObjectSpec[];
  clauses: {
    match: 'identity' | 'community' | 'anyone';
    maxTlp: string;
    maxPap: string;
    named: string[];
  }[];
  unmarkedTlp: string;
  deny: string[];
  freeText: string[];
  victims: 'keep' | 'remove' | 'generalise' | 'pseudonymise';
  customProperties: 'keep' | 'remove';
  recipient: { communities: string[]; individuals: string[]; automated: boolean };
}

const tlp = fc.constantFrom(...TLP_ORDER);
const pap = fc.constantFrom(...PAP_ORDER);

/** Random worlds of `minObjects` to `maxObjects` objects (besides marking definitions). */
export function worldArbitrary(maxObjects = 14, minObjects = 1): fc.Arbitrary<WorldSpec> {
  return fc.record({
    statements: fc.array(fc.record({ tlp: fc.option(tlp, { nil: null }) }), { maxLength: 2 }),
    objects: fc.array(
      fc.record({
        kind: fc.constantFrom(
          'indicator',
          'malware',
          'identity',
          'note',
          'sighting',
          'relationship',
          'translation',
        ),
        markings: fc.array(fc.nat(30), { maxLength: 3 }),
        granular: fc.array(fc.record({ marking: fc.nat(30), field: fc.nat(10) }), { maxLength: 2 }),
        victim: fc.boolean(),
        target: fc.nat(100),
        createdByProvider: fc.boolean(),
        custom: fc.boolean(),
      }),
      { minLength: minObjects, maxLength: maxObjects },
    ),
    clauses: fc.array(
      fc.record({
        match: fc.constantFrom('identity', 'community', 'anyone'),
        maxTlp: tlp,
        maxPap: pap,
        named: fc.subarray(['alice', 'bob']),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    unmarkedTlp: tlp,
    deny: fc.subarray([
      'description',
      'indicator.name',
      'malware.aliases',
      'x_custom',
      'note.abstract',
    ]),
    freeText: fc.subarray(['sighting.description', 'note.content', 'relationship.description']),
    victims: fc.constantFrom('keep', 'remove', 'generalise', 'pseudonymise'),
    customProperties: fc.constantFrom('keep', 'remove'),
    recipient: fc.record({
      communities: fc.subarray(['c1', 'c2']),
      individuals: fc.subarray(['alice', 'bob']),
      automated: fc.boolean(),
    }),
  });
}

export const worldArb = worldArbitrary();

/** The agreement, in the documented input format. */
export function agreementInput(spec: WorldSpec): Record<string, unknown> {
  return {
    id: 'oracle',
    version: '1',
    title: 'Oracle agreement',
    effective: { from: '2026-01-01T00:00:00Z' },
    purposes: ['detection'],
    communities: ['c1'],
    parties: [
      { identity: PROVIDER, name: 'Provider', role: 'provider' },
      { identity: PARTNER, name: 'Partner', role: 'recipient' },
    ],
    recipients: spec.clauses.map((clause) => ({
      match:
        clause.match === 'identity'
          ? { identities: [PARTNER] }
          : clause.match === 'community'
            ? { communities: ['c1'] }
            : { anyone: true },
      // FIRST TLP 2.0, which `parseAgreement` enforces: only CLEAR to anyone, RED to named people.
      maxTlp: clause.match === 'anyone' ? 'clear' : clause.maxTlp,
      maxPap: clause.maxPap,
      namedIndividuals:
        clause.maxTlp === 'red' && clause.named.length === 0 ? ['alice'] : clause.named,
    })),
    unmarkedTlp: spec.unmarkedTlp,
    properties: { deny: spec.deny },
    victimProtection: {
      identities: spec.victims,
      customProperties: spec.customProperties,
      freeTextFields: spec.freeText,
      ...(spec.victims === 'pseudonymise' ? { pseudonymKeyId: 'k1' } : {}),
    },
  };
}

export function recipientOf(spec: WorldSpec) {
  return { identity: PARTNER, ...spec.recipient };
}

/** Where a marker came from: the object and field, so the oracle can judge it. */
export interface MarkerSource {
  /** Index of the source object in `bundle.objects`. */
  object: number;
  /** Top-level property (`name`, `contents`…) the marker sits in. */
  field: string;
  /** For a translation: the translated object's index and field. */
  translates?: { object: number; field: string };
}

export interface World {
  bundle: { type: 'bundle'; id: string; objects: Record<string, unknown>[] };
  markers: Map<string, MarkerSource>;
  /** Ids the recipient must never see when victims are protected. */
  victimIds: Set<string>;
}

/** The pool object markings and granular markings are drawn from. */
export function markingPool(statementIds: readonly string[]): string[] {
  return [
    ...Object.values(TLP2_MARKING_IDS),
    ...Object.values(TLP1_MARKING_IDS),
    ...Object.values(PAP_MARKING_IDS),
    UNKNOWN_MARKING,
    ...statementIds,
  ];
}

const hex = (n: number) => n.toString(16).padStart(12, '0');

/** Builds the bundle: one unique marker (`mk<n>q`) in every string field. */
export function buildWorld(spec: WorldSpec, seed: number): World {
  const objects: Record<string, unknown>[] = [];
  const markers = new Map<string, MarkerSource>();
  const victimIds = new Set<string>();
  let n = 0;
  const prefix = `${(seed >>> 0).toString(16).padStart(8, '0')}-0000-4000-8000-`;
  const idFor = (type: string) => `${type}--${prefix}${hex(++n)}`;
  const marker = (object: number, field: string, translates?: MarkerSource['translates']) => {
    const m = `mk${++n}q`;
    markers.set(m, translates ? { object, field, translates } : { object, field });
    return m;
  };
  const statementIds: string[] = [];
  for (const statement of spec.statements) {
    const id = idFor('marking-definition');
    statementIds.push(id);
    const index = objects.length;
    objects.push({
      type: 'marking-definition',
      spec_version: '2.1',
      id,
      created: T,
      definition_type: 'statement',
      definition: { statement: marker(index, 'definition') },
      ...(statement.tlp
        ? {
            object_marking_refs: [
              TLP2_MARKING_IDS[`TLP:${statement.tlp.toUpperCase()}` as 'TLP:RED'],
            ],
          }
        : {}),
    });
  }
  const pool = markingPool(statementIds);
  const pick = (i: number) => pool[i % pool.length]!;
  const kept: number[] = []; // indexes of non-marking objects
  const identities: Record<string, unknown>[] = [];
  for (const o of spec.objects) {
    const index = objects.length;
    const earlier = kept.length > 0 ? kept[o.target % kept.length]! : undefined;
    const target = earlier === undefined ? undefined : objects[earlier]!;
    let object: Record<string, unknown> | undefined;
    const base = (type: string) => ({
      type,
      spec_version: '2.1',
      id: idFor(type),
      created: T,
      modified: T,
      ...(o.createdByProvider ? { created_by_ref: PROVIDER } : {}),
    });
    switch (o.kind) {
      case 'indicator': {
        const domain = marker(index, 'pattern');
        object = {
          ...base('indicator'),
          name: marker(index, 'name'),
          description: marker(index, 'description'),
          pattern: `[domain-name:value = '${domain}.example']`,
          pattern_type: 'stix',
          valid_from: T,
          external_references: [
            { source_name: 'vendor', description: marker(index, 'external_references') },
          ],
        };
        break;
      }
      case 'malware':
        object = {
          ...base('malware'),
          name: marker(index, 'name'),
          is_family: true,
          description: marker(index, 'description'),
          aliases: [marker(index, 'aliases')],
          kill_chain_phases: [
            { kill_chain_name: 'kc', phase_name: marker(index, 'kill_chain_phases') },
          ],
        };
        break;
      case 'identity':
        object = {
          ...base('identity'),
          name: marker(index, 'name'),
          description: marker(index, 'description'),
          identity_class: 'organization',
          sectors: [marker(index, 'sectors')],
          contact_information: marker(index, 'contact_information'),
          ...(o.victim ? { labels: ['victim'] } : {}),
        };
        break;
      case 'note':
        if (!target) break;
        object = {
          ...base('note'),
          abstract: marker(index, 'abstract'),
          content: marker(index, 'content'),
          object_refs: [target.id],
        };
        break;
      case 'sighting': {
        if (!target) break;
        const where = identities[0];
        object = {
          ...base('sighting'),
          description: marker(index, 'description'),
          sighting_of_ref: target.id,
          ...(where ? { where_sighted_refs: [where.id] } : {}),
        };
        break;
      }
      case 'relationship': {
        if (!target) break;
        const to = identities.find((x) => x !== target);
        if (!to) break;
        object = {
          ...base('relationship'),
          relationship_type: o.victim ? 'targets' : 'related-to',
          description: marker(index, 'description'),
          source_ref: target.id,
          target_ref: to.id,
        };
        break;
      }
      case 'translation': {
        if (!target || earlier === undefined) break;
        const fields: Record<string, string> = {};
        for (const field of ['name', 'description', 'content', 'abstract']) {
          if (typeof target[field] === 'string')
            fields[field] = marker(index, 'contents', { object: earlier, field });
        }
        if (Object.keys(fields).length === 0) break;
        object = {
          ...base('language-content'),
          object_ref: target.id,
          object_modified: target.modified,
          contents: { fr: fields },
        };
        break;
      }
    }
    if (!object) continue;
    if (o.custom) object.x_custom = marker(index, 'x_custom');
    if (o.markings.length > 0) object.object_marking_refs = [...new Set(o.markings.map(pick))];
    const fields = Object.keys(object).filter(
      (k) =>
        !['type', 'spec_version', 'id', 'created', 'modified', 'object_marking_refs'].includes(k),
    );
    const granular = o.granular
      .map((g) => ({ marking_ref: pick(g.marking), selectors: [fields[g.field % fields.length]!] }))
      .filter((g) => g.selectors[0] !== undefined);
    if (granular.length > 0) object.granular_markings = granular;
    objects.push(object);
    kept.push(index);
    if (object.type === 'identity') identities.push(object);
  }
  // Victims: labelled, targeted, or where something was sighted.
  for (const object of objects) {
    if (object.type === 'identity' && Array.isArray(object.labels))
      victimIds.add(String(object.id));
    if (object.type === 'relationship' && object.relationship_type === 'targets')
      victimIds.add(String(object.target_ref));
    if (object.type === 'sighting' && Array.isArray(object.where_sighted_refs))
      for (const ref of object.where_sighted_refs) victimIds.add(String(ref));
  }
  return {
    bundle: { type: 'bundle', id: `bundle--${prefix}${hex(0)}`, objects },
    markers,
    victimIds,
  };
}
