import { z } from 'zod';

// MISP serialises numbers as strings in most exports and as numbers in some; accept both.
const numberish = z.union([z.string(), z.number()]).transform((value) => String(value));

/** A MISP tag (`{ name }`, e.g. `tlp:amber` or `misp-galaxy:threat-actor="Sofacy"`). */
export const mispTagSchema = z.looseObject({ name: z.string() });

/** A MISP sighting (type `0` sighting, `1` false positive, `2` expiration). */
export const mispSightingSchema = z.looseObject({
  type: numberish.optional(),
  date_sighting: numberish.optional(),
  source: z.string().optional(),
  attribute_uuid: z.string().optional(),
  Organisation: z
    .looseObject({ name: z.string().optional(), uuid: z.string().optional() })
    .optional(),
});

/** A MISP attribute: the atomic indicator or observable of an event. */
export const mispAttributeSchema = z.looseObject({
  type: z.string(),
  value: z.string(),
  category: z.string().optional(),
  uuid: z.string().optional(),
  to_ids: z.union([z.boolean(), z.string(), z.number()]).optional(),
  comment: z.string().optional(),
  timestamp: numberish.optional(),
  distribution: numberish.optional(),
  sharing_group_id: numberish.optional(),
  object_relation: z.string().nullable().optional(),
  Tag: z.array(mispTagSchema).optional(),
  Sighting: z.array(mispSightingSchema).optional(),
});

/** A MISP object: attributes grouped by a template such as `file` or `domain-ip`. */
export const mispObjectSchema = z.looseObject({
  name: z.string(),
  uuid: z.string().optional(),
  'meta-category': z.string().optional(),
  template_uuid: z.string().optional(),
  template_version: numberish.optional(),
  comment: z.string().optional(),
  timestamp: numberish.optional(),
  distribution: numberish.optional(),
  Attribute: z.array(mispAttributeSchema).default([]),
});

/** A MISP galaxy with its clusters (threat actors, malware, ATT&CK techniques…). */
export const mispGalaxySchema = z.looseObject({
  type: z.string().optional(),
  name: z.string().optional(),
  GalaxyCluster: z
    .array(
      z.looseObject({
        type: z.string().optional(),
        value: z.string(),
        uuid: z.string().optional(),
        tag_name: z.string().optional(),
        description: z.string().optional(),
        meta: z.record(z.string(), z.unknown()).optional(),
      }),
    )
    .default([]),
});

/**
 * A MISP event as found in feeds (`{"Event": {...}}`) and REST responses; the zod schema
 * the MISP clients validate with.
 *
 * @example
 * ```ts
 * import { mispEventSchema } from '@intelshare/feeds';
 *
 * const result = mispEventSchema.safeParse({ uuid: '5721c2e4-05ec-4af3-9264-411b950d210f', info: 'x' });
 * console.log(result.success); // true
 * ```
 */
export const mispEventSchema = z.looseObject({
  uuid: z.string(),
  info: z.string(),
  date: z.string().optional(),
  timestamp: numberish.optional(),
  publish_timestamp: numberish.optional(),
  published: z.union([z.boolean(), z.string(), z.number()]).optional(),
  threat_level_id: numberish.optional(),
  analysis: numberish.optional(),
  distribution: numberish.optional(),
  sharing_group_id: numberish.optional(),
  Orgc: z.looseObject({ name: z.string().optional(), uuid: z.string().optional() }).optional(),
  Tag: z.array(mispTagSchema).default([]),
  Attribute: z.array(mispAttributeSchema).default([]),
  Object: z.array(mispObjectSchema).default([]),
  Galaxy: z.array(mispGalaxySchema).default([]),
  Sighting: z.array(mispSightingSchema).optional(),
});

/** A MISP event. */
export type MispEvent = z.output<typeof mispEventSchema>;
/** A MISP event as accepted on input. */
export type MispEventInput = z.input<typeof mispEventSchema>;
/** A MISP attribute. */
export type MispAttribute = z.output<typeof mispAttributeSchema>;
/** A MISP object. */
export type MispObject = z.output<typeof mispObjectSchema>;
/** A MISP sighting. */
export type MispSighting = z.output<typeof mispSightingSchema>;

/** One entry of a MISP feed's `manifest.json` (keyed by event uuid). */
export const mispManifestEntrySchema = z.looseObject({
  info: z.string().optional(),
  timestamp: numberish,
  date: z.string().optional(),
  Tag: z.array(mispTagSchema).optional(),
  Orgc: z.looseObject({ name: z.string().optional(), uuid: z.string().optional() }).optional(),
});
/** One entry of a MISP feed manifest. */
export type MispManifestEntry = z.output<typeof mispManifestEntrySchema>;
