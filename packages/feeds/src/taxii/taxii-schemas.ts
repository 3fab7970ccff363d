import { z } from 'zod';

// TAXII 2.1 §4.1.1: discovery resource.
/** The TAXII 2.1 discovery resource (§4.1.1). */
export const discoverySchema = z.looseObject({
  /** Human-readable server name. */
  title: z.string(),
  description: z.string().optional(),
  contact: z.string().optional(),
  /** The default API root's URL. */
  default: z.string().optional(),
  /** URLs of every API root this client may see. */
  api_roots: z.array(z.string()).optional(),
});
/** The TAXII 2.1 discovery resource. */
export type Discovery = z.output<typeof discoverySchema>;

/** The TAXII 2.1 API root resource (§4.2.1). */
export const apiRootSchema = z.looseObject({
  title: z.string(),
  description: z.string().optional(),
  /** TAXII media types the API root supports, e.g. `application/taxii+json;version=2.1`. */
  versions: z.array(z.string()),
  /** Largest request body the API root accepts, in bytes. */
  max_content_length: z.number(),
});
/** The TAXII 2.1 API root resource. */
export type ApiRoot = z.output<typeof apiRootSchema>;

/** A TAXII 2.1 collection resource (§5.2.1). */
export const collectionSchema = z.looseObject({
  id: z.string(),
  title: z.string(),
  description: z.string().optional(),
  alias: z.string().optional(),
  can_read: z.boolean(),
  can_write: z.boolean(),
  media_types: z.array(z.string()).optional(),
});
/** A TAXII 2.1 collection resource. */
export type Collection = z.output<typeof collectionSchema>;

/** The TAXII 2.1 collections resource (§5.1.1). */
export const collectionsSchema = z.looseObject({
  collections: z.array(collectionSchema).optional(),
});

const statusDetailSchema = z.looseObject({
  id: z.string(),
  version: z.string(),
  message: z.string().optional(),
});
/** One entry of a status resource's successes/failures/pendings. */
export type StatusDetail = z.output<typeof statusDetailSchema>;

/**
 * The TAXII 2.1 status resource (§4.3.1). Some servers (medallion among them) have sent
 * `total_objects` for `total_count`; it is accepted as an alias.
 */
export const statusSchema = z.preprocess(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    !('total_count' in value) &&
    typeof (value as { total_objects?: unknown }).total_objects === 'number'
      ? { ...value, total_count: (value as { total_objects: number }).total_objects }
      : value,
  z.looseObject({
    id: z.string(),
    status: z.enum(['pending', 'complete']),
    request_timestamp: z.string().optional(),
    total_count: z.number(),
    success_count: z.number(),
    successes: z.array(statusDetailSchema).optional(),
    failure_count: z.number(),
    failures: z.array(statusDetailSchema).optional(),
    pending_count: z.number(),
    pendings: z.array(statusDetailSchema).optional(),
  }),
);
/** The TAXII 2.1 status resource. */
export type TaxiiStatus = z.output<typeof statusSchema>;

/** One record of a TAXII 2.1 manifest (§5.7.1). */
export const manifestRecordSchema = z.looseObject({
  id: z.string(),
  date_added: z.string(),
  version: z.string(),
  media_type: z.string().optional(),
});
/** One record of a TAXII 2.1 manifest. */
export type ManifestRecord = z.output<typeof manifestRecordSchema>;

/** The TAXII 2.1 manifest resource (§5.7.1). */
export const manifestSchema = z.looseObject({
  more: z.boolean().optional(),
  objects: z.array(manifestRecordSchema).optional(),
});

/** The TAXII 2.1 versions resource (§5.9.1). */
export const versionsSchema = z.looseObject({
  more: z.boolean().optional(),
  versions: z.array(z.string()).optional(),
});
