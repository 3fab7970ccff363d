/** A TLP 2.0 level, in increasing order of restriction. */
export type TlpLevel = 'clear' | 'green' | 'amber' | 'amber+strict' | 'red';

/** Every TLP 2.0 level, least restrictive first (the index is the rank). */
export const TLP_LEVELS: readonly TlpLevel[] = ['clear', 'green', 'amber', 'amber+strict', 'red'];

/**
 * The rank of a TLP level: higher is more restrictive. Used to find the most restrictive
 * of several markings (FIRST TLP 2.0: "the most restrictive marking applies").
 *
 * @param level - A TLP 2.0 level.
 * @returns 0 for CLEAR up to 4 for RED.
 *
 * @example
 * ```ts
 * import { tlpRank } from '@intelshare/policy';
 *
 * tlpRank('amber+strict') > tlpRank('amber'); // true
 * ```
 */
export function tlpRank(level: TlpLevel): number {
  return TLP_RANK[level];
}

const TLP_RANK: Record<TlpLevel, number> = {
  clear: 0,
  green: 1,
  amber: 2,
  'amber+strict': 3,
  red: 4,
};

/**
 * The official TLP 2.0 marking-definition ids (OASIS cti-stix-common-objects, extension
 * `extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d`). TLP:CLEAR is not the
 * TLP 1.0 TLP:WHITE id.
 *
 * @example
 * ```ts
 * import { TLP2_MARKING_IDS } from '@intelshare/policy';
 *
 * TLP2_MARKING_IDS['TLP:AMBER+STRICT']; // 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003'
 * ```
 */
export const TLP2_MARKING_IDS = {
  'TLP:CLEAR': 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  'TLP:GREEN': 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  'TLP:AMBER': 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  'TLP:AMBER+STRICT': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  'TLP:RED': 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
} as const;

/**
 * The TLP 1.0 marking-definition ids fixed by STIX 2.1 §7.2.1.4 (also the `enum`s of the
 * official `marking-definition.json` schema). TLP 1.0 has no AMBER+STRICT.
 *
 * @example
 * ```ts
 * import { TLP1_MARKING_IDS } from '@intelshare/policy';
 *
 * TLP1_MARKING_IDS['TLP:WHITE']; // 'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9'
 * ```
 */
export const TLP1_MARKING_IDS = {
  'TLP:WHITE': 'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9',
  'TLP:GREEN': 'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da',
  'TLP:AMBER': 'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82',
  'TLP:RED': 'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed',
} as const;

/** The TLP 2.0 extension-definition id (OASIS cti-stix-common-objects `tlp2/`). */
export const TLP2_EXTENSION_ID = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';

/**
 * How TLP 1.0 colours map onto TLP 2.0 levels, stated explicitly: TLP:WHITE ≈ TLP:CLEAR;
 * GREEN, AMBER and RED keep their meaning (TLP 1.0 AMBER already allowed clients with a
 * need to know); AMBER+STRICT has no TLP 1.0 form, so it maps down to nothing — a TLP 1.0
 * consumer must be given TLP:RED or nothing.
 *
 * @example
 * ```ts
 * import { TLP1_TO_TLP2 } from '@intelshare/policy';
 *
 * TLP1_TO_TLP2.white; // 'clear'
 * ```
 */
export const TLP1_TO_TLP2 = {
  white: 'clear',
  green: 'green',
  amber: 'amber',
  red: 'red',
} as const satisfies Record<string, TlpLevel>;

/**
 * The TLP 1.0 colour to use for a TLP 2.0 level when talking to a TLP 1.0-only consumer;
 * `undefined` where TLP 1.0 has no equivalent (AMBER+STRICT), so such data is marked
 * TLP:RED or not sent at all.
 *
 * @param level - A TLP 2.0 level.
 * @returns The TLP 1.0 colour, or `undefined` for AMBER+STRICT.
 *
 * @example
 * ```ts
 * import { tlp2ToTlp1 } from '@intelshare/policy';
 *
 * tlp2ToTlp1('clear'); // 'white'
 * tlp2ToTlp1('amber+strict'); // undefined
 * ```
 */
export function tlp2ToTlp1(level: TlpLevel): 'white' | 'green' | 'amber' | 'red' | undefined {
  switch (level) {
    case 'clear':
      return 'white';
    case 'amber+strict':
      return undefined;
    default:
      return level;
  }
}

/** Upper-case display name, e.g. `TLP:AMBER+STRICT`. */
export function tlpName(level: TlpLevel): string {
  return `TLP:${level.toUpperCase()}`;
}
