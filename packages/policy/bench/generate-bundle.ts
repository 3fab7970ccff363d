// A deterministic bundle shaped like a real feed, shared by the policy benchmarks.
import { PAP_MARKING_IDS, TLP1_MARKING_IDS, TLP2_MARKING_IDS } from '../src/index';

export const PROVIDER = 'identity--8ce3f695-d5a4-4dc8-9e93-a65af453a31a';
export const hex = (n: number) => n.toString(16).padStart(12, '0');
const MARKINGS = [
  [TLP2_MARKING_IDS['TLP:CLEAR']],
  [TLP2_MARKING_IDS['TLP:GREEN']],
  [TLP2_MARKING_IDS['TLP:GREEN'], PAP_MARKING_IDS['PAP:GREEN']],
  [TLP2_MARKING_IDS['TLP:AMBER']],
  [TLP2_MARKING_IDS['TLP:AMBER+STRICT']],
  [TLP1_MARKING_IDS['TLP:GREEN']],
  [TLP2_MARKING_IDS['TLP:RED']],
];

/** A deterministic bundle shaped like a real feed: indicators, malware, identities, relationships, sightings. */
export function generateBundle(size: number): {
  type: 'bundle';
  id: string;
  objects: Record<string, unknown>[];
} {
  const objects: Record<string, unknown>[] = [];
  const t = '2026-02-01T00:00:00.000Z';
  const identities = Math.max(10, Math.floor(size / 50));
  for (let i = 0; objects.length < identities; i++) {
    objects.push({
      type: 'identity',
      spec_version: '2.1',
      id: `identity--00000000-0000-4000-8000-${hex(i)}`,
      created: t,
      modified: t,
      name: `Org ${i}`,
      identity_class: 'organization',
      sectors: ['financial-services'],
      object_marking_refs: MARKINGS[i % 2],
    });
  }
  let n = 0;
  while (objects.length < size) {
    const k = n++;
    const kind = k % 10;
    const id = hex(k + 1_000_000);
    const markings = MARKINGS[k % MARKINGS.length];
    if (kind < 6) {
      objects.push({
        type: 'indicator',
        spec_version: '2.1',
        id: `indicator--10000000-0000-4000-8000-${id}`,
        created: t,
        modified: t,
        created_by_ref:
          k % 3 === 0 ? PROVIDER : `identity--00000000-0000-4000-8000-${hex(k % identities)}`,
        name: `Indicator ${k}`,
        description: `Seen in campaign ${k % 97}`,
        indicator_types: ['malicious-activity'],
        pattern: `[ipv4-addr:value = '198.51.${(k >> 8) & 255}.${k & 255}']`,
        pattern_type: 'stix',
        valid_from: t,
        labels: ['c2'],
        confidence: 70,
        object_marking_refs: markings,
        ...(k % 7 === 0 ? { x_vendor_customer: `Customer ${k % 13}` } : {}),
        ...(k % 11 === 0
          ? {
              granular_markings: [
                { marking_ref: TLP2_MARKING_IDS['TLP:RED'], selectors: ['description'] },
              ],
            }
          : {}),
      });
    } else if (kind === 6) {
      objects.push({
        type: 'malware',
        spec_version: '2.1',
        id: `malware--20000000-0000-4000-8000-${id}`,
        created: t,
        modified: t,
        name: `Family ${k % 500}`,
        is_family: true,
        malware_types: ['trojan'],
        object_marking_refs: markings,
      });
    } else if (kind === 7 || kind === 8) {
      objects.push({
        type: 'relationship',
        spec_version: '2.1',
        id: `relationship--30000000-0000-4000-8000-${id}`,
        created: t,
        modified: t,
        relationship_type: 'indicates',
        source_ref: `indicator--10000000-0000-4000-8000-${hex(k - 1 - (k % 10) + 1_000_000)}`,
        target_ref: `malware--20000000-0000-4000-8000-${hex(k - (k % 10) - 4 + 1_000_000)}`,
        object_marking_refs: markings,
      });
    } else {
      objects.push({
        type: 'sighting',
        spec_version: '2.1',
        id: `sighting--40000000-0000-4000-8000-${id}`,
        created: t,
        modified: t,
        sighting_of_ref: `indicator--10000000-0000-4000-8000-${hex(k - 9 + 1_000_000)}`,
        where_sighted_refs: [`identity--00000000-0000-4000-8000-${hex(k % identities)}`],
        count: 1,
        object_marking_refs: markings,
      });
    }
  }
  return { type: 'bundle', id: 'bundle--00000000-0000-4000-8000-000000000000', objects };
}
