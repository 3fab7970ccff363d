import fc from 'fast-check';
import {
  escapeKeyInJson,
  HUGE_NUMBER_LITERALS,
  hostileJsonValue,
  hostileKey,
  hostileString,
  nested,
  objectFromEntries,
  PROTOTYPE_NAMES,
} from './hostile';
import { mutatedText } from './mutate';
import type { Seeds } from './seeds';

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/** A fixture object with hostile properties set, its `type` sometimes a prototype name. */
function hostileObject(seeds: Seeds): fc.Arbitrary<object> {
  return fc
    .tuple(
      fc.constantFrom(...seeds.stixObjects),
      fc.array(fc.tuple(hostileKey, hostileJsonValue(3)), { minLength: 1, maxLength: 4 }),
      fc.option(fc.constantFrom(...PROTOTYPE_NAMES), { freq: 3 }),
      fc.option(
        fc.constantFrom('indicator_types', 'labels', 'object_refs', 'external_references'),
        {
          freq: 3,
        },
      ),
    )
    .map(([text, extra, type, listKey]) => {
      const object = JSON.parse(text) as Record<string, unknown>;
      const entries: [string, unknown][] = Object.entries(object);
      for (const [key, value] of extra) entries.push([key, value]);
      if (type !== null) {
        const id = typeof object.id === 'string' ? object.id.replace(/^[^-]+--/, `${type}--`) : '';
        entries.push(['type', type], ['id', id]);
      }
      if (listKey !== null) {
        // A forbidden key inside a wrongly-typed list member (issue 19: kept silently).
        entries.push([
          listKey,
          ['malicious-activity', objectFromEntries([['__proto__', { polluted: 1 }]])],
        ]);
      }
      return objectFromEntries(dedupeLast(entries));
    });
}

function dedupeLast(entries: [string, unknown][]): [string, unknown][] {
  const map = new Map<string, unknown>();
  for (const [key, value] of entries) {
    map.delete(key);
    map.set(key, value);
  }
  return [...map];
}

function bundleText(objects: readonly unknown[]): string {
  return JSON.stringify({
    type: 'bundle',
    id: 'bundle--6f1e8c2a-4d3b-4a51-9c2e-1f0a9b8c7d6e',
    objects,
  });
}

/** Families of STIX input text shared by `parseStix` and `parseStixStream`. */
export function stixTextFamilies(seeds: Seeds): Record<string, fc.Arbitrary<StixText>> {
  return {
    'fixture-mutation': mutatedText(seeds.stixBundles).map((text) => ({ text })),
    'hostile-objects': fc
      .array(hostileObject(seeds), { minLength: 1, maxLength: 3 })
      .map((objects) => ({ text: bundleText(objects) })),
    'deep-nesting': fc
      .tuple(
        fc.constantFrom(...seeds.stixObjects),
        fc.integer({ min: 60, max: 50_000 }),
        fc.boolean(),
      )
      .map(([text, depth, arrays]) => {
        const bomb = arrays ? nested('[', ']', depth, '1') : nested('{"a":', '}', depth, '1');
        return {
          text: `{"type":"bundle","id":"bundle--6f1e8c2a-4d3b-4a51-9c2e-1f0a9b8c7d6e","objects":[${text.slice(0, -1)},"x_deep":${bomb}}]}`,
          recipe: `bundle([{ ...fixtureObject, x_deep: ${arrays ? `'['.repeat(${depth}) + '1' + ']'.repeat(${depth})` : `'{"a":'.repeat(${depth}) + '1' + '}'.repeat(${depth})`} }])`,
        };
      }),
    'escaped-keys': fc
      .tuple(
        fc.constantFrom(...seeds.stixBundles),
        fc.constantFrom('objects', 'type', 'id', 'spec_version', 'pattern', 'object_marking_refs'),
      )
      .map(([text, key]) => ({
        text: escapeKeyInJson(JSON.stringify(JSON.parse(text)), key),
        recipe: `fixtureBundle with every "${key}" key written as "\\u${key.charCodeAt(0).toString(16).padStart(4, '0')}${key.slice(1)}"`,
      })),
    'wrong-shapes': fc
      .tuple(fc.constantFrom(...seeds.stixObjects), hostileJsonValue(2))
      .map(([object, value]) => {
        const shapes = [
          `{"type":"bundle","id":"bundle--6f1e8c2a-4d3b-4a51-9c2e-1f0a9b8c7d6e","objects":${JSON.stringify(value) ?? 'null'}}`,
          `{"type":"bundle","id":"bundle--6f1e8c2a-4d3b-4a51-9c2e-1f0a9b8c7d6e","objects":{"0":${object}}}`,
          `[${object},${JSON.stringify(value) ?? 'null'}]`,
          JSON.stringify(value) ?? 'null',
        ];
        return { text: shapes[object.length % shapes.length]! };
      }),
    'huge-numbers': fc
      .tuple(fc.constantFrom(...seeds.stixBundles), fc.constantFrom(...HUGE_NUMBER_LITERALS))
      .map(([text, number]) => ({ text: text.replace(/(?<=:\s*)-?\d+(\.\d+)?/g, number) })),
    'long-strings': fc
      .tuple(
        fc.constantFrom(...seeds.stixObjects),
        hostileString,
        fc.integer({ min: 1_000, max: 300_000 }),
      )
      .map(([object, unit, n]) => {
        const value = (unit || 'a').repeat(Math.ceil(n / Math.max(1, (unit || 'a').length)));
        return {
          text: bundleText([
            { ...JSON.parse(object), description: value, name: value.slice(0, 10_000) },
          ]),
          recipe: `bundle([{ ...fixtureObject, description: ${JSON.stringify(unit.slice(0, 20))}.repeat(…) /* ${value.length} chars */ }])`,
        };
      }),
    // STIX 2.0 objects (no spec_version) are upgraded; their type picks the 2.1 `*_types`
    // property to fill from `labels`, so a prototype-named type must not pick a function.
    'stix20-prototype-types': fc
      .tuple(
        fc.constantFrom(...PROTOTYPE_NAMES),
        fc.array(fc.string({ maxLength: 8 }), { minLength: 1, maxLength: 3 }),
      )
      .map(([type, labels]) => ({
        text: JSON.stringify([
          {
            type,
            id: `${type}--0b9a2ab4-ea1e-4a62-a2b5-0a1b6c1e2f3d`,
            created: '2016-01-01T00:00:00.000Z',
            modified: '2016-01-01T00:00:00.000Z',
            labels,
          },
        ]),
        recipe: `[{ type: ${JSON.stringify(type)}, id: '${type}--…', created, modified, labels: ${JSON.stringify(labels)} }] /* STIX 2.0, upgraded */`,
      })),
    unterminated: fc.tuple(fc.constantFrom(...seeds.stixBundles), fc.nat()).map(([text, at]) => {
      const i = at % text.length;
      return { text: `${text.slice(0, i)}"${'\\'.repeat(at % 3)}` };
    }),
  };
}

/** A STIX text input. */
export interface StixText {
  text: string;
  recipe?: string;
}

/**
 * Tells whether an answer carries the source text of a built-in function, the mark of a
 * lookup by an input string on a plain object (`TABLE['constructor']`).
 */
export function leaksFunctionSource(value: unknown): boolean {
  return JSON.stringify(value).includes('[native code]');
}

/**
 * Walks a parsed answer and returns the path of the first own key named `__proto__`,
 * `constructor` or `prototype`, which the STIX parsers promise to remove and report.
 */
export function findForbiddenKey(value: unknown, path = '', depth = 0): string | undefined {
  if (depth > 200 || value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findForbiddenKey(value[i], `${path}[${i}]`, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (FORBIDDEN.has(key)) return `${path}.${key}`;
    const found = findForbiddenKey(
      (value as Record<string, unknown>)[key],
      `${path}.${key}`,
      depth + 1,
    );
    if (found) return found;
  }
  return undefined;
}
