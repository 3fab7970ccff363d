import {
  parseAgreement,
  project,
  type Recipient,
  type SharingAgreement,
  TLP2_MARKING_IDS,
} from '@intelshare/policy';
import fc from 'fast-check';
import { PROTOTYPE_NAMES } from '../hostile';
import { loadSeeds } from '../seeds';
import { stixTextFamilies } from '../stix-inputs';
import { defineTarget, literal, utf8Length } from '../target';

interface Input {
  /** The bundle as JSON text (parsed in the child). */
  bundle: string;
  /** Index into the shipped agreements. */
  agreement: number;
  recipe?: string;
}

/** A recipient each shipped agreement admits (by community or identity). */
const RECIPIENTS: readonly Recipient[] = [
  { identity: 'identity--5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c99', communities: ['fin-isac-members'] },
  {
    identity: 'identity--2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f66',
    communities: ['cert-constituency'],
  },
  { identity: 'identity--7e3d9f1a-2b4c-4d6e-8f0a-1b3c5d7e9f22' },
];

let agreements: SharingAgreement[] | undefined;

function markedObject(
  base: Record<string, unknown>,
  type: string,
  tlp: string,
): Record<string, unknown> {
  return {
    ...base,
    type,
    id: `${type}--0b9a2ab4-ea1e-4a62-a2b5-0a1b6c1e2f3d`,
    object_marking_refs: [tlp],
  };
}

/**
 * `project` answers every bundle with a projection (it throws only the typed
 * `INVALID_ARGUMENT` for input that is not a bundle); a writer must not be able to break it
 * for every reader (issue 19).
 */
export const projectTarget = defineTarget<Input>({
  name: 'project',
  owner: '@intelshare/policy',
  families: (seeds) => {
    const texts = stixTextFamilies(seeds);
    const tlp = Object.values(TLP2_MARKING_IDS);
    return {
      'prototype-types': fc
        .tuple(
          fc.constantFrom(...seeds.stixObjects),
          fc.constantFrom(...PROTOTYPE_NAMES),
          fc.constantFrom(...tlp),
          fc.nat(2),
        )
        .map(([object, type, marking, agreement]) => ({
          bundle: JSON.stringify({
            type: 'bundle',
            id: 'bundle--5d0092c5-5f74-4287-9642-33f4c354e56d',
            objects: [markedObject(JSON.parse(object) as Record<string, unknown>, type, marking)],
          }),
          agreement,
          recipe: `project(bundle([{ type: ${JSON.stringify(type)}, id: '${type}--…', object_marking_refs: [TLP:${marking}], … }]), ${['isac-membership', 'cert-constituents', 'vendor-crime-agency-mou'][agreement]}, recipient)`,
        })),
      'hostile-objects': fc
        .tuple(texts['hostile-objects']!, fc.nat(2))
        .map(([{ text }, agreement]) => ({ bundle: text, agreement })),
      'fixture-mutation': fc
        .tuple(texts['fixture-mutation']!, fc.nat(2))
        .map(([{ text }, agreement]) => ({ bundle: text, agreement })),
      'deep-nesting': fc
        .tuple(texts['deep-nesting']!, fc.nat(2))
        .map(([{ text, recipe }, agreement]) => ({
          bundle: text,
          agreement,
          ...(recipe ? { recipe } : {}),
        })),
    };
  },
  run(input, probe) {
    let value: unknown;
    try {
      value = JSON.parse(input.bundle);
    } catch {
      return;
    }
    agreements ??= loadSeeds().agreements.map((text) => parseAgreement(text));
    probe.step('project', 'typed');
    project(value, agreements[input.agreement]!, RECIPIENTS[input.agreement]!, {
      now: '2026-03-01T00:00:00Z',
    });
  },
  size: (input) => utf8Length(input.bundle),
  reproduce: (input) =>
    input.recipe ??
    `project(JSON.parse(${literal(input.bundle)}), agreement[${input.agreement}], recipient)`,
});
