import { PAP_EXTENSION_ID, PAP_MARKING_IDS, type PapLevel } from './pap';
import { TLP1_MARKING_IDS, TLP2_EXTENSION_ID, TLP2_MARKING_IDS, type TlpLevel } from './tlp';

/** A STIX object as plain JSON: only `type` and `id` are relied upon structurally. */
export interface StixLikeObject {
  type: string;
  id: string;
  [property: string]: unknown;
}

/** The meaning of one of the official marking-definition ids. */
export type OfficialMarking =
  | { kind: 'tlp'; version: 1 | 2; level: TlpLevel; name: string }
  | { kind: 'pap'; level: PapLevel; name: string };

const TLP2_CREATED = '2022-10-01T00:00:00.000Z';
const TLP1_CREATED = '2017-01-20T00:00:00.000Z';
// PAP creation times are those of the OASIS PAP specification's objects.
const PAP_CREATED: Record<string, string> = {
  'PAP:CLEAR': '2022-10-01T00:00:00.000Z',
  'PAP:WHITE': '2022-10-01T00:00:00.000Z',
  'PAP:GREEN': '2022-10-09T00:00:00.000Z',
  'PAP:AMBER': '2022-10-02T00:00:00.000Z',
  'PAP:RED': '2022-10-06T00:00:00.000Z',
};

const officialMeaning = new Map<string, OfficialMarking>();
const officialObjects = new Map<string, StixLikeObject>();

for (const [name, id] of Object.entries(TLP2_MARKING_IDS)) {
  const level = name.slice(4).toLowerCase() as TlpLevel;
  officialMeaning.set(id, { kind: 'tlp', version: 2, level, name });
  officialObjects.set(id, {
    type: 'marking-definition',
    spec_version: '2.1',
    id,
    created: TLP2_CREATED,
    name,
    extensions: {
      [TLP2_EXTENSION_ID]: { extension_type: 'property-extension', tlp_2_0: level },
    },
  });
}
for (const [name, id] of Object.entries(TLP1_MARKING_IDS)) {
  const colour = name.slice(4).toLowerCase();
  const level = (colour === 'white' ? 'clear' : colour) as TlpLevel;
  officialMeaning.set(id, { kind: 'tlp', version: 1, level, name });
  officialObjects.set(id, {
    type: 'marking-definition',
    spec_version: '2.1',
    id,
    created: TLP1_CREATED,
    definition_type: 'tlp',
    name,
    definition: { tlp: colour },
  });
}
for (const [name, id] of Object.entries(PAP_MARKING_IDS)) {
  const colour = name.slice(4).toLowerCase();
  const level = (colour === 'white' ? 'clear' : colour) as PapLevel;
  officialMeaning.set(id, { kind: 'pap', level, name });
  officialObjects.set(id, {
    type: 'marking-definition',
    spec_version: '2.1',
    id,
    created: PAP_CREATED[name],
    name,
    extensions: { [PAP_EXTENSION_ID]: { extension_type: 'property-extension', pap: colour } },
  });
}

/**
 * What an official (TLP 1.0, TLP 2.0 or PAP) marking-definition id means, or `undefined`
 * when the id is not one of them. Ids are compared exactly: a look-alike id is not official.
 */
export function officialMarking(id: string): OfficialMarking | undefined {
  return officialMeaning.get(id);
}

/**
 * The official marking-definition object for an id (TLP 1.0, TLP 2.0 or PAP), as
 * published by OASIS, or `undefined` for any other id. Projections include these
 * when an object they keep references them.
 *
 * @param id - A marking-definition id.
 * @returns A fresh copy of the official object, or `undefined`.
 *
 * @example
 * ```ts
 * import { officialMarkingDefinition, TLP2_MARKING_IDS } from '@intelshare/policy';
 *
 * officialMarkingDefinition(TLP2_MARKING_IDS['TLP:GREEN'])?.name; // 'TLP:GREEN'
 * ```
 */
export function officialMarkingDefinition(id: string): StixLikeObject | undefined {
  const object = officialObjects.get(id);
  return object === undefined ? undefined : structuredClone(object);
}
