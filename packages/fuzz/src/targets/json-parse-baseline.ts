import { defineTarget, type Recipe, utf8Length } from '../target';

interface Input extends Recipe {
  text: string;
}

/**
 * The baseline every slowest input is compared with: `JSON.parse` of text of the same
 * size, timed in the same child process.
 */
export const jsonParseBaseline = defineTarget<Input>({
  name: 'JSON.parse (baseline)',
  owner: 'node',
  families: () => ({}),
  run(input, probe) {
    probe.step('JSON.parse', 'typed');
    JSON.parse(input.text);
  },
  size: (input) => utf8Length(input.text),
  reproduce: () => 'JSON.parse(fixture bundles)',
});
