/** A PAP level, least restrictive first. PAP:WHITE is the older name of PAP:CLEAR. */
export type PapLevel = 'clear' | 'green' | 'amber' | 'red';

/** PAP levels in rank order (the index is the rank). */
export const PAP_LEVELS: readonly PapLevel[] = ['clear', 'green', 'amber', 'red'];

/** The PAP extension-definition id (OASIS cti-stix-common-objects `pap-marking-definition-f8d`). */
export const PAP_EXTENSION_ID = 'extension-definition--f8d78575-edfd-406e-8e84-6162a8450f5b';

/**
 * The official PAP marking-definition ids from the OASIS PAP extension specification
 * (`extension-definition--f8d78575-…`). The specification says other PAP marking
 * definitions MUST NOT be created, so only these ids are accepted as PAP.
 *
 * @example
 * ```ts
 * import { PAP_MARKING_IDS } from '@intelshare/policy';
 *
 * PAP_MARKING_IDS['PAP:GREEN']; // 'marking-definition--c43594d1-4b11-4c59-93ab-1c9b14d53ce9'
 * ```
 */
export const PAP_MARKING_IDS = {
  'PAP:CLEAR': 'marking-definition--ad15a0cd-55b6-4588-a14c-a66105329b92',
  'PAP:WHITE': 'marking-definition--a3bea94c-b469-41dc-9cfe-d6e7daba7730',
  'PAP:GREEN': 'marking-definition--c43594d1-4b11-4c59-93ab-1c9b14d53ce9',
  'PAP:AMBER': 'marking-definition--60f8932b-e51e-4458-b265-a2e8be9a80ab',
  'PAP:RED': 'marking-definition--740d36e5-7714-4c30-961a-3ae632ceee0e',
} as const;

/**
 * The rank of a PAP level: higher restricts the recipient's actions more.
 *
 * @param level - A PAP level.
 * @returns 0 for CLEAR up to 3 for RED.
 *
 * @example
 * ```ts
 * import { papRank } from '@intelshare/policy';
 *
 * papRank('red'); // 3
 * ```
 */
export function papRank(level: PapLevel): number {
  return PAP_LEVELS.indexOf(level);
}
