import { z } from 'zod';

/** The FIRST IEP 2.0 extension-definition id (OASIS cti-stix-common-objects `iep2/`). */
export const IEP2_EXTENSION_ID = 'extension-definition--762e2e97-ee51-43e5-a9ea-165fbb862c4a';

/**
 * IEP 2.0 permitted actions, least to most visible to the adversary (FIRST IEP 2.0
 * framework, "Permitted Actions"). The index is the rank.
 */
export const IEP_ACTIONS = [
  'none',
  'contact-for-instruction',
  'internally-visible-actions',
  'externally-visible-indirect-actions',
  'externally-visible-direct-actions',
] as const;

/** An IEP 2.0 permitted-actions value. */
export type IepAction = (typeof IEP_ACTIONS)[number];

/**
 * The IEP 2.0 policy carried by a marking definition's extension. Unknown values are
 * rejected (a policy we cannot read is treated as unknown, so it fails closed). Both the
 * schema's `tlp_ref`/`policy_name` and the examples' `tlp` form are accepted: the
 * official examples do not match their own schema (see fixtures README).
 */
export const iepPolicySchema = z.object({
  extension_type: z.literal('property-extension'),
  encrypt_in_transit: z.enum(['must', 'may']),
  permitted_actions: z.enum(IEP_ACTIONS),
  affected_party_notifications: z.enum(['may', 'must-not']),
  tlp: z.enum(['red', 'amber', 'green', 'white', 'clear']).optional(),
  tlp_ref: z.string().optional(),
  provider_attribution: z.enum(['may', 'must', 'must-not']),
  unmodified_resale: z.enum(['may', 'must-not']),
  iep_id: z.string().optional(),
  iep_version: z.literal(2).optional(),
  policy_name: z.string().optional(),
  description: z.string().optional(),
  start_date: z.string().optional(),
  end_date: z.string().optional(),
});

/** An IEP 2.0 policy as read from a marking definition. */
export type IepPolicy = z.output<typeof iepPolicySchema>;
