import { displayName, patternFacts, tlpOf, versionOf } from '../object-facts';

/** The rows one object contributes to the catalogue, the same for every store. */
export interface CatalogRows {
  object: {
    id: string;
    type: string;
    version: string;
    tlp: string;
    name: string | null;
    revoked: number;
  };
  indicator?: {
    name: string;
    pattern: string;
    value: string;
    iocType: string;
    confidence: number | null;
    validFrom: string | null;
    validUntil: string | null;
  };
  relationship?: { relationshipType: string; sourceRef: string; targetRef: string };
  sighting?: {
    of: string;
    count: number | null;
    firstSeen: string | null;
    lastSeen: string | null;
    description: string | null;
  };
}

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** What the catalogue records of one (already stored, so valid) object: its searchable facts. */
export function catalogRows(object: Record<string, unknown>): CatalogRows {
  const id = object.id as string;
  const type = object.type as string;
  const rows: CatalogRows = {
    object: {
      id,
      type,
      version: versionOf(object),
      tlp: tlpOf(object),
      name: displayName(object) ?? null,
      revoked: object.revoked === true ? 1 : 0,
    },
  };
  if (type === 'indicator' && typeof object.pattern === 'string') {
    const facts = patternFacts(object.pattern);
    rows.indicator = {
      name: (str(object.name) ?? facts.value).slice(0, 1000),
      pattern: object.pattern.slice(0, 10_000),
      value: facts.value,
      iocType:
        object.pattern_type === 'stix' || object.pattern_type === undefined
          ? facts.iocType
          : String(object.pattern_type).slice(0, 50),
      confidence: typeof object.confidence === 'number' ? Math.trunc(object.confidence) : null,
      validFrom: str(object.valid_from),
      validUntil: str(object.valid_until),
    };
  } else if (type === 'relationship') {
    const sourceRef = str(object.source_ref);
    const targetRef = str(object.target_ref);
    if (sourceRef && targetRef)
      rows.relationship = {
        relationshipType: str(object.relationship_type) ?? 'related-to',
        sourceRef,
        targetRef,
      };
  } else if (type === 'sighting' && typeof object.sighting_of_ref === 'string') {
    rows.sighting = {
      of: object.sighting_of_ref,
      count: typeof object.count === 'number' ? Math.trunc(object.count) : null,
      firstSeen: str(object.first_seen),
      lastSeen: str(object.last_seen),
      description: str(object.description)?.slice(0, 2000) ?? null,
    };
  }
  return rows;
}

/** Empty buckets of the Overview chart, `buckets` of `bucketMs` ending at the bucket holding `now`. */
export function addedBuckets(
  bucketMs: number,
  buckets: number,
  now: number,
): { start: number; slots: { start: number; count: number }[] } {
  const end = Math.ceil(now / bucketMs) * bucketMs;
  const start = end - bucketMs * buckets;
  return {
    start,
    slots: Array.from({ length: buckets }, (_, i) => ({ start: start + i * bucketMs, count: 0 })),
  };
}
