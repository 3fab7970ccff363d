import { extractIocs } from '@intelshare/stix/extract';
import fc from 'fast-check';
import { hostileString } from '../hostile';
import { mutatedText } from '../mutate';
import { defineTarget, literal, utf8Length } from '../target';

interface Input {
  text: string;
  recipe?: string;
}

const PROSE = [
  'C2 at hxxp://evil[.]example[.]com/gate.php (198.51.100.7), see CVE-2024-3400.',
  'Drops invoice.pdf.exe; MD5 79054025255fb1a26e4bc422aef54eb4, beacon to 2001:db8::1/64 and AS64500.',
  'mail admin[@]bad-domain[.]co[.]uk or pay bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq',
];

const REPEATS = [
  '1.',
  'a.',
  'a-',
  '[.]',
  'hxxp://',
  '0',
  '::',
  'a@',
  '%2e',
  `${'x'.repeat(63)}.`,
  '1.1.1.',
];

/** `extractIocs` is linear in its input and throws only `LIMIT_EXCEEDED` (typed). */
export const extractIocsTarget = defineTarget<Input>({
  name: 'extractIocs',
  owner: '@intelshare/stix (extract)',
  families: (seeds) => ({
    'prose-mutation': mutatedText([...PROSE, ...seeds.patterns.slice(0, 20)]).map((text) => ({
      text,
    })),
    'hostile-strings': fc
      .array(hostileString, { maxLength: 6 })
      .map((parts) => ({ text: parts.join(' ') })),
    'long-repeats': fc
      .tuple(fc.constantFrom(...REPEATS), fc.integer({ min: 1_000, max: 200_000 }))
      .map(([unit, n]) => ({
        text: unit.repeat(n),
        recipe: `extractIocs(${JSON.stringify(unit)}.repeat(${n}))`,
      })),
  }),
  run(input, probe) {
    probe.step('extractIocs', 'typed');
    extractIocs(input.text);
  },
  size: (input) => utf8Length(input.text),
  reproduce: (input) => input.recipe ?? `extractIocs(${literal(input.text)})`,
});
