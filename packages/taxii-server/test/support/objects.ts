import type { NewObject } from '../../src/index';
import { versionKey } from '../../src/time/timestamps';

/** A deterministic UUID-shaped suffix from a number. */
export function uuidFor(n: number, salt = 0): string {
  const hex = n.toString(16).padStart(12, '0');
  return `${salt.toString(16).padStart(8, '0')}-0000-4000-8000-${hex}`;
}

/** A STIX 2.1 indicator as a plain object. */
export function indicator(n: number, modified = '2024-01-01T00:00:00.000Z', salt = 0) {
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--${uuidFor(n, salt)}`,
    created: '2024-01-01T00:00:00.000Z',
    modified,
    name: `Indicator ${n}`,
    pattern: `[ipv4-addr:value = '10.0.${(n >> 8) & 255}.${n & 255}']`,
    pattern_type: 'stix',
    valid_from: '2024-01-01T00:00:00Z',
  };
}

/** A STIX 2.1 malware object. */
export function malware(n: number, salt = 0) {
  return {
    type: 'malware',
    spec_version: '2.1',
    id: `malware--${uuidFor(n, salt)}`,
    created: '2024-02-01T00:00:00Z',
    modified: '2024-02-01T00:00:00Z',
    name: `Malware ${n}`,
    is_family: true,
  };
}

/** Converts a STIX object to what a storage takes (as the handler would). */
export function toNew(o: {
  id: string;
  type: string;
  modified?: string;
  created?: string;
}): NewObject {
  const version = o.modified ?? o.created ?? null;
  return {
    id: o.id,
    type: o.type,
    specVersion: '2.1',
    version,
    versionKey: version ? versionKey(version)! : '',
    body: JSON.stringify(o),
  };
}
