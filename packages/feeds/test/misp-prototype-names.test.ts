import { describe, expect, it } from 'vitest';
import { type StixObject, stixToMisp } from '../src/index';

// Issue 19: names that `Object.prototype` carries (`constructor`, `toString`, …) arrive in
// feeds as marking ids and object types; table look-ups must not resolve them to its members.
const report = {
  type: 'report',
  spec_version: '2.1',
  id: 'report--0f8b3a52-8a4e-4d0c-9a3a-8e1f5a7b6c2d',
  created: '2026-01-01T00:00:00.000Z',
  modified: '2026-01-01T00:00:00.000Z',
  name: 'r',
  published: '2026-01-01T00:00:00.000Z',
  object_refs: [],
} as const;

describe('stixToMisp with Object.prototype member names', () => {
  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])(
    'a marking ref named %s makes no tag',
    (name) => {
      const [event] = stixToMisp([{ ...report, object_marking_refs: [name] } as StixObject]);
      for (const tag of event!.Tag) expect(tag.name).not.toMatch(/function|native code|\[object/);
      expect(event!.Tag.filter((t) => t.name.startsWith('tlp:'))).toEqual([]);
    },
  );

  it.each(['toString', 'constructor', 'valueOf'])(
    'an object of type %s makes no attribute',
    (type) => {
      const planted = {
        type,
        spec_version: '2.1',
        id: `${type}--1d2e3f40-5a6b-4c7d-8e9f-0a1b2c3d4e5f`,
        undefined: 'planted',
        value: 'planted',
      };
      const [event] = stixToMisp([
        report as unknown as StixObject,
        planted as unknown as StixObject,
      ]);
      const values = (event!.Attribute ?? []).map((a) => a.value);
      expect(values).not.toContain('planted');
    },
  );
});
