import { stixToMisp } from '@intelshare/feeds';
import fc from 'fast-check';
import { PROTOTYPE_NAMES } from '../hostile';
import { stixTextFamilies } from '../stix-inputs';
import { defineTarget, literal, utf8Length } from '../target';

interface Input {
  /** A bundle as JSON text (parsed in the child); its `objects` are converted. */
  bundle: string;
  recipe?: string;
}

const ID_TAIL = '0b9a2ab4-ea1e-4a62-a2b5-0a1b6c1e2f3d';

/**
 * `stixToMisp` turns objects into MISP events; an object `type` or marking reference that
 * `Object.prototype` happens to carry must not turn into a tag or attribute made of a
 * function's source text (`tlp:function Object() { [native code] }`).
 */
export const stixToMispTarget = defineTarget<Input>({
  name: 'stixToMisp',
  owner: '@intelshare/feeds (misp)',
  families: (seeds) => {
    const texts = stixTextFamilies(seeds);
    return {
      'prototype-names': fc
        .tuple(
          fc.constantFrom(...PROTOTYPE_NAMES),
          fc.constantFrom('marking', 'sco-type', 'sdo-type'),
        )
        .map(([name, where]) => {
          const objects: Record<string, unknown>[] = [
            {
              type: 'report',
              spec_version: '2.1',
              id: `report--${ID_TAIL}`,
              created: '2026-01-01T00:00:00Z',
              modified: '2026-01-01T00:00:00Z',
              name: 'r',
              published: '2026-01-01T00:00:00Z',
              object_refs: [`${name}--${ID_TAIL}`],
              object_marking_refs: where === 'marking' ? [name] : [],
            },
            {
              type: where === 'marking' ? 'domain-name' : name,
              spec_version: '2.1',
              id: `${name}--${ID_TAIL}`,
              name: 'n',
              value: 'bad.example',
              undefined: 'planted',
            },
          ];
          return {
            bundle: JSON.stringify({ type: 'bundle', id: `bundle--${ID_TAIL}`, objects }),
            recipe:
              where === 'marking'
                ? `stixToMisp([report with object_marking_refs: [${JSON.stringify(name)}], …])`
                : `stixToMisp([report, { type: ${JSON.stringify(name)}, id: '${name}--…', undefined: 'planted' }])`,
          };
        }),
      'hostile-objects': texts['hostile-objects']!.map(({ text }) => ({ bundle: text })),
      'fixture-mutation': texts['fixture-mutation']!.map(({ text }) => ({ bundle: text })),
    };
  },
  run(input, probe) {
    let value: unknown;
    try {
      value = JSON.parse(input.bundle);
    } catch {
      return;
    }
    const objects = (value as { objects?: unknown } | null)?.objects;
    if (!Array.isArray(objects)) return;
    probe.step('stixToMisp', 'typed');
    const events = stixToMisp(objects as Parameters<typeof stixToMisp>[0]);
    for (const event of events) {
      for (const tag of event.Tag ?? []) {
        if (/native code|^tlp:function /.test(String((tag as { name?: unknown }).name))) {
          probe.violation(
            `made the tag \`${String((tag as { name?: unknown }).name).slice(0, 60)}\``,
          );
        }
      }
      for (const attribute of event.Attribute ?? []) {
        const { type, category } = attribute as { type?: unknown; category?: unknown };
        if (typeof type !== 'string' || typeof category !== 'string') {
          probe.violation(
            `made an attribute without a type or category: ${JSON.stringify(attribute).slice(0, 120)}`,
          );
        }
      }
    }
  },
  size: (input) => utf8Length(input.bundle),
  reproduce: (input) => input.recipe ?? `stixToMisp(JSON.parse(${literal(input.bundle)}).objects)`,
});
