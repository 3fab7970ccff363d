// The type names STIX 2.1 defines, in one place for every check that needs the list.

/**
 * The 19 STIX Domain Object type names of STIX 2.1 (§4), in the specification's order.
 *
 * @example
 * ```ts
 * import { SDO_TYPE_NAMES } from '@intelshare/stix';
 *
 * const isSdo = (type: string) => (SDO_TYPE_NAMES as readonly string[]).includes(type);
 * isSdo('malware'); // true
 * ```
 * @see /stix/modelling/
 */
export const SDO_TYPE_NAMES = [
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

/**
 * The 18 STIX Cyber-observable Object type names of STIX 2.1 (§6), in the specification's order.
 *
 * @example
 * ```ts
 * import { SCO_TYPE_NAMES } from '@intelshare/stix';
 *
 * const scoTypes: ReadonlySet<string> = new Set(SCO_TYPE_NAMES);
 * scoTypes.has('ipv4-addr'); // true
 * ```
 * @see /stix/modelling/
 */
export const SCO_TYPE_NAMES = [
  'artifact',
  'autonomous-system',
  'directory',
  'domain-name',
  'email-addr',
  'email-message',
  'file',
  'ipv4-addr',
  'ipv6-addr',
  'mac-addr',
  'mutex',
  'network-traffic',
  'process',
  'software',
  'url',
  'user-account',
  'windows-registry-key',
  'x509-certificate',
] as const;
