import { z } from 'zod';
import { IEP_ACTIONS } from '../markings/iep';

const IDENTITY_ID = /^identity--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MARKING_ID =
  /^marking-definition--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Accepts `amber`, `AMBER`, `TLP:AMBER`; TLP 1.0 `white` is read as `clear`. */
const tlpLevel = z.preprocess(
  (value) => {
    if (typeof value !== 'string') return value;
    const level = value.trim().toLowerCase().replace(/^tlp:/, '');
    return level === 'white' ? 'clear' : level;
  },
  z.enum(['clear', 'green', 'amber', 'amber+strict', 'red']),
);

/** Accepts `green`, `PAP:GREEN`; `white` is read as `clear`. */
const papLevel = z.preprocess(
  (value) => {
    if (typeof value !== 'string') return value;
    const level = value.trim().toLowerCase().replace(/^pap:/, '');
    return level === 'white' ? 'clear' : level;
  },
  z.enum(['clear', 'green', 'amber', 'red']),
);

const identityId = z.string().regex(IDENTITY_ID, 'must be a STIX identity id (`identity--<uuid>`)');
const shortText = z.string().min(1).max(200);
const name = z.string().min(1).max(100);
const datetime = z.iso.datetime({ offset: true });
/** A property pattern: `description`, `indicator.description` or a prefix such as `x_*`. */
const propertyPattern = z
  .string()
  .regex(
    /^([a-z0-9][a-z0-9-]*\.)?[a-z0-9_]+\*?$/,
    'must look like `description`, `note.content` or `x_*`',
  );
const objectType = z.string().regex(/^[a-z0-9][a-z0-9-]{0,249}$/, 'must be a STIX type name');
const victimAction = z.enum(['keep', 'remove', 'generalise', 'pseudonymise']);

/** One party to the agreement, as a STIX identity. */
export const partySchema = z.strictObject({
  /** The party's STIX identity id. */
  identity: identityId,
  /** The party's name, for humans. */
  name: shortText,
  /** `provider` shares, `recipient` receives, `both` does both. */
  role: z.enum(['provider', 'recipient', 'both']),
});

/** Who a recipient clause applies to; at least one of the keys must be given. */
export const recipientMatchSchema = z.strictObject({
  /** Organisations (STIX identities) the clause names directly. */
  identities: z.array(identityId).max(10_000).optional(),
  /** Communities whose members the clause covers. */
  communities: z.array(name).max(1000).optional(),
  /** Organisations whose clients the clause covers (TLP:AMBER "clients"). */
  clientsOf: z.array(identityId).max(10_000).optional(),
  /** `true` covers anyone at all (use with `maxTlp: clear`). */
  anyone: z.boolean().optional(),
});

/** What one class of recipient may receive. */
export const recipientClauseSchema = z.strictObject({
  /** A label for the clause, shown in explanations. */
  name: shortText.optional(),
  /** Who the clause applies to. */
  match: recipientMatchSchema,
  /** The highest TLP the recipient may receive under this clause. */
  maxTlp: tlpLevel,
  /** Whether the provider confirms the clients covered have a need to know (TLP:AMBER to clients). */
  needToKnow: z.boolean().default(false),
  /** Individuals named for TLP:RED; RED never goes to anyone else, including automated feeds. */
  namedIndividuals: z.array(name).max(1000).default([]),
  /** The most restrictive PAP level the recipient commits to honour. */
  maxPap: papLevel.default('clear'),
  /** The most visible action the recipient will take on what it receives (IEP 2.0 permitted actions). */
  intendedActions: z.enum(IEP_ACTIONS).default('externally-visible-direct-actions'),
  /** Whether the recipient resells what it receives (IEP 2.0 unmodified resale). */
  resells: z.boolean().default(false),
});

/** How victims and other protected data are treated. */
export const victimProtectionSchema = z.strictObject({
  /** Identities that are victims or targets: sightings' `where_sighted_refs`, `targets` relationships, `victimIdentityIds`, `victim` labels. */
  identities: victimAction.default('remove'),
  /** Extra identities to protect, by id. */
  victimIdentityIds: z.array(identityId).max(100_000).default([]),
  /** What happens to references to victims in sightings' `where_sighted_refs`. Defaults to `identities`. */
  whereSighted: victimAction.optional(),
  /** Custom `x_*` properties: removed unless `keep`. */
  customProperties: z.enum(['keep', 'remove']).default('remove'),
  /** External references that are internal to the provider (tickets, case files) are removed. */
  internalReferences: z
    .strictObject({
      /** `source_name` values that mark an internal reference. */
      sourceNames: z.array(shortText).max(1000).default([]),
      /** URL host names (and their subdomains) that mark an internal reference. */
      urlDomains: z
        .array(z.string().regex(/^[a-z0-9.-]+$/i))
        .max(1000)
        .default([]),
    })
    .default({ sourceNames: [], urlDomains: [] }),
  /** Free-text properties to remove, e.g. `description`, `note.content`. */
  freeTextFields: z.array(propertyPattern).max(1000).default([]),
  /** Names the key (supplied at projection time, never in the agreement) for keyed pseudonyms. */
  pseudonymKeyId: name.optional(),
});

/** Conditions every shared object must meet. */
export const conditionsSchema = z.strictObject({
  /** Labels: share only objects with one of `anyOf`, never those with one of `noneOf`. */
  labels: z
    .strictObject({
      anyOf: z.array(shortText).max(1000).optional(),
      noneOf: z.array(shortText).max(1000).optional(),
    })
    .optional(),
  /** Minimum STIX `confidence` (0–100); objects without confidence are withheld when set. */
  minConfidence: z.number().int().min(0).max(100).optional(),
  /** Maximum age in days, measured from `modified` (or `created`). */
  maxAgeDays: z.number().positive().max(36_500).optional(),
  /** Revoked objects are withheld unless this is `false`. */
  excludeRevoked: z.boolean().default(true),
});

/**
 * A sharing agreement: a versioned document saying who may receive what, under which
 * markings and conditions, with which redactions. The zod schema is the single source
 * of truth; {@link parseAgreement} reads JSON or YAML text through it.
 */
export const sharingAgreementSchema = z.strictObject({
  /** A stable identifier, e.g. `mou-acme-nca`. */
  id: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'must be letters, digits, `.`, `_`, `:` or `-`'),
  /** The agreement's version, e.g. `1.2.0`; every projection records it. */
  version: z
    .string()
    .regex(/^\d{1,6}(\.\d{1,6}){0,2}$/, 'must be a version such as `1`, `1.2` or `1.2.0`'),
  /** The agreement's title. */
  title: shortText,
  /** Free-text summary for humans. */
  description: z.string().max(10_000).optional(),
  /** The parties, as STIX identities (at least one provider). */
  parties: z.array(partySchema).min(2).max(10_000),
  /** When the agreement is in force. */
  effective: z.strictObject({ from: datetime, until: datetime.optional() }),
  /** What the shared data may be used for. */
  purposes: z.array(shortText).min(1).max(100),
  /** The communities the agreement defines (TLP:GREEN). If absent, every covered recipient is in the community. */
  communities: z.array(name).max(1000).optional(),
  /** Recipient clauses; a recipient no clause covers receives nothing. */
  recipients: z.array(recipientClauseSchema).min(1).max(1000),
  /** The TLP assumed for objects without any TLP-like marking (fail closed: `red`). */
  unmarkedTlp: tlpLevel.default('red'),
  /** Custom marking definitions the agreement understands, and how to read them. */
  markings: z
    .strictObject({
      custom: z
        .array(
          z.strictObject({
            id: z.string().regex(MARKING_ID, 'must be a marking-definition id'),
            name: shortText.optional(),
            /** A TLP level the marking is equivalent to, or `statement` if it does not restrict sharing. */
            treatAs: z.union([tlpLevel, z.literal('statement')]),
          }),
        )
        .max(1000)
        .default([]),
    })
    .default({ custom: [] }),
  /** Which object types may be shared. */
  objects: z
    .strictObject({
      allowTypes: z.array(objectType).max(1000).optional(),
      denyTypes: z.array(objectType).max(1000).default([]),
    })
    .default({ denyTypes: [] }),
  /** Which properties may be shared. */
  properties: z
    .strictObject({
      /** Properties removed from every object (`description`, `indicator.description`, `x_*`). */
      deny: z.array(propertyPattern).max(1000).default([]),
      /** Per type, the only properties kept (common properties such as `id` are always kept). */
      allow: z.record(objectType, z.array(propertyPattern).max(1000)).optional(),
    })
    .default({ deny: [] }),
  /** Conditions on the objects shared. */
  conditions: conditionsSchema.default({ excludeRevoked: true }),
  /** What the recipient may do onwards. */
  onwardSharing: z
    .strictObject({
      allowed: z.boolean(),
      /** The highest TLP the recipient may pass on (only when `allowed`). */
      maxTlp: tlpLevel.optional(),
    })
    .default({ allowed: false }),
  /** IEP 2.0 provider attribution: `may`, `must` (keep `created_by_ref`) or `must-not` (remove it). */
  providerAttribution: z.enum(['may', 'must', 'must-not']).default('may'),
  /** Victim protection. */
  victimProtection: victimProtectionSchema.default({
    identities: 'remove',
    victimIdentityIds: [],
    customProperties: 'remove',
    internalReferences: { sourceNames: [], urlDomains: [] },
    freeTextFields: [],
  }),
  /** Retention: `valid_until` is capped this many days after the projection. */
  retention: z.strictObject({ maxDays: z.number().positive().max(36_500) }).optional(),
  /** Obligations on the recipient. */
  obligations: z
    .strictObject({
      /** The recipient will notify affected parties (conflicts with IEP `affected_party_notifications: must-not`). */
      notifyAffectedParties: z.boolean().default(false),
      /** Transport is encrypted (required by IEP `encrypt_in_transit: must`). */
      encryptInTransit: z.boolean().default(true),
    })
    .default({ notifyAffectedParties: false, encryptInTransit: true }),
});

/** A validated sharing agreement (see {@link sharingAgreementSchema}). */
export type SharingAgreement = z.output<typeof sharingAgreementSchema>;
/** A sharing agreement as written, before defaults are applied. */
export type SharingAgreementInput = z.input<typeof sharingAgreementSchema>;
/** One recipient clause of an agreement. */
export type RecipientClause = z.output<typeof recipientClauseSchema>;
