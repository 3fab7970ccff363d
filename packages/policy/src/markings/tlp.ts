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
