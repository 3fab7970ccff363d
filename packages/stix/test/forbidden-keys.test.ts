import { describe, expect, it } from 'vitest';
import { parseStix, parseStixStream, type StixIssue, validateStixObject } from '../src/index';
import { indicator } from './support/valid-objects';

// Issue 19: forbidden keys are removed and reported wherever they appear, also inside a
// value of the wrong type and in lenient mode (which keeps the object).
const FORBIDDEN = ['__proto__', 'constructor', 'prototype'];

/** An indicator whose `at` property holds `hole`, as JSON text (so `__proto__` is a real key). */
function withHole(at: string, hole: string): string {
  return JSON.stringify({ ...indicator(), [at]: 'HOLE' }).replace('"HOLE"', hole);
}

async function streamed(text: string, mode: 'strict' | 'lenient') {
  const items = [];
  const bytes = new TextEncoder().encode(`[${text}]`);
  for await (const item of parseStixStream(new Blob([bytes]).stream(), { mode })) items.push(item);
  return items;
}

const forbidden = (issues: StixIssue[]) =>
  issues.filter((issue) => issue.code === 'FORBIDDEN_KEY').map((issue) => issue.path);

function hasOwnDeep(value: unknown, name: string): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (Object.hasOwn(value, name)) return true;
  return Object.values(value).some((child) => hasOwnDeep(child, name));
}

describe('FORBIDDEN_KEY wherever a forbidden key appears', () => {
  for (const name of FORBIDDEN) {
    const cases: [string, string, string][] = [
      // [property, JSON value, path of the reported key]
      [
        'indicator_types',
        `["malicious-activity",{"${name}":{"polluted":1}}]`,
        `indicator_types[1].${name}`,
      ],
      ['name', `{"${name}":{"polluted":1}}`, `name.${name}`],
      ['spec_version', `{"${name}":1}`, `spec_version.${name}`],
      ['confidence', `[{"${name}":1}]`, `confidence[0].${name}`],
      ['valid_from', `{"a":{"b":{"${name}":[]}}}`, `valid_from.a.b.${name}`],
    ];
    for (const [property, value, path] of cases) {
      it(`${name} inside a wrongly-typed \`${property}\`, in both parsers and both modes`, async () => {
        for (const mode of ['strict', 'lenient'] as const) {
          const text = withHole(property, value);
          const whole = parseStix(text, { mode });
          expect(forbidden(whole.issues)).toEqual([path]);
          expect(whole.issues.find((issue) => issue.code === 'FORBIDDEN_KEY')?.severity).toBe(
            'error',
          );
          // The object is dropped (a forbidden key is always an error), and nothing kept
          // anywhere still holds the key.
          expect(whole.objects).toEqual([]);
          const parsed = JSON.parse(text) as Record<string, unknown>;
          expect(validateStixObject(parsed, { mode }).some((i) => i.code === 'FORBIDDEN_KEY')).toBe(
            true,
          );
          expect(hasOwnDeep(parsed, name)).toBe(false);
          const items = await streamed(text, mode);
          expect(items.flatMap((item) => forbidden(item.issues))).toEqual([
            `[0].${path}`.replace('[0].', '[0].'),
          ]);
        }
      });
    }
  }

  it('on an object that is not even an object, or whose type is wrong', () => {
    const list = parseStix('[[{"__proto__":{"x":1}}], {"type":{"constructor":1},"id":"x"}]');
    expect(forbidden(list.issues)).toEqual(['[0][0].__proto__', '[1].type.constructor']);
  });

  it('reports nothing for objects without such keys', () => {
    const text = withHole('indicator_types', '["malicious-activity",{"proto":1}]');
    expect(forbidden(parseStix(text, { mode: 'lenient' }).issues)).toEqual([]);
  });
});
