import { SCO_TYPE_NAMES } from '@intelshare/stix';

// Properties that must survive any redaction: if a rule would remove one, the object is
// withheld instead (a STIX object without its required properties is invalid).
// STIX 2.1 §3.2 (common), §4–§6 (per type "Required" properties).
const COMMON_REQUIRED = ['type', 'id', 'spec_version', 'created', 'modified'];

// A Map, not an object literal: `type` comes from input, and `constructor` or `__proto__`
// must not find `Object.prototype`'s members.
const TYPE_REQUIRED: ReadonlyMap<string, readonly string[]> = new Map(
  Object.entries({
    'attack-pattern': ['name'],
    campaign: ['name'],
    'course-of-action': ['name'],
    grouping: ['context', 'object_refs'],
    identity: ['name'],
    incident: ['name'],
    indicator: ['pattern', 'pattern_type', 'valid_from'],
    infrastructure: ['name'],
    'intrusion-set': ['name'],
    malware: ['is_family'],
    'malware-analysis': ['product'],
    note: ['content', 'object_refs'],
    'observed-data': ['first_observed', 'last_observed', 'number_observed'],
    opinion: ['opinion', 'object_refs'],
    report: ['name', 'published', 'object_refs'],
    'threat-actor': ['name'],
    tool: ['name'],
    vulnerability: ['name'],
    relationship: ['relationship_type', 'source_ref', 'target_ref'],
    sighting: ['sighting_of_ref'],
    'marking-definition': [],
    'extension-definition': ['name', 'schema', 'version', 'extension_types', 'created_by_ref'],
    'language-content': ['object_ref', 'object_modified', 'contents'],
    'autonomous-system': ['number'],
    directory: ['path'],
    'domain-name': ['value'],
    'email-addr': ['value'],
    'ipv4-addr': ['value'],
    'ipv6-addr': ['value'],
    'mac-addr': ['value'],
    mutex: ['name'],
    url: ['value'],
    'user-account': [],
    'windows-registry-key': [],
    'x509-certificate': [],
    artifact: [],
    'email-message': ['is_multipart'],
    file: [],
    'network-traffic': ['protocols'],
    process: [],
    software: ['name'],
    location: [],
  }),
);

const SCO_TYPES: ReadonlySet<string> = new Set(SCO_TYPE_NAMES);

const requiredCache = new Map<string, ReadonlySet<string>>();

/** The properties an object of this type cannot lose. */
export function requiredProperties(type: string): ReadonlySet<string> {
  let set = requiredCache.get(type);
  if (!set) {
    // SCOs have no `created`/`modified` (STIX 2.1 §6.1).
    const common = SCO_TYPES.has(type) ? ['type', 'id', 'spec_version'] : COMMON_REQUIRED;
    set = new Set([...common, ...(TYPE_REQUIRED.get(type) ?? [])]);
    // Types come from input: cache only the ones STIX defines, so the cache stays bounded.
    if (TYPE_REQUIRED.has(type)) requiredCache.set(type, set);
  }
  return set;
}

/** Whether a type is one STIX 2.1 defines (SDO, SRO, SCO or meta object), not a custom one. */
export function isStixDefinedType(type: string): boolean {
  return TYPE_REQUIRED.has(type);
}

/** Whether a type is a STIX Cyber-observable Object (no `modified`, versioned by id). */
export function isScoType(type: string): boolean {
  return SCO_TYPES.has(type);
}

/** Reference properties whose target must be kept, or the object is withheld. */
export function isRequiredRef(type: string, property: string): boolean {
  if (type === 'relationship') return property === 'source_ref' || property === 'target_ref';
  if (type === 'sighting') return property === 'sighting_of_ref';
  if (type === 'language-content') return property === 'object_ref';
  return false;
}

/** List-of-reference properties that must stay non-empty, or the object is withheld. */
export function isRequiredRefList(type: string, property: string): boolean {
  return (
    property === 'object_refs' &&
    (type === 'report' ||
      type === 'grouping' ||
      type === 'note' ||
      type === 'opinion' ||
      type === 'observed-data')
  );
}

/**
 * Properties required only in some objects: a malware family's `name` (STIX 2.1 §4.11:
 * required when `is_family` is true) and observed-data's `objects`/`object_refs` (§4.13:
 * one of the two must be present). Removing one withholds the object.
 */
export function isConditionallyRequired(
  type: string,
  object: Readonly<Record<string, unknown>>,
  property: string,
): boolean {
  if (type === 'malware') return property === 'name' && object.is_family === true;
  if (type === 'observed-data') {
    if (property === 'objects') return !Object.hasOwn(object, 'object_refs');
    if (property === 'object_refs') return !Object.hasOwn(object, 'objects');
  }
  return false;
}

/** Whether losing this top-level property makes the object invalid STIX. */
export function cannotLose(
  type: string,
  object: Readonly<Record<string, unknown>>,
  property: string,
): boolean {
  return (
    requiredProperties(type).has(property) ||
    isRequiredRef(type, property) ||
    isConditionallyRequired(type, object, property)
  );
}
