import {
  compilePattern,
  type ObservedDataLike,
  type Pattern,
  parsePattern,
  printPattern,
  validatePattern,
} from '@intelshare/stix/patterns';
import { type PatternInput, patternFamilies } from '../pattern-inputs';
import { defineTarget, literal, utf8Length } from '../target';

/**
 * The pattern pipeline of issue 19: whatever `parsePattern` accepts must also be validated
 * (never throws), printed (never throws for a parsed tree), compiled and matched (typed
 * errors only); what it rejects must be rejected with a `PatternError`.
 */
export const patternsTarget = defineTarget<PatternInput>({
  name: 'patterns',
  owner: '@intelshare/stix (patterns)',
  families: patternFamilies,
  run(input, probe) {
    let ast: Pattern | undefined;
    probe.step('parsePattern', 'typed');
    try {
      ast = parsePattern(input.text);
    } catch (error) {
      probe.step('validatePattern', 'never');
      validatePattern(input.text);
      probe.step('parsePattern', 'typed');
      throw error;
    }
    probe.step('validatePattern', 'never');
    validatePattern(input.text);
    validatePattern(ast);
    probe.step('printPattern', 'never');
    printPattern(ast);
    probe.step('compilePattern', 'typed');
    const compiled = compilePattern(ast);
    probe.step('matchPattern', 'typed');
    compiled.match(JSON.parse(input.observations) as ObservedDataLike[]);
  },
  size: (input) => utf8Length(input.text) + utf8Length(input.observations),
  reproduce: (input) => input.recipe ?? `validatePattern(${literal(input.text)}) / matchPattern(…)`,
});
