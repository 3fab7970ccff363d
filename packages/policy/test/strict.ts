import { parseStix } from '@intelshare/stix';
import { expect } from 'vitest';
import type { Projection } from '../src/index';
import { markingRefsOf, referencesOf } from './helpers';

/** Every projected bundle parses strictly with zero errors, and every reference resolves. */
export function expectValidBundle(projection: Projection, allowCustom = false): void {
  const result = parseStix(JSON.parse(JSON.stringify(projection.bundle)), {
    mode: 'strict',
    allowCustom,
  });
  expect(
    result.issues.filter((i) => i.severity === 'error'),
    'strict parse errors',
  ).toEqual([]);
  const objects = projection.bundle.objects as Record<string, unknown>[];
  const ids = new Set(objects.map((o) => o.id));
  for (const object of objects)
    for (const ref of referencesOf(object)) expect(ids, `${object.id} → ${ref}`).toContain(ref);
  for (const ref of markingRefsOf(objects)) expect(ids, `marking ${ref}`).toContain(ref);
}

/** The serialized bundle. */
export function text(projection: Projection): string {
  return JSON.stringify(projection.bundle);
}
