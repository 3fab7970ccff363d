import { mispToStix } from '@intelshare/feeds';
import fc from 'fast-check';
import { hostileJsonValue, hostileKey, nested, PROTOTYPE_NAMES } from '../hostile';
import { mutatedText } from '../mutate';
import { defineTarget, literal, utf8Length } from '../target';

interface Input {
  /** The event as JSON text (parsed in the child, so own `__proto__` keys survive). */
  json: string;
  recipe?: string;
}

/** Sets `value` at a random place of a parsed event (by walking `choices` down its tree). */
function plant(root: unknown, choices: readonly number[], key: string, value: unknown): void {
  let node = root;
  for (const choice of choices) {
    if (node === null || typeof node !== 'object') break;
    const keys = Object.keys(node);
    if (keys.length === 0) break;
    const next = (node as Record<string, unknown>)[keys[choice % keys.length]!];
    if (next === null || typeof next !== 'object') break;
    node = next;
  }
  if (node !== null && typeof node === 'object' && !Array.isArray(node)) {
    Object.defineProperty(node, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else if (Array.isArray(node)) node.push(value);
}

/** `mispToStix` throws only `FeedValidationError` (typed) for input that is not a MISP event. */
export const mispToStixTarget = defineTarget<Input>({
  name: 'mispToStix',
  owner: '@intelshare/feeds (misp)',
  families: (seeds) => ({
    'fixture-mutation': mutatedText(seeds.mispEvents).map((json) => ({ json })),
    'planted-values': fc
      .tuple(
        fc.constantFrom(...seeds.mispEvents),
        fc.array(fc.tuple(fc.array(fc.nat(), { maxLength: 5 }), hostileKey, hostileJsonValue(3)), {
          minLength: 1,
          maxLength: 5,
        }),
      )
      .map(([text, plants]) => {
        const event = JSON.parse(text) as unknown;
        for (const [path, key, value] of plants) plant(event, path, key, value);
        return { json: JSON.stringify(event) };
      }),
    'prototype-names': fc
      .tuple(
        fc.constantFrom(...PROTOTYPE_NAMES),
        fc.constantFrom('type', 'category', 'name', 'Tag', 'galaxy'),
      )
      .map(([name, where]) => {
        const attribute: Record<string, unknown> = {
          type: where === 'type' ? name : 'domain',
          category: where === 'category' ? name : 'Network activity',
          value: 'bad.example',
          to_ids: true,
          uuid: '5721c305-ef54-4c9b-abe0-4a2d950d210f',
        };
        const event = {
          Event: {
            uuid: '5721c2e4-05ec-4af3-9264-411b950d210f',
            info: 'fuzz',
            Tag: [{ name: where === 'Tag' ? `tlp:${name}` : 'tlp:green' }, { name: `PAP:${name}` }],
            Attribute: [attribute],
            Object: [{ name: where === 'name' ? name : 'domain-ip', Attribute: [attribute] }],
            Galaxy: [
              {
                type: where === 'galaxy' ? name : 'threat-actor',
                GalaxyCluster: [{ value: name, type: name }],
              },
            ],
          },
        };
        return {
          json: JSON.stringify(event),
          recipe: `mispToStix(event with ${where} = ${JSON.stringify(name)})`,
        };
      }),
    'deep-nesting': fc.integer({ min: 50, max: 50_000 }).map((n) => ({
      json: `{"Event":{"uuid":"5721c2e4-05ec-4af3-9264-411b950d210f","info":"x","Attribute":[{"type":"comment","value":"x","x":${nested('[', ']', n, '1')}}]}}`,
      recipe: `mispToStix(event whose attribute holds '['.repeat(${n}) + '1' + ']'.repeat(${n}))`,
    })),
  }),
  run(input, probe) {
    let value: unknown;
    try {
      value = JSON.parse(input.json);
    } catch {
      return;
    }
    probe.step('mispToStix', 'typed');
    mispToStix(value);
  },
  size: (input) => utf8Length(input.json),
  reproduce: (input) => input.recipe ?? `mispToStix(JSON.parse(${literal(input.json)}))`,
});
