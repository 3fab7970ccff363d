// Generated objects for the policy view benchmark: what a partner view has to decide about
// at scale. In every 10 objects: 7 indicators (TLP:GREEN; one in 7 TLP:AMBER, withheld
// from a GREEN partner; one in 5 with a TLP:RED description, redacted, half of those
// created by a third party and so re-identified), one `indicates` relationship, one
// sighting, one malware. Every 10,000th object is a victim identity, named by a `targets`
// relationship; object 2 is the third-party creator. Ids derive from the sequence number.
import type { NewObject } from '../../src/index';
import { versionKey } from '../../src/time/timestamps';

export const BENCH_PROVIDER = 'identity--8ce3f695-d5a4-4dc8-9e93-a65af453a31a';
export const BENCH_PARTNER = 'identity--03e23f6c-0ac9-4b47-9c84-f718132adb21';
const GREEN = 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb';
const AMBER = 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421';
const RED = 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1';
const T = '2024-01-01T00:00:00.000Z';

type Kind = 'victim' | 'targets' | 'creator' | 'indicator' | 'indicates' | 'sighting' | 'malware';

function kindOf(n: number): Kind {
  if (n === 2) return 'creator';
  if (n % 10_000 === 0) return 'victim';
  if (n % 10_000 === 1) return 'targets';
  const slot = n % 10;
  if (slot === 9) return 'malware';
  if (slot === 8) return 'sighting';
  if (slot === 7) return 'indicates';
  return 'indicator';
}

const TYPE: Record<Kind, string> = {
  victim: 'identity',
  creator: 'identity',
  targets: 'relationship',
  indicates: 'relationship',
  sighting: 'sighting',
  malware: 'malware',
  indicator: 'indicator',
};

/** The id of the `n`th object. */
export function policyObjectId(n: number): string {
  return `${TYPE[kindOf(n)]}--${(n >>> 16).toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

/** The `n`th object as parsed STIX. */
export function policyObjectBody(n: number): Record<string, unknown> {
  const kind = kindOf(n);
  const base = {
    type: TYPE[kind],
    spec_version: '2.1',
    id: policyObjectId(n),
    created: T,
    modified: T,
  };
  const block = n - (n % 10);
  const victim = n - (n % 10_000);
  switch (kind) {
    case 'creator':
      return { ...base, name: 'Third-party vendor', identity_class: 'organization' };
    case 'victim':
      return {
        ...base,
        name: `Hospital ${n}`,
        identity_class: 'organization',
        sectors: ['healthcare'],
        contact_information: `soc-${n}@hospital.example`,
      };
    case 'targets':
      return {
        ...base,
        created_by_ref: BENCH_PROVIDER,
        relationship_type: 'targets',
        source_ref: policyObjectId(block + 9),
        target_ref: policyObjectId(victim),
        object_marking_refs: [GREEN],
      };
    case 'malware':
      return {
        ...base,
        created_by_ref: BENCH_PROVIDER,
        name: `Malware family ${n}`,
        is_family: true,
        malware_types: ['ransomware'],
        object_marking_refs: [GREEN],
      };
    case 'indicates':
      return {
        ...base,
        created_by_ref: BENCH_PROVIDER,
        relationship_type: 'indicates',
        source_ref: policyObjectId(block + 3),
        target_ref: policyObjectId(block + 9),
        object_marking_refs: [GREEN],
      };
    case 'sighting':
      return {
        ...base,
        created_by_ref: BENCH_PROVIDER,
        sighting_of_ref: policyObjectId(block + 4),
        where_sighted_refs: [policyObjectId(victim)],
        count: 3,
        object_marking_refs: [GREEN],
      };
    case 'indicator': {
      const amber = n % 7 === 0;
      const redacted = n % 5 === 0;
      return {
        ...base,
        created_by_ref: redacted && n % 2 === 0 ? policyObjectId(2) : BENCH_PROVIDER,
        name: `C2 address ${n}`,
        description: `Seen in the traffic of case ${n}`,
        indicator_types: ['malicious-activity'],
        pattern: `[ipv4-addr:value = '10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}']`,
        pattern_type: 'stix',
        valid_from: '2024-01-01T00:00:00Z',
        object_marking_refs: [amber ? AMBER : GREEN],
        ...(redacted
          ? { granular_markings: [{ marking_ref: RED, selectors: ['description'] }] }
          : {}),
      };
    }
  }
}

/** The `n`th object as the handler would hand it to a storage. */
export function policyObject(n: number): NewObject {
  const body = policyObjectBody(n);
  return {
    id: String(body.id),
    type: String(body.type),
    specVersion: '2.1',
    version: T,
    versionKey: versionKey(T)!,
    body: JSON.stringify(body),
  };
}

/** The partner's agreement: TLP:GREEN at most, victims generalised. */
export const BENCH_AGREEMENT = {
  id: 'bench-mou',
  version: '1',
  title: 'Benchmark MoU',
  effective: { from: '2024-01-01T00:00:00Z' },
  purposes: ['detection'],
  parties: [
    { identity: BENCH_PROVIDER, name: 'CERT', role: 'provider' },
    { identity: BENCH_PARTNER, name: 'Partner', role: 'recipient' },
  ],
  recipients: [{ match: { identities: [BENCH_PARTNER] }, maxTlp: 'green' }],
  victimProtection: { identities: 'generalise' },
};
