import { validateStixObject } from '@intelshare/stix';
import fc from 'fast-check';
import { type StixText, stixTextFamilies } from '../stix-inputs';
import { defineTarget, literal, utf8Length } from '../target';

interface Input extends StixText {
  mode: 'strict' | 'lenient';
}

/** `validateStixObject` returns issues for any value and never throws on bad input. */
export const validateStixObjectTarget = defineTarget<Input>({
  name: 'validateStixObject',
  owner: '@intelshare/stix',
  families: (seeds) => {
    const texts = stixTextFamilies(seeds);
    const pick = (name: string) =>
      fc
        .tuple(texts[name]!, fc.constantFrom('strict' as const, 'lenient' as const))
        .map(([text, mode]) => ({ ...text, mode }));
    return {
      'hostile-objects': pick('hostile-objects'),
      'deep-nesting': pick('deep-nesting'),
      'huge-numbers': pick('huge-numbers'),
      'long-strings': pick('long-strings'),
      'wrong-shapes': pick('wrong-shapes'),
    };
  },
  run(input, probe) {
    // The input is a bundle; validate its first element (or the value itself) as an object,
    // parsed here so that own `__proto__` keys exist as `JSON.parse` makes them.
    let value: unknown;
    try {
      value = JSON.parse(input.text);
    } catch {
      return;
    }
    const objects = (value as { objects?: unknown } | null)?.objects;
    const target = Array.isArray(objects) ? objects[0] : value;
    probe.step('validateStixObject', 'never');
    validateStixObject(target, { mode: input.mode, allowCustom: true });
  },
  size: (input) => utf8Length(input.text),
  reproduce: (input) =>
    `validateStixObject(JSON.parse(${input.recipe ?? literal(input.text)}).objects[0], { mode: '${input.mode}', allowCustom: true })`,
});
