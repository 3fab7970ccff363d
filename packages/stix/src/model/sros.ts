import type { ValidationContext } from '../validate/context';
import { extensionsProp, sdoCommon, timestampOrder } from './common';
import { defineStixType } from './define-type';
import { bool, identifierTypeLength, int, ref, refs, req, str, timestamp } from './props';
import { isSuggestedRelationship, suggestedRelationships } from './relationship-suggestions';

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

/** The STIX 2.1 SDO type names (STIX 2.1 §4). */
const SDO_TYPES = [
  'attack-pattern',
  'campaign',
  'course-of-action',
  'grouping',
  'identity',
  'incident',
  'indicator',
  'infrastructure',
  'intrusion-set',
  'location',
  'malware',
  'malware-analysis',
  'note',
  'observed-data',
  'opinion',
  'report',
  'threat-actor',
  'tool',
  'vulnerability',
] as const;

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
  const sourceLength = identifierTypeLength(source);
  const targetLength = identifierTypeLength(target);
  if (sourceLength < 0 || targetLength < 0) return;
  const sourceType = source.slice(0, sourceLength);
  const targetType = target.slice(0, targetLength);
  if (isSuggestedRelationship(sourceType, type, targetType) !== false) return;
  // Only spec types get here (others are not judged) and relationship types are bounded
  // in length, so the key space is small; the message is built once per triple.
  const key = `${sourceType} ${type} ${targetType}`;
  let message = unsuggestedMessages.get(key);
  if (message === undefined) {
    const list = suggestedRelationships(sourceType, targetType)
      .map((name) => `\`${name}\``)
      .join(', ');
    message = `\`${type}\` is not a relationship STIX 2.1 suggests from \`${sourceType}\` to \`${targetType}\` (§4, Appendix B); suggested: ${list}.`;
    if (unsuggestedMessages.size < 4096) unsuggestedMessages.set(key, message);
  }
  ctx.warn('UNSUGGESTED_RELATIONSHIP', path, 'relationship_type', message);
}

const unsuggestedMessages = new Map<string, string>();

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
