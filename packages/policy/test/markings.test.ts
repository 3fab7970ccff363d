import { readJsonFixture } from '@intelshare/fixtures';
import { describe, expect, it } from 'vitest';
import {
  IEP2_EXTENSION_ID,
  officialMarkingDefinition,
  PAP_EXTENSION_ID,
  PAP_MARKING_IDS,
  TLP1_MARKING_IDS,
  TLP1_TO_TLP2,
  TLP2_EXTENSION_ID,
  TLP2_MARKING_IDS,
  tlp2ToTlp1,
  tlpRank,
} from '../src/index';
import { resolveMarking } from '../src/markings/resolve-marking';

const COMMON = 'stix21/cti-stix-common-objects';
type Bundle = { objects: Record<string, unknown>[] };

const tlp2Files = {
  'TLP:CLEAR': 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487.tlp-clear.json',
  'TLP:GREEN': 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb.tlp-green.json',
  'TLP:AMBER': 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421.tlp-amber.json',
  'TLP:AMBER+STRICT':
    'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003.tlp-amber-strict.json',
  'TLP:RED': 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1.tlp-red.json',
} as const;

describe('official marking ids', () => {
  it.each(Object.entries(tlp2Files))('%s matches the OASIS TLP 2.0 object', (name, file) => {
    const official = readJsonFixture<Bundle>(`${COMMON}/tlp2/${file}`).objects[0]!;
    expect(TLP2_MARKING_IDS[name as keyof typeof TLP2_MARKING_IDS]).toBe(official.id);
    expect(officialMarkingDefinition(official.id as string)).toEqual(official);
  });

  it('uses the TLP 2.0 extension id of the OASIS extension-definition', () => {
    const ext = readJsonFixture<Bundle>(
      `${COMMON}/tlp2/extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d.tlp2-extension.json`,
    );
    const object = 'objects' in ext ? ext.objects[0]! : (ext as unknown as Record<string, unknown>);
    expect(object.id).toBe(TLP2_EXTENSION_ID);
    expect(IEP2_EXTENSION_ID).toBe('extension-definition--762e2e97-ee51-43e5-a9ea-165fbb862c4a');
    expect(PAP_EXTENSION_ID).toBe('extension-definition--f8d78575-edfd-406e-8e84-6162a8450f5b');
  });

  it('takes the TLP 1.0 ids from the official STIX 2.1 marking-definition schema', () => {
    const schema = JSON.stringify(
      readJsonFixture('stix21/cti-stix2-json-schemas/schemas/common/marking-definition.json'),
    );
    for (const id of Object.values(TLP1_MARKING_IDS)) expect(schema).toContain(id);
    // TLP:CLEAR is a different object from TLP:WHITE.
    expect(TLP2_MARKING_IDS['TLP:CLEAR']).not.toBe(TLP1_MARKING_IDS['TLP:WHITE']);
  });

  it('reads the TLP 1.0 AMBER object of the cti-documentation example as official', () => {
    const bundle = readJsonFixture<Bundle>(
      'stix21/cti-documentation/using-marking-definitions.json',
    );
    const amber = bundle.objects.find((o) => o.id === TLP1_MARKING_IDS['TLP:AMBER'])!;
    expect(officialMarkingDefinition(TLP1_MARKING_IDS['TLP:AMBER'])).toEqual(amber);
  });

  it('states TLP 1.0 ↔ 2.0 equivalences explicitly', () => {
    expect(TLP1_TO_TLP2.white).toBe('clear');
    expect(tlp2ToTlp1('clear')).toBe('white');
    expect(tlp2ToTlp1('amber+strict')).toBeUndefined();
    expect(tlpRank('red')).toBeGreaterThan(tlpRank('amber+strict'));
    expect(tlpRank('amber+strict')).toBeGreaterThan(tlpRank('amber'));
  });

  it('knows the five PAP ids', () => {
    expect(Object.keys(PAP_MARKING_IDS)).toEqual([
      'PAP:CLEAR',
      'PAP:WHITE',
      'PAP:GREEN',
      'PAP:AMBER',
      'PAP:RED',
    ]);
    expect(officialMarkingDefinition(PAP_MARKING_IDS['PAP:GREEN'])?.extensions).toEqual({
      [PAP_EXTENSION_ID]: { extension_type: 'property-extension', pap: 'green' },
    });
  });
});

describe('resolveMarking', () => {
  const none = new Map();
  const defs = (...objects: Record<string, unknown>[]) =>
    new Map(objects.map((o) => [o.id as string, o as never]));

  it('resolves official TLP ids without a definition in the bundle', () => {
    expect(resolveMarking(TLP2_MARKING_IDS['TLP:RED'], none, none)).toMatchObject({
      kind: 'tlp',
      level: 'red',
      version: 2,
    });
    expect(resolveMarking(TLP1_MARKING_IDS['TLP:WHITE'], none, none)).toMatchObject({
      kind: 'tlp',
      level: 'clear',
      version: 1,
    });
  });

  it('treats the look-alike TLP:RED id in the interop example as unknown', () => {
    const example = JSON.stringify(
      readJsonFixture('stix21/cti-stix2-json-schemas/examples/interop-objectmarking-test.json'),
    );
    const lookAlike = 'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ec';
    expect(example).toContain(lookAlike);
    expect(resolveMarking(lookAlike, none, none).kind).toBe('unknown');
  });

  it('distrusts a bundle object that contradicts an official id', () => {
    const forged = {
      ...officialMarkingDefinition(TLP2_MARKING_IDS['TLP:RED'])!,
      extensions: {
        [TLP2_EXTENSION_ID]: { extension_type: 'property-extension', tlp_2_0: 'clear' },
      },
    };
    expect(resolveMarking(forged.id, defs(forged), none)).toMatchObject({ kind: 'unknown' });
  });

  it('rejects a TLP definition under a non-official id', () => {
    const fake = {
      type: 'marking-definition',
      id: 'marking-definition--11111111-2222-4333-8444-555555555555',
      definition_type: 'tlp',
      definition: { tlp: 'white' },
    };
    expect(resolveMarking(fake.id, defs(fake), none).kind).toBe('unknown');
  });

  it('reads the official IEP 2.0 examples', () => {
    const amber = readJsonFixture<Record<string, unknown>>(
      `${COMMON}/iep2/examples/iep-data-marking-example.json`,
    );
    const red = readJsonFixture<Record<string, unknown>>(
      `${COMMON}/iep2/examples/iep-data-marking-red-example.json`,
    );
    expect(resolveMarking(amber.id, defs(amber), none)).toMatchObject({
      kind: 'iep',
      level: 'amber',
    });
    expect(resolveMarking(red.id, defs(red), none)).toMatchObject({
      kind: 'iep',
      level: 'red',
      policy: { encrypt_in_transit: 'must' },
    });
  });

  it('reads statement markings and leaves ACS unknown unless the agreement names it', () => {
    const mitre = readJsonFixture<Bundle>(
      `${COMMON}/statement-markings/marking-definition--3cd55916-d34b-4747-a8e0-dedec14b711b.mitre-copyright-statement.json`,
    ).objects[0]!;
    expect(resolveMarking(mitre.id, defs(mitre), none)).toMatchObject({
      kind: 'statement',
      statement: 'Copyright 2020-22 - The MITRE Corporation, Inc.',
    });
    const acs = readJsonFixture<Bundle>(`${COMMON}/acs/acs-spec-use-case-1.json`).objects[0]!;
    expect(resolveMarking(acs.id, defs(acs), none)).toMatchObject({ kind: 'unknown' });
    const custom = new Map([
      [acs.id as string, { treatAs: 'amber' as const, clause: 'markings.custom[0]' }],
    ]);
    expect(resolveMarking(acs.id, defs(acs), custom)).toMatchObject({
      kind: 'custom',
      treatAs: 'amber',
    });
    // Named by the agreement but with no definition anywhere: still unknown.
    expect(resolveMarking(acs.id, none, custom).kind).toBe('unknown');
  });

  it('treats non-ids and missing definitions as unknown', () => {
    expect(resolveMarking('TLP:GREEN', none, none).kind).toBe('unknown');
    expect(resolveMarking(42, none, none).kind).toBe('unknown');
    expect(
      resolveMarking('marking-definition--11111111-2222-4333-8444-555555555555', none, none).kind,
    ).toBe('unknown');
  });
});
