import type { ValidationContext } from '../validate/context';
import { extensionsProp, sdoCommon, timestampOrder } from './common';
import { defineStixType } from './define-type';
import { bool, int, ref, refs, req, str, timestamp, truncate } from './props';
import { unsuggestedRelationshipMessage } from './relationship-suggestions';
import { SDO_TYPE_NAMES } from './type-names';

// STIX 2.1 §5: STIX Relationship Objects.

/** Types a relationship or sighting may never point at (STIX 2.1 §5.1: SDOs and SCOs only). */
export const NOT_RELATABLE = [
  'relationship',
  'sighting',
  'marking-definition',
  'language-content',
  'extension-definition',
  'bundle',
] as const;

const SDO_TYPES = SDO_TYPE_NAMES;

const RELATIONSHIP_TYPE_RE = /^[a-z0-9-]{3,250}$/;

/** STIX 2.1 §5.1 Relationship. */
export const relationshipType = defineStixType(
  'relationship',
  'sro',
  {
    ...sdoCommon(),
    extensions: extensionsProp(),
    relationship_type: req(str()),
    description: str(),
    source_ref: req(ref(undefined, { not: NOT_RELATABLE })),
    target_ref: req(ref(undefined, { not: NOT_RELATABLE })),
    start_time: timestamp(),
    stop_time: timestamp(),
  },
  [
    timestampOrder('created', 'modified', false),
    // STIX 2.1 §5.1: stop_time MUST be later than start_time.
    timestampOrder('start_time', 'stop_time', true),
    (o, ctx, path) => {
      // STIX 2.1 §3.1: relationship types use lowercase a-z, 0-9 and hyphens.
      if (
        typeof o.relationship_type === 'string' &&
        !RELATIONSHIP_TYPE_RE.test(o.relationship_type)
      )
        ctx.fail(
          'INVALID_VALUE',
          path,
          'relationship_type',
          '`relationship_type` must be 3-250 characters of a-z, 0-9 and `-`.',
        );
      else suggestedRelationshipRule(o, ctx, path);
    },
  ],
);

/**
 * STIX 2.1 §5.1, §4 and Appendix B: each SDO lists the relationships it suggests; others
 * are allowed but less interoperable, so they are a warning that lists the suggestions.
 */
function suggestedRelationshipRule(
  o: Record<string, unknown>,
  ctx: ValidationContext,
  path: string,
): void {
  const { relationship_type: type, source_ref: source, target_ref: target } = o;
  if (typeof type !== 'string' || typeof source !== 'string' || typeof target !== 'string') return;
  // The refs were checked as identifiers already; only their type prefix is needed here.
  const sourceType = typePrefix(source);
  const targetType = typePrefix(target);
  if (sourceType === undefined || targetType === undefined) return;
  const message = unsuggestedRelationshipMessage(sourceType, type, targetType, truncate(type));
  if (message !== undefined)
    ctx.warn('UNSUGGESTED_RELATIONSHIP', path, 'relationship_type', message);
}

/** `type` of a `type--UUID` identifier (the UUID is 36 characters after `--`). */
function typePrefix(id: string): string | undefined {
  const end = id.length - 38;
  if (end < 3 || id.charCodeAt(end) !== 45 || id.charCodeAt(end + 1) !== 45) return undefined;
  return id.slice(0, end);
}

/** STIX 2.1 §5.2 Sighting. */
export const sightingType = defineStixType(
  'sighting',
  'sro',
  {
    ...sdoCommon(),
    extensions: extensionsProp(),
    description: str(),
    first_seen: timestamp(),
    last_seen: timestamp(),
    count: int(0, 999_999_999),
    // STIX 2.1 §5.2: a sighting is of an SDO (custom SDO types count with `allowCustom`).
    sighting_of_ref: req(ref(SDO_TYPES, { custom: true })),
    observed_data_refs: refs(['observed-data']),
    where_sighted_refs: refs(['identity', 'location']),
    summary: bool(),
  },
  [timestampOrder('created', 'modified', false), timestampOrder('first_seen', 'last_seen', false)],
);
