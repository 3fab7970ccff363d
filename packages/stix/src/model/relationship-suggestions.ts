import { SCO_TYPE_NAMES, SDO_TYPE_NAMES } from './type-names';

/**
 * The relationships STIX 2.1 suggests, from the "Relationships" table of each SDO (§4.1-§4.19)
 * and their summary in Appendix B. Any other `relationship_type` is allowed (§5.1: "other
 * relationship types MAY be used"), so one outside this table is only a warning. Keyed by
 * source type, then relationship type, to the target types; maps without prototypes, as
 * the keys come from input.
 */

/** §5.1: usable between any two objects. */
const COMMON = new Set(['derived-from', 'duplicate-of', 'related-to']);

const SCO_TYPES = SCO_TYPE_NAMES;

const SDO_TYPES = SDO_TYPE_NAMES;

const NETWORK_TARGETS = ['ipv4-addr', 'ipv6-addr', 'domain-name', 'url'];
const TARGETED = ['identity', 'location', 'vulnerability'];
const USED = ['attack-pattern', 'infrastructure', 'malware', 'tool'];

const TABLE: Record<string, Record<string, readonly string[]>> = {
  'attack-pattern': {
    delivers: ['malware'],
    targets: TARGETED,
    uses: ['malware', 'tool'],
  },
  campaign: {
    'attributed-to': ['intrusion-set', 'threat-actor'],
    compromises: ['infrastructure'],
    'originates-from': ['location'],
    targets: TARGETED,
    uses: USED,
  },
  'course-of-action': {
    investigates: ['indicator'],
    mitigates: ['attack-pattern', 'indicator', 'malware', 'tool', 'vulnerability'],
    remediates: ['malware', 'vulnerability'],
  },
  identity: { 'located-at': ['location'] },
  indicator: {
    indicates: [
      'attack-pattern',
      'campaign',
      'infrastructure',
      'intrusion-set',
      'malware',
      'threat-actor',
      'tool',
    ],
    'based-on': ['observed-data'],
  },
  infrastructure: {
    'communicates-with': ['infrastructure', ...NETWORK_TARGETS],
    'consists-of': ['infrastructure', 'observed-data', ...SCO_TYPES],
    controls: ['infrastructure', 'malware'],
    delivers: ['malware'],
    has: ['vulnerability'],
    hosts: ['tool', 'malware'],
    'located-at': ['location'],
    uses: ['infrastructure'],
  },
  'intrusion-set': {
    'attributed-to': ['threat-actor'],
    compromises: ['infrastructure'],
    hosts: ['infrastructure'],
    owns: ['infrastructure'],
    'originates-from': ['location'],
    targets: TARGETED,
    uses: USED,
  },
  malware: {
    'authored-by': ['threat-actor', 'intrusion-set'],
    'beacons-to': ['infrastructure'],
    'exfiltrates-to': ['infrastructure'],
    'communicates-with': NETWORK_TARGETS,
    controls: ['malware'],
    downloads: ['malware', 'tool', 'file'],
    drops: ['malware', 'tool', 'file'],
    exploits: ['vulnerability'],
    'originates-from': ['location'],
    targets: ['identity', 'infrastructure', 'location', 'vulnerability'],
    uses: USED,
    'variant-of': ['malware'],
  },
  'malware-analysis': {
    characterizes: ['malware'],
    'analysis-of': ['malware'],
    'static-analysis-of': ['malware'],
    'dynamic-analysis-of': ['malware'],
  },
  'threat-actor': {
    'attributed-to': ['identity'],
    compromises: ['infrastructure'],
    hosts: ['infrastructure'],
    owns: ['infrastructure'],
    impersonates: ['identity'],
    'located-at': ['location'],
    targets: TARGETED,
    uses: USED,
  },
  tool: {
    delivers: ['malware'],
    drops: ['malware'],
    has: ['vulnerability'],
    targets: ['identity', 'infrastructure', 'location', 'vulnerability'],
    uses: ['infrastructure'],
  },
};

/** Spec type names by themselves: lookups return the module's own strings, never input. */
const SPEC_TYPES: ReadonlyMap<string, string> = new Map(
  [...SDO_TYPES, ...SCO_TYPES].map((type) => [type, type]),
);

const SUGGESTIONS: ReadonlyMap<string, ReadonlyMap<string, ReadonlySet<string>>> = new Map(
  Object.entries(TABLE).map(([source, byType]) => [
    source,
    new Map(Object.entries(byType).map(([type, targets]) => [type, new Set(targets)])),
  ]),
);

/** What is suggested from one spec type to another, and the end of the warning message. */
interface PairSuggestions {
  readonly types: ReadonlySet<string>;
  readonly messageTail: string;
}

// source → target → suggestions; keys are the module's own type strings (at most 37 × 37).
const pairs = new Map<string, Map<string, PairSuggestions>>();

function pairSuggestions(source: string, target: string): PairSuggestions {
  let byTarget = pairs.get(source);
  if (byTarget === undefined) {
    byTarget = new Map();
    pairs.set(source, byTarget);
  }
  let pair = byTarget.get(target);
  if (pair === undefined) {
    const types = suggestedRelationships(source, target);
    pair = {
      types: new Set(types),
      messageTail: ` is not a relationship STIX 2.1 suggests from \`${source}\` to \`${target}\` (§4, Appendix B); suggested: ${types.map((name) => `\`${name}\``).join(', ')}.`,
    };
    byTarget.set(target, pair);
  }
  return pair;
}

/**
 * Tells whether `relationshipType` from `source` to `target` is one the specification
 * suggests; `undefined` when either type is not a STIX 2.1 type (nothing is suggested for
 * custom types, so nothing is judged).
 */
export function isSuggestedRelationship(
  source: string,
  relationshipType: string,
  target: string,
): boolean | undefined {
  const s = SPEC_TYPES.get(source);
  const t = SPEC_TYPES.get(target);
  if (s === undefined || t === undefined) return undefined;
  return pairSuggestions(s, t).types.has(relationshipType);
}

/**
 * The warning message for `relationshipType` from `source` to `target` when the
 * specification does not suggest it (listing what it suggests), or undefined.
 */
export function unsuggestedRelationshipMessage(
  source: string,
  relationshipType: string,
  target: string,
  shown: string,
): string | undefined {
  const s = SPEC_TYPES.get(source);
  const t = SPEC_TYPES.get(target);
  if (s === undefined || t === undefined) return undefined;
  const pair = pairSuggestions(s, t);
  return pair.types.has(relationshipType) ? undefined : `\`${shown}\`${pair.messageTail}`;
}

/** The relationship types suggested from `source` to `target`, common ones included. */
export function suggestedRelationships(source: string, target: string): string[] {
  const out: string[] = [];
  const byType = SUGGESTIONS.get(source);
  if (byType) for (const [type, targets] of byType) if (targets.has(target)) out.push(type);
  return [...out, ...COMMON];
}
