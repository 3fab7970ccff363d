import { parseAgreement } from '@intelshare/policy';
import fc from 'fast-check';
import { hostileKey, hostileString, nested } from '../hostile';
import { mutatedText } from '../mutate';
import { defineTarget, literal, utf8Length } from '../target';

interface Input {
  text: string;
  recipe?: string;
}

/** `parseAgreement` throws only `IntelshareError` `POLICY_INVALID` for bad agreements. */
export const parseAgreementTarget = defineTarget<Input>({
  name: 'parseAgreement',
  owner: '@intelshare/policy',
  families: (seeds) => ({
    'fixture-mutation': mutatedText(seeds.agreements).map((text) => ({ text })),
    'hostile-keys': fc
      .tuple(
        fc.constantFrom(...seeds.agreements),
        fc.array(fc.tuple(hostileKey, hostileString), { minLength: 1, maxLength: 4 }),
        fc.boolean(),
      )
      .map(([text, entries, nestedUnderRecipient]) => {
        const lines = entries.map(
          ([k, v]) =>
            `${nestedUnderRecipient ? '    ' : ''}${JSON.stringify(k)}: ${JSON.stringify(v)}`,
        );
        const at = nestedUnderRecipient ? text.indexOf('    maxTlp:') : 0;
        const i = Math.max(at, 0);
        return { text: `${text.slice(0, i)}${lines.join('\n')}\n${text.slice(i)}` };
      }),
    'prototype-values': fc
      .tuple(
        fc.constantFrom(...seeds.agreements),
        fc.constantFrom(
          'maxTlp',
          'maxPap',
          'role',
          'unmarkedTlp',
          'providerAttribution',
          'intendedActions',
        ),
        fc.constantFrom('constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty'),
      )
      .map(([text, key, value]) => ({
        text: text.replace(new RegExp(`(${key}: )\\S+`), `$1${value}`),
        recipe: `parseAgreement(fixtureAgreement with ${key}: ${value})`,
      })),
    'alias-bomb': fc.integer({ min: 2, max: 12 }).map((levels) => {
      let text = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
      for (let i = 1; i <= levels; i++)
        text += `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]\n`;
      return { text, recipe: `billion-laughs YAML with ${levels} alias levels` };
    }),
    'deep-nesting': fc
      .tuple(fc.integer({ min: 50, max: 100_000 }), fc.boolean())
      .map(([n, flow]) => ({
        text: flow ? `id: ${nested('[', ']', n, 'x')}` : nested('{"a":', '}', n, '1'),
        recipe: flow
          ? `'id: ' + '['.repeat(${n}) + 'x' + ']'.repeat(${n})`
          : `'{"a":'.repeat(${n}) + '1' + '}'.repeat(${n})`,
      })),
  }),
  run(input, probe) {
    probe.step('parseAgreement', 'typed');
    parseAgreement(input.text);
  },
  size: (input) => utf8Length(input.text),
  reproduce: (input) => input.recipe ?? `parseAgreement(${literal(input.text)})`,
});
