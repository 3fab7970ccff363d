import { describe, expect, it } from 'vitest';
import { parseStix, type StixIssue, validateStixObject } from '../src/index';
import { IdTable, jsonEqual } from '../src/validate/bundle-checks';
import { bundle, file, IDENTITY_ID, indicator, malware } from './support/valid-objects';

const summary = (issues: StixIssue[]) =>
  issues.map((issue) => [issue.severity, issue.code, issue.path]);

const STATEMENT_ID = 'marking-definition--4c9e8a3f-6a2b-4f0e-9d1c-2b7e5f8a9c10';
const marking = () => ({
  type: 'marking-definition',
  spec_version: '2.1',
  id: STATEMENT_ID,
  created: '2017-01-20T00:00:00.000Z',
  definition_type: 'statement',
  definition: { statement: 'Copyright 2017, Example Corp' },
});

describe('duplicate objects in one input (STIX 2.1 §3.6)', () => {
  it('an identical copy of an object version is a warning at the second occurrence, both kept', () => {
    const result = parseStix(bundle(indicator(), malware(), { ...indicator() }));
    expect(summary(result.issues)).toEqual([['warning', 'DUPLICATE_OBJECT', 'objects[2].id']]);
    expect(result.issues[0]!.message).toMatch(/^duplicate of objects\[0\]/);
    expect(result.valid).toBe(true);
    expect(result.objects).toHaveLength(3);
  });

  it('key order and timestamp precision do not make a copy different', () => {
    const copy = Object.fromEntries(Object.entries(indicator()).reverse());
    const result = parseStix(
      bundle(indicator(), { ...copy, modified: '2016-04-06T20:03:48Z', created: copy.created }),
    );
    // Same instant, other digits: same version; but the text differs, so it is a conflict.
    expect(summary(result.issues)).toEqual([['error', 'DUPLICATE_CONFLICT', 'objects[1].id']]);
    const reordered = parseStix(bundle(indicator(), copy));
    expect(summary(reordered.issues)).toEqual([['warning', 'DUPLICATE_OBJECT', 'objects[1].id']]);
  });

  it('the same id and modified with different content is an error; strict drops the later copy', () => {
    const changed = { ...indicator(), name: 'Something else' };
    const result = parseStix(bundle(indicator(), malware(), changed));
    expect(summary(result.issues)).toEqual([['error', 'DUPLICATE_CONFLICT', 'objects[2].id']]);
    expect(result.issues[0]!.message).toMatch(/^duplicate of objects\[0\] with different content/);
    expect(result.valid).toBe(false);
    expect(result.objects).toEqual([indicator(), malware()]);
  });

  it('lenient mode reports a conflict as a warning and keeps both copies', () => {
    const changed = { ...indicator(), name: 'Something else' };
    const result = parseStix(bundle(indicator(), changed), { mode: 'lenient' });
    expect(summary(result.issues)).toEqual([['warning', 'DUPLICATE_CONFLICT', 'objects[1].id']]);
    expect(result.objects).toHaveLength(2);
  });

  it('versions with different modified values are legitimate, in any order', () => {
    const v2 = { ...indicator(), modified: '2017-01-01T00:00:00.000Z', name: 'v2' };
    const v3 = { ...indicator(), modified: '2018-01-01T00:00:00.000Z', name: 'v3' };
    const result = parseStix(bundle(v3, indicator(), v2));
    expect(result.issues).toEqual([]);
    expect(result.objects).toHaveLength(3);
    // A copy of a later version is still found among several versions.
    const again = parseStix(bundle(v3, indicator(), v2, { ...v2, name: 'v2 edited' }));
    expect(summary(again.issues)).toEqual([['error', 'DUPLICATE_CONFLICT', 'objects[3].id']]);
    expect(again.issues[0]!.message).toMatch(/^duplicate of objects\[2\]/);
  });

  it('objects without modified are keyed on the id alone (marking definitions)', () => {
    const copy = parseStix(bundle(marking(), indicator(), marking()));
    expect(summary(copy.issues)).toEqual([['warning', 'DUPLICATE_OBJECT', 'objects[2].id']]);
    const redefined = parseStix(
      bundle(marking(), { ...marking(), definition: { statement: 'Copyright 2018, Other Corp' } }),
    );
    expect(summary(redefined.issues)).toEqual([['error', 'DUPLICATE_CONFLICT', 'objects[1].id']]);
  });

  it('SCOs are not versioned: differing copies of one observable are a warning, not an error', () => {
    const same = parseStix(bundle(file(), file()));
    expect(summary(same.issues)).toEqual([['warning', 'DUPLICATE_OBJECT', 'objects[1].id']]);
    // Another description of the same observable (deterministic id): merged by consumers.
    const other = parseStix(bundle(file(), { ...file(), size: 25536 }));
    expect(summary(other.issues)).toEqual([['warning', 'DUPLICATE_CONFLICT', 'objects[1].id']]);
    expect(other.objects).toHaveLength(2);
  });

  it('custom objects with created/modified are versioned like SDOs', () => {
    const widget = {
      type: 'x-acme-widget',
      spec_version: '2.1',
      id: 'x-acme-widget--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
      created: '2016-04-06T20:03:48.000Z',
      modified: '2016-04-06T20:03:48.000Z',
      x_size: 1,
    };
    const result = parseStix(bundle(widget, { ...widget, x_size: 2 }), { allowCustom: true });
    expect(summary(result.issues)).toEqual([['error', 'DUPLICATE_CONFLICT', 'objects[1].id']]);
  });

  it('bare arrays get paths without a prefix; an object repeated by reference is a copy', () => {
    const object = indicator();
    const result = parseStix([object, malware(), object]);
    expect(summary(result.issues)).toEqual([['warning', 'DUPLICATE_OBJECT', '[2].id']]);
    expect(result.issues[0]!.message).toMatch(/^duplicate of \[0\]/);
  });

  it('STIX 2.0 input is compared after the upgrade', () => {
    const { spec_version: _sv, indicator_types: _t, pattern_type: _p, ...v20 } = indicator();
    const result = parseStix(
      bundle({ ...v20, labels: ['benign'] }, { ...v20, labels: ['benign'] }),
    );
    expect(summary(result.issues)).toEqual([
      ['warning', 'DUPLICATE_OBJECT', 'objects[1].id'],
      ['warning', 'UPGRADED', ''],
    ]);
  });

  it('jsonEqual is structural, order-insensitive for keys and bounded in depth', () => {
    expect(jsonEqual({ a: [1, { b: null }] }, { a: [1, { b: null }] }, 0)).toBe(true);
    expect(jsonEqual({ a: 1, b: 2 }, { b: 2, a: 1 }, 0)).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: undefined }, 0)).toBe(false);
    expect(jsonEqual([1, 2], [2, 1], 0)).toBe(false);
    expect(jsonEqual({}, [], 0)).toBe(false);
    let deepA: unknown = 1;
    let deepB: unknown = 1;
    for (let i = 0; i < 10_000; i++) {
      deepA = [deepA];
      deepB = [deepB];
    }
    expect(jsonEqual(deepA, deepB, 0)).toBe(false); // cut off, no stack overflow
  });
});

describe('IdTable (the id set behind duplicate detection)', () => {
  it('finds first occurrences and records new ids', () => {
    const ids = ['a--1', 'b--2', 'a--1', 'c--3', 'b--2'];
    const table = new IdTable(ids.length);
    expect(ids.map((id, i) => table.firstIndex(id, i, (j) => ids[j]))).toEqual([-1, -1, 0, -1, 1]);
    expect(table.degraded).toBe(false);
  });

  it('ids crafted to collide (same tail) degrade it to a Map and stay exact', () => {
    // Every id ends in the same 16+ characters, so every one hashes alike.
    const ids = Array.from(
      { length: 5000 },
      (_, i) => `indicator--${i.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`,
    );
    const table = new IdTable(ids.length * 2);
    ids.forEach((id, i) => {
      expect(table.firstIndex(id, i, (j) => ids[j])).toBe(-1);
    });
    expect(table.degraded).toBe(true);
    ids.forEach((id, i) => {
      expect(table.firstIndex(id, ids.length + i, (j) => ids[j % ids.length])).toBe(i);
    });
  });

  it('parseStix finds duplicates among colliding ids', () => {
    const ids = Array.from(
      { length: 100 },
      (_, i) => `malware--${i.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`,
    );
    const objects = ids.map((id) => ({ ...malware(), id }));
    const result = parseStix(bundle(...objects, { ...objects[42]! }));
    expect(summary(result.issues)).toEqual([['warning', 'DUPLICATE_OBJECT', 'objects[100].id']]);
    expect(result.issues[0]!.message).toMatch(/^duplicate of objects\[42\]/);
  });
});

const RESERVED = ['severity', 'username', 'phone_number', 'action'];

describe('reserved property names (STIX 2.1 §3.8)', () => {
  const coa = () => ({
    type: 'course-of-action',
    spec_version: '2.1',
    id: 'course-of-action--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
    created: '2016-04-06T20:03:48.000Z',
    modified: '2016-04-06T20:03:48.000Z',
    name: 'Block',
  });
  const widget = () => ({
    type: 'x-acme-widget',
    spec_version: '2.1',
    id: 'x-acme-widget--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
    created: '2016-04-06T20:03:48.000Z',
    modified: '2016-04-06T20:03:48.000Z',
  });
  const EXT = 'extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e';

  // "Properties that are currently reserved across all STIX Objects": every kind of object,
  // with and without allowCustom (reserved is not the same as custom).
  const places: [string, (name: string) => unknown, string][] = [
    ['an SDO', (name) => ({ ...indicator(), [name]: 'x' }), ''],
    ['course-of-action (§4.3)', (name) => ({ ...coa(), [name]: 'x' }), ''],
    ['an SCO', (name) => ({ ...file(), [name]: 'x' }), ''],
    ['a meta object', (name) => ({ ...marking(), [name]: 'x' }), ''],
    ['a custom object', (name) => ({ ...widget(), [name]: 'x' }), ''],
    [
      'a nested STIX type',
      (name) => ({
        ...indicator(),
        kill_chain_phases: [{ kill_chain_name: 'k', phase_name: 'p', [name]: 'x' }],
      }),
      'kill_chain_phases[0].',
    ],
    [
      'a predefined extension',
      (name) => ({ ...file(), extensions: { 'ntfs-ext': { sid: '1', [name]: 'x' } } }),
      'extensions.ntfs-ext.',
    ],
    [
      'a property-extension payload',
      (name) => ({
        ...indicator(),
        extensions: { [EXT]: { extension_type: 'property-extension', [name]: 'x' } },
      }),
      `extensions.${EXT}.`,
    ],
    [
      'a toplevel-property-extension property',
      (name) => ({
        ...indicator(),
        [name]: 'x',
        extensions: { [EXT]: { extension_type: 'toplevel-property-extension' } },
      }),
      '',
    ],
  ];

  for (const [where, make, inner] of places) {
    it.each(RESERVED)(`\`%s\` is an error on ${where}`, (name) => {
      for (const allowCustom of [false, true]) {
        const result = parseStix(bundle(make(name)), { allowCustom });
        expect(result.issues).toContainEqual(
          expect.objectContaining({
            severity: 'error',
            code: 'RESERVED_PROPERTY',
            path: `objects[0].${inner}${name}`,
          }),
        );
        expect(result.objects).toEqual([]);
      }
    });
  }

  it('validateStixObject reports it too, with a path relative to the object', () => {
    expect(validateStixObject({ ...indicator(), username: 'root' })).toContainEqual(
      expect.objectContaining({ code: 'RESERVED_PROPERTY', path: 'username' }),
    );
  });

  it.each(['usernames', 'addresses', 'severity_level', 'x_severity', 'actions'])(
    '`%s` (STIX 2.0 list or look-alike) is an ordinary custom property in 2.1',
    (name) => {
      const object = { ...indicator(), [name]: 'x' };
      expect(parseStix(bundle(object), { allowCustom: true }).issues).toEqual([]);
      expect(summary(parseStix(bundle(object)).issues)).toEqual([
        ['error', 'CUSTOM_PROPERTY', `objects[0].${name}`],
      ]);
    },
  );

  it('`phone_numbers` (rejected by the OASIS schemas, not by §3.8) is a warning', () => {
    const result = parseStix(bundle({ ...indicator(), phone_numbers: ['1'] }), {
      allowCustom: true,
    });
    expect(summary(result.issues)).toEqual([
      ['warning', 'RESERVED_PROPERTY', 'objects[0].phone_numbers'],
    ]);
    expect(result.objects).toHaveLength(1);
  });

  it('dictionary keys and custom property values are data, not property names', () => {
    const process = {
      type: 'process',
      spec_version: '2.1',
      id: 'process--f52a906a-0dfc-40bd-92f1-e7778ead38a9',
      environment_variables: { username: 'root', severity: 'high', action: 'x' },
    };
    const email = {
      type: 'email-message',
      spec_version: '2.1',
      id: 'email-message--0c57a381-2a17-5e61-8754-5ef96efb286c',
      is_multipart: false,
      additional_header_fields: { action: ['x'], phone_number: ['1'] },
    };
    const withValue = { ...indicator(), x_acme: { severity: 'high', username: 'u' } };
    const withHashes = {
      ...file(),
      hashes: { ...(file().hashes as object), severity: 'abc' },
    };
    const result = parseStix(bundle(process, email, withValue, withHashes), { allowCustom: true });
    expect(result.issues.filter((issue) => issue.code === 'RESERVED_PROPERTY')).toEqual([]);
    expect(result.objects).toHaveLength(4);
  });
});

describe('extensions (STIX 2.1 §7.3)', () => {
  const EXT = 'extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e';
  const definition = (extension_types: string[], more: Record<string, unknown> = {}) => ({
    id: EXT,
    type: 'extension-definition',
    spec_version: '2.1',
    name: 'Extension Foo 1',
    created: '2014-02-20T09:16:08.989000Z',
    modified: '2014-02-20T09:16:08.989000Z',
    created_by_ref: IDENTITY_ID,
    schema: 'https://www.example.com/schema-foo-1/v1/',
    version: '1.2.1',
    extension_types,
    ...more,
  });
  const using = (entry: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    ...indicator(),
    ...extra,
    extensions: { [EXT]: entry },
  });

  it('the spec examples (property-extension, toplevel-property-extension) pass', () => {
    const nested = parseStix(
      bundle(
        definition(['property-extension']),
        using({ extension_type: 'property-extension', rank: 5, toxicity: 8 }),
      ),
    );
    expect(nested.issues).toEqual([]);
    const toplevel = parseStix(
      bundle(
        definition(['toplevel-property-extension'], { extension_properties: ['toxicity', 'rank'] }),
        using({ extension_type: 'toplevel-property-extension' }, { rank: 1, toxicity: 2 }),
      ),
    );
    expect(toplevel.issues).toEqual([]);
  });

  it('an extension entry without extension_type is an error', () => {
    const result = parseStix(bundle(using({ rank: 5 })));
    expect(summary(result.issues)).toEqual([
      ['error', 'MISSING_PROPERTY', `objects[0].extensions.${EXT}.extension_type`],
    ]);
  });

  it('extension_type must be one the definition in the bundle declares', () => {
    const result = parseStix(
      bundle(
        definition(['property-extension']),
        using({ extension_type: 'toplevel-property-extension' }, { rank: 1 }),
      ),
    );
    expect(summary(result.issues)).toEqual([
      ['error', 'INVALID_EXTENSION', `objects[1].extensions.${EXT}.extension_type`],
    ]);
    expect(result.objects).toHaveLength(1);
    // The definition may come after its use, and every version of it counts.
    const later = parseStix(
      bundle(
        using({ extension_type: 'toplevel-property-extension' }, { rank: 1 }),
        definition(['property-extension']),
        definition(['property-extension', 'toplevel-property-extension'], {
          modified: '2015-01-01T00:00:00.000Z',
          extension_properties: ['rank'],
        }),
      ),
    );
    expect(later.issues).toEqual([]);
  });

  it('without the definition in the input, only the structure of the entry is checked', () => {
    const result = parseStix(bundle(using({ extension_type: 'property-extension', rank: 5 })));
    expect(result.issues).toEqual([]);
  });

  it('a toplevel-property-extension entry with nested properties is a warning', () => {
    const result = parseStix(
      bundle(using({ extension_type: 'toplevel-property-extension', rank: 5 })),
    );
    expect(summary(result.issues)).toEqual([
      ['warning', 'INVALID_EXTENSION', `objects[0].extensions.${EXT}.rank`],
    ]);
  });

  it('new-sdo / new-sco / new-sro cannot extend a type the specification defines', () => {
    for (const type of ['new-sdo', 'new-sco', 'new-sro']) {
      const result = parseStix(bundle(using({ extension_type: type })));
      expect(summary(result.issues)).toEqual([
        ['error', 'INVALID_EXTENSION', `objects[0].extensions.${EXT}.extension_type`],
      ]);
    }
  });

  it('extension_properties needs toplevel-property-extension; its absence there is a warning', () => {
    const wrong = parseStix(
      bundle(definition(['property-extension'], { extension_properties: ['rank'] })),
    );
    expect(summary(wrong.issues)).toEqual([
      ['error', 'DEPENDENT_PROPERTY', 'objects[0].extension_properties'],
    ]);
    const missing = parseStix(bundle(definition(['toplevel-property-extension'])));
    expect(summary(missing.issues)).toEqual([
      ['warning', 'MISSING_PROPERTY', 'objects[0].extension_properties'],
    ]);
  });

  it('the TLP 2.0 extension definition and markings of the OASIS common objects pass', async () => {
    const { readFixture } = await import('@intelshare/fixtures');
    const dir = 'stix21/cti-stix-common-objects/tlp2';
    const objects = [
      'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d.tlp2-extension.json',
      'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb.tlp-green.json',
    ].flatMap(
      (name) => (JSON.parse(readFixture(`${dir}/${name}`)) as { objects: unknown[] }).objects,
    );
    const result = parseStix(bundle(...objects));
    expect(result.issues.filter((issue) => issue.severity === 'error')).toEqual([]);
    expect(result.objects).toHaveLength(objects.length);
  });
});
