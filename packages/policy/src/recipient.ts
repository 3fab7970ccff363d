import { IntelshareError } from '@intelshare/stix';
import { z } from 'zod';
import { formatPath } from './agreement/parse-agreement';

const IDENTITY_ID = /^identity--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Who receives a projection: an organisation, its communities and clients, and the people who will read it. */
export const recipientSchema = z.strictObject({
  /** The receiving organisation's STIX identity id. */
  identity: z.string().regex(IDENTITY_ID, 'must be a STIX identity id'),
  /** Display name. */
  name: z.string().max(200).optional(),
  /** Communities the organisation belongs to (TLP:GREEN). */
  communities: z.array(z.string().min(1).max(100)).max(1000).default([]),
  /** Organisations this recipient is a client of (TLP:AMBER "clients"). */
  clientOf: z
    .array(z.string().regex(IDENTITY_ID, 'must be a STIX identity id'))
    .max(1000)
    .default([]),
  /** The named individuals who will read what is sent (TLP:RED). */
  individuals: z.array(z.string().min(1).max(100)).max(1000).default([]),
  /** `true` when the data goes to an automated feed rather than to people. */
  automated: z.boolean().default(false),
});

/** A recipient as callers write it (defaults optional). */
export type Recipient = z.input<typeof recipientSchema>;
/** A recipient with defaults applied. */
export type NormalizedRecipient = z.output<typeof recipientSchema>;

const cache = new WeakMap<object, NormalizedRecipient>();

/**
 * Validates a recipient and applies defaults.
 *
 * @param recipient - The recipient description.
 * @returns The recipient with defaults applied.
 * @throws {IntelshareError} `INVALID_ARGUMENT` naming the bad field.
 *
 * @example
 * ```ts
 * import { parseRecipient } from '@intelshare/policy';
 *
 * parseRecipient({ identity: 'identity--03e23f6c-0ac9-4b47-9c84-f718132adb21' }).automated; // false
 * ```
 */
export function parseRecipient(recipient: Recipient): NormalizedRecipient {
  const cached =
    typeof recipient === 'object' && recipient !== null ? cache.get(recipient) : undefined;
  if (cached) return cached;
  const result = recipientSchema.safeParse(recipient);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new IntelshareError('INVALID_ARGUMENT', `The recipient is invalid: ${issue.message}.`, {
      path: `recipient${issue.path.length ? `.${formatPath(issue.path)}` : ''}`,
    });
  }
  cache.set(recipient, result.data);
  return result.data;
}
