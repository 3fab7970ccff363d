import { describe, expect, it } from 'vitest';
import { type ParseStixOptions, parseStix, type StixIssue } from '../src/index';
import {
  bundle,
  file,
  IDENTITY_ID,
  indicator,
  MARKING_ID,
  malware,
  relationship,
} from './support/valid-objects';

/** Parses one object inside a bundle and returns the result. */
function parseOne(object: unknown, options: ParseStixOptions = {}) {
  return parseStix(bundle(object), options);
}

function with_(
  base: Record<string, unknown>,
  changes: Record<string, unknown>,
): Record<string, unknown> {
  const out = { ...base, ...changes };
  for (const [key, value] of Object.entries(changes)) if (value === undefined) delete out[key];
  return out;
}

type Case = [
  name: string,
  object: Record<string, unknown>,
  code: string,
  path: string,
  severity?: 'error' | 'warning',
];

const EXT = 'extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e';

// One (or more) invalid case per rule; each asserts the stable code and the JSON path.
const cases: Case[] = [
  [
    'identifier format',
    with_(indicator(), { id: 'indicator--not-a-uuid' }),
    'INVALID_ID',
    'objects[0].id',
  ],
  [
    'identifier UUID variant',
    with_(indicator(), { id: 'indicator--8e2e2d2b-17d4-4cbf-138f-98ee46b3cd3f' }),
    'INVALID_ID',
    'objects[0].id',
  ],
  [
    'identifier type matches object type',
    with_(indicator(), { id: 'malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f' }),
    'ID_TYPE_MISMATCH',
    'objects[0].id',
  ],
  ['missing type', with_(indicator(), { type: undefined }), 'MISSING_PROPERTY', 'objects[0].type'],
  [
    'missing required property',
    with_(indicator(), { pattern: undefined }),
    'MISSING_PROPERTY',
    'objects[0].pattern',
  ],
  [
    'missing created',
    with_(malware(), { created: undefined }),
    'MISSING_PROPERTY',
    'objects[0].created',
  ],
  ['wrong value type', with_(indicator(), { name: 42 }), 'INVALID_TYPE', 'objects[0].name'],
  [
    'boolean expected',
    with_(malware(), { is_family: 'yes' }),
    'INVALID_TYPE',
    'objects[0].is_family',
  ],
  [
    '*_ref target type',
    with_(indicator(), { created_by_ref: 'malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b' }),
    'REF_TYPE_NOT_ALLOWED',
    'objects[0].created_by_ref',
  ],
  [
    '*_refs element format',
    with_(indicator(), { object_marking_refs: [MARKING_ID, 'tlp-green'] }),
    'INVALID_REF',
    'objects[0].object_marking_refs[1]',
  ],
  [
    '*_refs target type',
    with_(indicator(), { object_marking_refs: [IDENTITY_ID] }),
    'REF_TYPE_NOT_ALLOWED',
    'objects[0].object_marking_refs[0]',
  ],
  [
    'SRO source must not be a meta object',
    with_(relationship(), { source_ref: MARKING_ID }),
    'REF_TYPE_NOT_ALLOWED',
    'objects[0].source_ref',
  ],
  [
    'sighting where_sighted_refs types',
    {
      type: 'sighting',
      spec_version: '2.1',
      id: 'sighting--ee20065d-2555-424f-ad9e-0f8428623c75',
      created: '2016-04-06T20:08:31.000Z',
      modified: '2016-04-06T20:08:31.000Z',
      sighting_of_ref: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
      where_sighted_refs: ['malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b'],
    },
    'REF_TYPE_NOT_ALLOWED',
    'objects[0].where_sighted_refs[0]',
  ],
  [
    'a stix pattern must parse (§4.7)',
    with_(indicator(), { pattern: "[ipv4-addr:value = '198.51.100.7'" }),
    'INVALID_PATTERN',
    'objects[0].pattern',
  ],
  [
    'modified >= created',
    with_(malware(), { modified: '2016-04-06T20:07:08.999Z' }),
    'TIMESTAMP_ORDER',
    'objects[0].modified',
  ],
  [
    'modified >= created at sub-millisecond precision',
    with_(malware(), { created: '2016-04-06T20:07:09.0001Z', modified: '2016-04-06T20:07:09Z' }),
    'TIMESTAMP_ORDER',
    'objects[0].modified',
  ],
  [
    'valid_until > valid_from',
    with_(indicator(), { valid_until: '2015-12-31T23:59:59Z' }),
    'TIMESTAMP_ORDER',
    'objects[0].valid_until',
  ],
  [
    'valid_until equal to valid_from',
    with_(indicator(), { valid_until: '2016-01-01T00:00:00.000Z' }),
    'TIMESTAMP_ORDER',
    'objects[0].valid_until',
  ],
  [
    'first_seen <= last_seen',
    {
      type: 'campaign',
      spec_version: '2.1',
      id: 'campaign--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
      created: '2016-04-06T20:03:00.000Z',
      modified: '2016-04-06T20:03:00.000Z',
      name: 'Green Group Attacks',
      first_seen: '2016-05-01T00:00:00Z',
      last_seen: '2016-04-01T00:00:00Z',
    },
    'TIMESTAMP_ORDER',
    'objects[0].last_seen',
  ],
  [
    'stop_time > start_time',
    with_(relationship(), {
      start_time: '2016-05-01T00:00:00Z',
      stop_time: '2016-05-01T00:00:00Z',
    }),
    'TIMESTAMP_ORDER',
    'objects[0].stop_time',
  ],
  [
    'timestamps end in Z',
    with_(malware(), { created: '2016-04-06T20:07:09+00:00' }),
    'INVALID_TIMESTAMP',
    'objects[0].created',
  ],
  [
    'timestamps are real dates',
    with_(malware(), { modified: '2016-13-06T20:07:09Z' }),
    'INVALID_TIMESTAMP',
    'objects[0].modified',
  ],
  [
    'timestamps are calendar dates',
    with_(malware(), { created: '2015-02-29T00:00:00Z', modified: '2016-04-31T00:00:00Z' }),
    'INVALID_TIMESTAMP',
    'objects[0].created',
  ],
  [
    'leap days exist in leap years only',
    with_(indicator(), { valid_from: '2100-02-29T00:00:00Z' }),
    'INVALID_TIMESTAMP',
    'objects[0].valid_from',
  ],
  [
    'timestamps have a time',
    with_(indicator(), { valid_from: '2016-01-01' }),
    'INVALID_TIMESTAMP',
    'objects[0].valid_from',
  ],
  [
    'enumerations are closed',
    {
      type: 'opinion',
      spec_version: '2.1',
      id: 'opinion--b01efc25-77b4-4003-b18b-f6e24b5cd9f7',
      created: '2016-05-12T08:17:27.000Z',
      modified: '2016-05-12T08:17:27.000Z',
      opinion: 'maybe',
      object_refs: ['malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b'],
    },
    'ENUM_VALUE',
    'objects[0].opinion',
  ],
  [
    'open vocabularies warn',
    with_(indicator(), { indicator_types: ['weird-activity'] }),
    'OPEN_VOCAB',
    'objects[0].indicator_types[0]',
    'warning',
  ],
  [
    'pattern_type is an open vocabulary',
    with_(indicator(), { pattern_type: 'kql' }),
    'OPEN_VOCAB',
    'objects[0].pattern_type',
    'warning',
  ],
  [
    'reserved property names',
    with_(indicator(), { severity: 'high' }),
    'RESERVED_PROPERTY',
    'objects[0].severity',
  ],
  [
    'reserved `action` on course-of-action',
    {
      type: 'course-of-action',
      spec_version: '2.1',
      id: 'course-of-action--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
      created: '2016-04-06T20:03:48.000Z',
      modified: '2016-04-06T20:03:48.000Z',
      name: 'Block',
      action: 'block',
    },
    'RESERVED_PROPERTY',
    'objects[0].action',
  ],
  [
    'custom properties need allowCustom',
    with_(indicator(), { x_acme_score: 5 }),
    'CUSTOM_PROPERTY',
    'objects[0].x_acme_score',
  ],
  [
    'custom property names',
    with_(indicator(), { 'X-Bad Name': 1 }),
    'INVALID_PROPERTY_NAME',
    'objects[0]["X-Bad Name"]',
  ],
  [
    'custom objects need allowCustom',
    {
      type: 'x-acme-widget',
      spec_version: '2.1',
      id: 'x-acme-widget--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
      created: '2016-04-06T20:03:48.000Z',
      modified: '2016-04-06T20:03:48.000Z',
    },
    'CUSTOM_OBJECT',
    'objects[0].type',
  ],
  [
    'custom type names',
    { type: 'X_Widget', id: 'X_Widget--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f' },
    'INVALID_ID',
    'objects[0].id',
  ],
  [
    'custom extensions need allowCustom',
    with_(file(), { extensions: { 'x-acme-ext': { rating: 1 } } }),
    'CUSTOM_EXTENSION',
    'objects[0].extensions.x-acme-ext',
  ],
  [
    'extension_type enumeration',
    with_(indicator(), { extensions: { [EXT]: { extension_type: 'new-thing' } } }),
    'ENUM_VALUE',
    `objects[0].extensions.${EXT}.extension_type`,
  ],
  [
    'predefined extension shape',
    with_(file(), { extensions: { 'archive-ext': { comment: 'x' } } }),
    'MISSING_PROPERTY',
    'objects[0].extensions.archive-ext.contains_refs',
  ],
  [
    'predefined extension ref types',
    with_(file(), {
      extensions: {
        'archive-ext': { contains_refs: ['ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd'] },
      },
    }),
    'REF_TYPE_NOT_ALLOWED',
    'objects[0].extensions.archive-ext.contains_refs[0]',
  ],
  [
    'hex properties',
    {
      type: 'network-traffic',
      spec_version: '2.1',
      id: 'network-traffic--2568d22a-8998-58eb-99ec-3c8ca74f527d',
      dst_ref: 'ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd',
      protocols: ['icmp'],
      extensions: { 'icmp-ext': { icmp_type_hex: '8', icmp_code_hex: '00' } },
    },
    'INVALID_HEX',
    'objects[0].extensions.icmp-ext.icmp_type_hex',
  ],
  [
    'lists are not empty',
    with_(indicator(), { indicator_types: [] }),
    'EMPTY_LIST',
    'objects[0].indicator_types',
  ],
  [
    'integer ranges',
    with_(indicator(), { confidence: 101 }),
    'OUT_OF_RANGE',
    'objects[0].confidence',
  ],
  [
    'port ranges',
    {
      type: 'network-traffic',
      spec_version: '2.1',
      id: 'network-traffic--2568d22a-8998-58eb-99ec-3c8ca74f527d',
      dst_ref: 'ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd',
      dst_port: 70000,
      protocols: ['tcp'],
    },
    'OUT_OF_RANGE',
    'objects[0].dst_port',
  ],
  [
    'spec_version is 2.1',
    with_(indicator(), { spec_version: '2.2' }),
    'INVALID_SPEC_VERSION',
    'objects[0].spec_version',
  ],
  [
    'hash digests match their algorithm',
    with_(file(), { hashes: { MD5: 'abc' } }),
    'INVALID_VALUE',
    'objects[0].hashes.MD5',
  ],
  [
    'hash names follow the vocabulary',
    with_(file(), { hashes: { 'SHA-384': 'ab' } }),
    'UNKNOWN_HASH',
    'objects[0].hashes.SHA-384',
    'warning',
  ],
  [
    'observed-data objects xor object_refs',
    {
      type: 'observed-data',
      spec_version: '2.1',
      id: 'observed-data--b67d30ff-02ac-498a-92f9-32f845f448cf',
      created: '2016-04-06T19:58:16.000Z',
      modified: '2016-04-06T19:58:16.000Z',
      first_observed: '2015-12-21T19:00:00Z',
      last_observed: '2015-12-21T19:00:00Z',
      number_observed: 1,
      objects: { '0': { type: 'file', name: 'a' } },
      object_refs: ['file--5a27d487-c542-5f97-a131-a8866b477b46'],
    },
    'MUTUALLY_EXCLUSIVE',
    'objects[0].object_refs',
  ],
  [
    'observed-data needs objects or object_refs',
    {
      type: 'observed-data',
      spec_version: '2.1',
      id: 'observed-data--b67d30ff-02ac-498a-92f9-32f845f448cf',
      created: '2016-04-06T19:58:16.000Z',
      modified: '2016-04-06T19:58:16.000Z',
      first_observed: '2015-12-21T19:00:00Z',
      last_observed: '2015-12-21T19:00:00Z',
      number_observed: 1,
    },
    'AT_LEAST_ONE',
    'objects[0]',
  ],
  [
    'location coordinates come in pairs',
    {
      type: 'location',
      spec_version: '2.1',
      id: 'location--a6e9345f-5a15-4c29-8bb3-7dcc5d168d64',
      created: '2016-04-06T20:03:00.000Z',
      modified: '2016-04-06T20:03:00.000Z',
      latitude: 48.8566,
      region: 'europe',
    },
    'DEPENDENT_PROPERTY',
    'objects[0].latitude',
  ],
  [
    'malware families have names',
    with_(malware(), { name: undefined }),
    'MISSING_PROPERTY',
    'objects[0].name',
  ],
  [
    'TLP 1.0 markings use the fixed ids',
    {
      type: 'marking-definition',
      spec_version: '2.1',
      id: 'marking-definition--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
      created: '2017-01-20T00:00:00.000Z',
      definition_type: 'tlp',
      name: 'TLP:GREEN',
      definition: { tlp: 'green' },
    },
    'INVALID_TLP',
    'objects[0].id',
  ],
  [
    'marking definitions need a definition or an extension',
    {
      type: 'marking-definition',
      spec_version: '2.1',
      id: 'marking-definition--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
      created: '2017-01-20T00:00:00.000Z',
      name: 'nothing',
    },
    'AT_LEAST_ONE',
    'objects[0]',
  ],
  [
    'granular markings: lang xor marking_ref',
    with_(indicator(), {
      granular_markings: [{ lang: 'en', marking_ref: MARKING_ID, selectors: ['name'] }],
    }),
    'MUTUALLY_EXCLUSIVE',
    'objects[0].granular_markings[0]',
  ],
  [
    'external references need source_name',
    with_(indicator(), { external_references: [{ url: 'https://example.com' }] }),
    'MISSING_PROPERTY',
    'objects[0].external_references[0].source_name',
  ],
  [
    'files need hashes or name',
    with_(file(), { name: undefined, hashes: undefined, size: 3 }),
    'AT_LEAST_ONE',
    'objects[0]',
  ],
  [
    'relationship_type syntax',
    with_(relationship(), { relationship_type: 'Indicates Strongly' }),
    'INVALID_VALUE',
    'objects[0].relationship_type',
  ],
  [
    'dictionaries are objects',
    {
      type: 'process',
      spec_version: '2.1',
      id: 'process--f52a906a-0dfc-40bd-92f1-e7778ead38a9',
      pid: 1,
      environment_variables: ['PATH=/bin'],
    },
    'INVALID_TYPE',
    'objects[0].environment_variables',
  ],
];

describe('negative corpus: one invalid case per rule, with code and path', () => {
  it.each(cases)('%s', (_name, object, code, path, severity = 'error') => {
    const result = parseOne(object);
    expect(result.issues).toContainEqual(expect.objectContaining({ code, path, severity }));
    if (severity === 'error') {
      expect(result.valid).toBe(false);
      expect(result.objects).toHaveLength(0);
    } else {
      expect(result.valid).toBe(true);
      expect(result.objects).toHaveLength(1);
    }
  });

  it('the valid bases have no issues at all', () => {
    const result = parseStix(bundle(indicator(), malware(), relationship(), file()));
    expect(result.issues).toEqual([]);
    expect(result.objects).toHaveLength(4);
  });
});

describe('custom content', () => {
  it('allowCustom accepts custom properties, objects and extensions, and keeps them byte-for-byte', () => {
    const objects = [
      with_(indicator(), {
        x_acme_score: 5,
        x_acme_nested: { list: [1, 2.5, 'a'], deep: { b: null } },
      }),
      {
        type: 'x-acme-widget',
        spec_version: '2.1',
        id: 'x-acme-widget--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
        created: '2016-04-06T20:03:48.000Z',
        modified: '2016-04-06T20:03:48.000Z',
        anything: ['goes'],
      },
      with_(file(), { extensions: { 'x-acme-ext': { rating: 1 } } }),
    ];
    const text = JSON.stringify(bundle(...objects));
    const result = parseStix(text, { allowCustom: true });
    expect(result.issues).toEqual([]);
    expect(JSON.stringify({ type: 'bundle', id: result.bundleId, objects: result.objects })).toBe(
      text,
    );
  });

  it('an extension-definition with new-sdo admits a custom object type without allowCustom', () => {
    const object = {
      type: 'x-acme-widget',
      spec_version: '2.1',
      id: 'x-acme-widget--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
      created: '2016-04-06T20:03:48.000Z',
      modified: '2016-04-06T20:03:48.000Z',
      extensions: { [EXT]: { extension_type: 'new-sdo' } },
    };
    expect(parseOne(object).issues).toEqual([]);
  });

  it('a toplevel-property-extension admits top-level extension properties without allowCustom', () => {
    const object = with_(indicator(), {
      toxicity: 8,
      extensions: { [EXT]: { extension_type: 'toplevel-property-extension' } },
    });
    expect(parseOne(object).issues).toEqual([]);
  });

  it('property-extension content is free-form but still walked for hostile keys', () => {
    const object = with_(indicator(), {
      extensions: {
        [EXT]: JSON.parse(
          '{"extension_type":"property-extension","rank":5,"__proto__":{"polluted":true}}',
        ),
      },
    });
    const result = parseOne(object);
    expect(result.issues).toContainEqual(
      expect.objectContaining({
        code: 'FORBIDDEN_KEY',
        path: `objects[0].extensions.${EXT}.__proto__`,
      }),
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refs to custom types are accepted where any type may be referenced', () => {
    const report = {
      type: 'report',
      spec_version: '2.1',
      id: 'report--84e4d88f-44ea-4bcd-bbf3-b2c1c320bcb3',
      created: '2015-12-21T19:59:11.000Z',
      modified: '2015-12-21T19:59:11.000Z',
      name: 'r',
      published: '2016-01-20T17:00:00.000Z',
      object_refs: ['x-acme-widget--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f'],
    };
    expect(parseOne(report).issues).toEqual([]);
  });
});

describe('timestamps keep their precision', () => {
  it.each([
    '2016-04-06T20:07:09Z',
    '2016-04-06T20:07:09.1Z',
    '2016-04-06T20:07:09.123456789Z',
    '2016-04-06T20:07:09.000000Z',
  ])('%s round-trips unchanged', (timestamp) => {
    const object = with_(malware(), { created: timestamp, modified: timestamp });
    const result = parseOne(object);
    expect(result.issues).toEqual([]);
    expect(result.objects[0]).toMatchObject({ created: timestamp, modified: timestamp });
  });
});

describe('modes', () => {
  it('lenient mode reports spec violations as warnings and keeps the object', () => {
    const object = with_(indicator(), { valid_until: '2015-01-01T00:00:00Z', x_acme: 1 });
    const result = parseOne(object, { mode: 'lenient' });
    expect(result.valid).toBe(true);
    expect(result.objects).toHaveLength(1);
    expect(
      result.issues.map((issue: StixIssue) => [issue.severity, issue.code, issue.path]),
    ).toEqual([
      ['warning', 'CUSTOM_PROPERTY', 'objects[0].x_acme'],
      ['warning', 'TIMESTAMP_ORDER', 'objects[0].valid_until'],
    ]);
  });

  it('lenient mode still drops objects that cannot be used (no id) and errors on hostile keys', () => {
    const result = parseStix(
      [with_(indicator(), { id: undefined }), JSON.parse('{"type":"malware","__proto__":{}}')],
      { mode: 'lenient' },
    );
    expect(result.valid).toBe(false);
    expect(result.objects).toHaveLength(0);
    expect(result.issues).toContainEqual(
      expect.objectContaining({ severity: 'error', code: 'MISSING_PROPERTY', path: '[0].id' }),
    );
  });

  it('strict mode keeps the valid objects of a partly invalid bundle', () => {
    const result = parseStix(
      bundle(indicator(), with_(malware(), { is_family: undefined }), relationship()),
    );
    expect(result.valid).toBe(false);
    expect(result.objects.map((o) => o.type)).toEqual(['indicator', 'relationship']);
    expect(result.issues).toEqual([
      expect.objectContaining({ code: 'MISSING_PROPERTY', path: 'objects[1].is_family' }),
    ]);
  });
});
