import { IntelshareError } from '@intelshare/stix';
import { defineTarget, type Recipe } from '../target';

/** What the self-test target should do. */
export type Misbehaviour =
  | 'ok'
  | 'typed'
  | 'untyped'
  | 'typed-from-never'
  | 'overflow'
  | 'pollute'
  | 'hang'
  | 'crash'
  | 'violate'
  | 'late-rejection';

interface Input extends Recipe {
  do: Misbehaviour;
}

function recurse(n: number): number {
  return n <= 0 ? 0 : 1 + recurse(n - 1);
}

/**
 * A target that misbehaves on request, so the watchdog's verdicts are tested against real
 * hangs, crashes, throws and pollution in the child (not in the reporting code).
 */
export const watchdogSelfTest = defineTarget<Input>({
  name: 'watchdog self-test',
  owner: '@intelshare/fuzz',
  families: () => ({}),
  async run(input, probe) {
    probe.step('self-test', input.do === 'typed-from-never' ? 'never' : 'typed');
    switch (input.do) {
      case 'ok':
        return;
      case 'typed':
      case 'typed-from-never':
        throw new IntelshareError('VALIDATION_FAILED', 'A typed error.');
      case 'untyped':
        throw new TypeError('(intermediate value) is not iterable');
      case 'overflow':
        return recurse(1e7);
      case 'pollute':
        // biome-ignore lint/suspicious/noExplicitAny: polluting on purpose.
        (Object.prototype as any).polluted = true;
        return;
      case 'hang':
        for (;;) {
          // Busy loop: only a kill ends it.
        }
      case 'crash':
        process.exit(3);
        return;
      case 'violate':
        probe.violation('kept something it promised to drop');
        return;
      case 'late-rejection':
        Promise.reject(new Error('nobody awaited this'));
        await new Promise((resolve) => setTimeout(resolve, 20));
        return;
    }
  },
  size: () => 0,
  reproduce: (input) => `selfTest(${JSON.stringify(input.do)})`,
});
