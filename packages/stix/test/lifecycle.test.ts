import { readdirSync } from 'node:fs';
import { fixturePath, readJsonFixture } from '@intelshare/fixtures';
import { describe, expect, it } from 'vitest';
import {
  compareVersions,
  createIdentity,
  createIndicator,
  createMalware,
  createMarkingDefinition,
  createRelationship,
  createReport,
  createSighting,
  createStixObject,
  generateScoId,
  isIntelshareError,
  isStixType,
  latestVersions,
  newVersion,
  parseStix,
  revoke,
  type StixObject,
  StixStore,
  serializeStix,
  validateStixObject,
} from '../src/index';

const NOW = new Date('2026-01-02T03:04:05.678Z');

function expectIntelshareError(fn: () => unknown, code: string, path?: string): void {
  try {
    fn();
  } catch (error) {
    expect(isIntelshareError(error)).toBe(true);
    if (isIntelshareError(error)) {
      expect(error.code).toBe(code);
      if (path !== undefined) expect(error.path).toBe(path);
    }
    return;
  }
  expect.unreachable('expected an IntelshareError');
}

describe('factories', () => {
  it('fill id, spec_version, created and modified, with type first', () => {
    const indicator = createIndicator(
      {
        pattern: "[url:value = 'http://x.example/']",
        pattern_type: 'stix',
        valid_from: '2026-01-01T00:00:00Z',
      },
      { now: NOW },
    );
    expect(Object.keys(indicator).slice(0, 5)).toEqual([
      'type',
      'spec_version',
      'id',
      'created',
      'modified',
    ]);
    expect(indicator).toMatchObject({
      type: 'indicator',
      spec_version: '2.1',
      created: '2026-01-02T03:04:05.678Z',
      modified: '2026-01-02T03:04:05.678Z',
    });
    expect(indicator.id).toMatch(
      /^indicator--[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(validateStixObject(indicator)).toEqual([]);
  });

  it('give SCOs their deterministic id and no created/modified', () => {
    const ip = createStixObject('ipv4-addr', { value: '198.51.100.3' });
    expect(ip).toEqual({
      type: 'ipv4-addr',
      spec_version: '2.1',
      id: generateScoId({ type: 'ipv4-addr', value: '198.51.100.3' }),
      value: '198.51.100.3',
    });
  });

  it('give marking definitions no modified', () => {
    const marking = createMarkingDefinition(
      { definition_type: 'statement', definition: { statement: 'Copyright ACME' } },
      { now: NOW },
    );
    expect(marking).not.toHaveProperty('modified');
    expect(validateStixObject(marking)).toEqual([]);
  });

  it('create every helper type validly', () => {
    const org = createIdentity({ name: 'ACME', identity_class: 'organization' });
    const malware = createMalware({ name: 'X', is_family: true, created_by_ref: org.id });
    const rel = createRelationship({
      relationship_type: 'targets',
      source_ref: malware.id,
      target_ref: org.id,
    });
    const sighting = createSighting({
      sighting_of_ref: malware.id,
      count: 2,
      where_sighted_refs: [org.id],
    });
    const report = createReport({
      name: 'R',
      published: '2026-01-01T00:00:00Z',
      object_refs: [malware.id, rel.id],
    });
    for (const object of [org, malware, rel, sighting, report])
      expect(validateStixObject(object)).toEqual([]);
  });

  it('throw VALIDATION_FAILED naming the first problem', () => {
    expectIntelshareError(
      () => createIndicator({ pattern: 'x', pattern_type: 'stix', valid_from: 'yesterday' }),
      'VALIDATION_FAILED',
      'valid_from',
    );
    expectIntelshareError(() => createMalware({ is_family: true }), 'VALIDATION_FAILED', 'name');
  });

  it('reject own __proto__ keys in their input instead of adopting them as a prototype', () => {
    const props = JSON.parse('{"name":"X","is_family":true,"__proto__":{"polluted":true}}');
    expectIntelshareError(() => createMalware(props), 'VALIDATION_FAILED', '__proto__');
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('throw TypeError for unknown types', () => {
    expect(() => createStixObject('x-thing' as 'indicator', {} as never)).toThrow(TypeError);
  });
});

describe('versioning', () => {
  const v1 = createMalware(
    { name: 'Poison Ivy', is_family: true },
    { now: new Date('2026-01-01T00:00:00.000Z') },
  );

  it('newVersion keeps id and created, applies changes and moves modified forward', () => {
    const v2 = newVersion(v1, { description: 'A RAT.' }, { now: NOW });
    expect(v2).toMatchObject({
      id: v1.id,
      created: v1.created,
      modified: NOW.toISOString(),
      description: 'A RAT.',
    });
    expect(v1).not.toHaveProperty('description');
    expect(compareVersions(v2, v1)).toBe(1);
  });

  it('newVersion steps past a modified that is ahead of the clock', () => {
    const ahead = { ...v1, modified: '2030-01-01T00:00:00.000Z' };
    expect(newVersion(ahead, { description: 'x' }, { now: NOW }).modified).toBe(
      '2030-01-01T00:00:00.001Z',
    );
  });

  it('newVersion removes properties set to undefined', () => {
    const v2 = newVersion({ ...v1, description: 'x' }, { description: undefined }, { now: NOW });
    expect(v2).not.toHaveProperty('description');
  });

  it('refuses to change fixed properties, to version SCOs and markings, and to version revoked objects', () => {
    expectIntelshareError(
      () => newVersion(v1, { created: '2027-01-01T00:00:00Z' }),
      'INVALID_ARGUMENT',
      'created',
    );
    expectIntelshareError(
      () => newVersion(v1, { id: 'malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b' }),
      'INVALID_ARGUMENT',
      'id',
    );
    expectIntelshareError(
      () => newVersion(createStixObject('url', { value: 'http://x/' }), { value: 'y' }),
      'INVALID_ARGUMENT',
      'type',
    );
    const revoked = revoke(v1, { now: NOW });
    expect(revoked.revoked).toBe(true);
    expectIntelshareError(() => revoke(revoked), 'INVALID_ARGUMENT', 'revoked');
    expectIntelshareError(
      () => newVersion(v1, { is_family: 'no' }),
      'VALIDATION_FAILED',
      'is_family',
    );
  });

  it('compareVersions is exact below a millisecond', () => {
    const a = { ...v1, modified: '2026-01-01T00:00:00.0001Z' };
    const b = { ...v1, modified: '2026-01-01T00:00:00Z' };
    expect(compareVersions(a, b)).toBe(1);
    expect(compareVersions(b, a)).toBe(-1);
    expect(compareVersions({ ...v1, modified: '2026-01-01T00:00:00.000Z' }, b)).toBe(0);
  });

  it('latestVersions picks the newest of the python-stix2 filesystem store versions', () => {
    const dir =
      'stix21/cti-python-stix2/filesystem-store/malware/malware--6b616fc1-1505-48e3-8b2c-0d19337bff38';
    const objects = (readdirSync(fixturePath(dir)) as string[]).flatMap(
      (file) => parseStix(readJsonFixture(`${dir}/${file}`)).objects,
    );
    expect(objects).toHaveLength(3);
    const [latest] = latestVersions(objects);
    expect(latest!.modified).toBe('2018-11-01T23:24:48.457Z');
    expect(latestVersions([...objects].reverse())[0]).toBe(latest);
  });
});

describe('StixStore', () => {
  const org = createIdentity({ name: 'ACME' }, { now: new Date('2026-01-01T00:00:00Z') });
  const malware = createMalware(
    { name: 'X', is_family: true, malware_types: ['backdoor'] },
    { now: new Date('2026-02-01T00:00:00Z') },
  );
  const tool = createStixObject('tool', { name: 'T' }, { now: new Date('2026-03-01T00:00:00Z') });
  const uses = createRelationship({
    relationship_type: 'uses',
    source_ref: malware.id,
    target_ref: tool.id,
  });
  const attributed = createRelationship({
    relationship_type: 'attributed-to',
    source_ref: malware.id,
    target_ref: org.id,
  });
  const store = new StixStore([org, malware, tool, uses, attributed]);

  it('gets, counts and iterates latest versions', () => {
    expect(store.size).toBe(5);
    expect(store.get(org.id)).toBe(org);
    expect([...store]).toHaveLength(5);
  });

  it('filters by type, id, time and property', () => {
    expect(store.query({ type: 'malware' })).toEqual([malware]);
    expect(store.query({ type: ['malware', 'tool'] })).toEqual([malware, tool]);
    expect(store.query({ id: [tool.id, 'tool--31b940d4-6f7f-459a-80ea-9c1f17b5891b'] })).toEqual([
      tool,
    ]);
    expect(
      store.query({
        type: ['identity', 'malware', 'tool'],
        modifiedAfter: '2026-01-15T00:00:00Z',
        modifiedBefore: '2026-02-15T00:00:00Z',
      }),
    ).toEqual([malware]);
    expect(store.query({ where: { malware_types: 'backdoor' } })).toEqual([malware]);
    expect(store.query({ where: { relationship_type: 'uses' } })).toEqual([uses]);
  });

  it('keeps versions, serves the latest and hides revoked objects unless asked', () => {
    const s = new StixStore([malware]);
    const v2 = newVersion(malware, { description: 'v2' });
    const v3 = revoke(v2);
    s.addAll([v3, v2]);
    expect(s.versions(malware.id)).toEqual([malware, v2, v3]);
    expect(s.get(malware.id)).toBe(v3);
    expect(s.query({ type: 'malware' })).toEqual([]);
    expect(s.query({ type: 'malware', includeRevoked: true })).toEqual([v3]);
    expect(s.query({ type: 'malware', includeRevoked: true, allVersions: true })).toHaveLength(3);
  });

  it('walks relationships', () => {
    expect(
      store
        .relationshipsOf(malware.id)
        .map((r) => r.id)
        .sort(),
    ).toEqual([uses.id, attributed.id].sort());
    expect(store.relationshipsOf(malware.id, { direction: 'target' })).toEqual([]);
    expect(store.relationshipsOf(tool.id, { direction: 'target' })).toEqual([uses]);
    expect(store.related(malware.id, { relationshipType: 'uses' })).toEqual([tool]);
    expect(store.related(org.id)).toEqual([malware]);
  });

  it('deletes objects', () => {
    const s = new StixStore([org, malware, attributed]);
    expect(s.delete(attributed.id)).toBe(true);
    expect(s.relationshipsOf(org.id)).toEqual([]);
    expect(s.delete(attributed.id)).toBe(false);
  });
});

describe('serializeStix', () => {
  it('wraps objects in a bundle and writes bundles as they are', () => {
    const objects: StixObject[] = [createIdentity({ name: 'A' })];
    const text = serializeStix(objects, {
      bundleId: 'bundle--6f1e8c2a-4d3b-4a51-9c2e-1f0a9b8c7d6e',
    });
    expect(JSON.parse(text)).toEqual({
      type: 'bundle',
      id: 'bundle--6f1e8c2a-4d3b-4a51-9c2e-1f0a9b8c7d6e',
      objects,
    });
    expect(serializeStix(JSON.parse(text))).toBe(text);
    expect(serializeStix(objects)).toMatch(
      /^\{"type":"bundle","id":"bundle--[0-9a-f-]{36}","objects":\[/,
    );
    expect(() => serializeStix({ type: 'x' } as never)).toThrow(TypeError);
  });

  it('isStixType narrows', () => {
    const [object] = parseStix([
      createIndicator({ pattern: 'x', pattern_type: 'sigma', valid_from: '2026-01-01T00:00:00Z' }),
    ]).objects;
    expect(object && isStixType(object, 'indicator') ? object.pattern_type : undefined).toBe(
      'sigma',
    );
  });
});
