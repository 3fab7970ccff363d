import { parseStix } from '@intelshare/stix';
import fc from 'fast-check';
import {
  findForbiddenKey,
  leaksFunctionSource,
  type StixText,
  stixTextFamilies,
} from '../stix-inputs';
import { defineTarget, literal, utf8Length } from '../target';

interface Input extends StixText {
  mode: 'strict' | 'lenient';
  allowCustom: boolean;
}

/**
 * `parseStix` never throws on bad input (its TSDoc); every issue comes back with a path,
 * and forbidden keys never survive into the objects it returns.
 */
export const parseStixTarget = defineTarget<Input>({
  name: 'parseStix',
  owner: '@intelshare/stix',
  families: (seeds) =>
    Object.fromEntries(
      Object.entries(stixTextFamilies(seeds)).map(([name, texts]) => [
        name,
        fc
          .tuple(texts, fc.constantFrom('strict' as const, 'lenient' as const), fc.boolean())
          .map(([text, mode, allowCustom]) => ({ ...text, mode, allowCustom })),
      ]),
    ),
  run(input, probe) {
    probe.step('parseStix', 'never');
    const result = parseStix(input.text, { mode: input.mode, allowCustom: input.allowCustom });
    const forbidden = findForbiddenKey(result.objects, 'objects');
    if (forbidden) probe.violation(`kept a forbidden key at ${forbidden}`);
    if (leaksFunctionSource(result.objects)) {
      probe.violation('an object carries the source text of a built-in function');
    }
    for (const issue of result.issues) {
      if (typeof issue.path !== 'string' || typeof issue.code !== 'string') {
        probe.violation('an issue without a string path or code');
        break;
      }
    }
  },
  size: (input) => utf8Length(input.text),
  reproduce: (input) =>
    `parseStix(${input.recipe ?? literal(input.text)}, { mode: '${input.mode}', allowCustom: ${input.allowCustom} })`,
});
