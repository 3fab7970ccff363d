import { derivedId } from '../stix/sco-id';
import type { StixObject } from '../stix/stix-object';

// TLP 2.0 marking-definition ids published by OASIS (cti-stix-common-objects/tlp2). Kept
// locally so the feeds package does not depend on the policy package.
const TLP2: Record<string, string> = {
  clear: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  white: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  green: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  amber: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  'amber+strict': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  red: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
};
// STIX 2.1 §7.2.1.4: the TLP 1.0 marking definitions, for STIX that still uses them.
const TLP1: Record<string, string> = {
  'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9': 'white',
  'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da': 'green',
  'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82': 'amber',
  'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed': 'red',
};

/** A MISP tag turned into a STIX marking: its id, and the definition object when it is not a well-known TLP one. */
export function tagToMarking(tag: string): { id: string; object?: StixObject } | undefined {
  const lower = tag.trim().toLowerCase();
  if (lower.startsWith('tlp:')) {
    const id = TLP2[lower.slice(4)];
    return id ? { id } : undefined;
  }
  if (lower.startsWith('pap:')) {
    const level = tag.trim().slice(4).toUpperCase();
    const id = derivedId('marking-definition', 'PAP', level);
    return {
      id,
      object: {
        type: 'marking-definition',
        spec_version: '2.1',
        id,
        created: '2020-01-01T00:00:00.000Z',
        name: `PAP:${level}`,
        // PAP has no STIX marking type; a statement keeps it machine-readable by name.
        definition_type: 'statement',
        definition: { statement: `PAP:${level}` },
      },
    };
  }
  return undefined;
}

/** The MISP tag for a marking-definition id or object, when there is one. */
export function markingToTag(id: string, object?: StixObject): string | undefined {
  for (const [name, value] of Object.entries(TLP2))
    if (value === id && name !== 'white') return `tlp:${name}`;
  // Own keys only: `id` comes from the input, and `TLP1.constructor` is a function.
  const tlp1 = Object.hasOwn(TLP1, id) ? TLP1[id] : undefined;
  if (tlp1) return `tlp:${tlp1}`;
  if (typeof object?.name === 'string' && /^PAP:/i.test(object.name))
    return `PAP:${object.name.slice(4)}`;
  return undefined;
}
