// Benchmarks for @intelshare/policy: object decisions per second with a precompiled
// agreement, and projecting a generated 100k-object bundle for 10 recipients compared
// with JSON.parse + JSON.stringify of the same bundle.
import { runBenchSuite } from '@intelshare/bench';
import {
  compileAgreement,
  createEvaluator,
  PAP_MARKING_IDS,
  parseAgreement,
  project,
  type Recipient,
  TLP1_MARKING_IDS,
  TLP2_MARKING_IDS,
} from '../src/index';

const NOW = '2026-03-01T00:00:00.000Z';
const PROVIDER = 'identity--8ce3f695-d5a4-4dc8-9e93-a65af453a31a';
const hex = (n: number) => n.toString(16).padStart(12, '0');
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
function generateBundle(size: number): {
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

const partners = Array.from(
  { length: 10 },
  (_, i) => `identity--50000000-0000-4000-8000-${hex(i)}`,
);
const agreement = compileAgreement(
  parseAgreement({
    id: 'bench-isac',
    version: '1',
    title: 'Benchmark ISAC agreement',
    effective: { from: '2026-01-01T00:00:00Z' },
    purposes: ['detection'],
    communities: ['members'],
    parties: [
      { identity: PROVIDER, name: 'ISAC', role: 'provider' },
      ...partners.map((identity, i) => ({
        identity,
        name: `Member ${i}`,
        role: 'recipient' as const,
      })),
    ],
    recipients: [
      { name: 'Members', match: { communities: ['members'] }, maxTlp: 'amber', maxPap: 'amber' },
      {
        name: 'Core members',
        match: { identities: partners.slice(0, 3) },
        maxTlp: 'red',
        namedIndividuals: ['alice', 'bob'],
      },
    ],
    unmarkedTlp: 'amber',
    properties: { deny: ['indicator.confidence'] },
    victimProtection: {
      identities: 'generalise',
      internalReferences: { sourceNames: ['tickets'] },
    },
  }),
);
const recipients: Recipient[] = partners.map((identity, i) => ({
  identity,
  communities: ['members'],
  ...(i < 3 ? { individuals: ['alice'] } : {}),
}));

// Decisions per second.
const DECISIONS = 200_000;
const sample = generateBundle(DECISIONS).objects;
const evaluator = createEvaluator(agreement, recipients[5]!, { now: NOW });
let sink = 0;
// `POLICY_BENCH=decisions` or `=projection` runs one suite only (both by default).
const only = process.env.POLICY_BENCH;
if (only !== 'projection')
  await runBenchSuite({
    name: 'policy-decisions',
    description: `evaluate ${DECISIONS} objects with a precompiled agreement (one recipient)`,
    baseline: {
      name: 'read type + markings of each object (floor)',
      items: DECISIONS,
      run: () => {
        for (const object of sample)
          sink +=
            (object.type as string).length +
            ((object.object_marking_refs as unknown[] | undefined)?.length ?? 0);
      },
    },
    cases: [
      {
        name: 'createEvaluator: decision per object',
        items: DECISIONS,
        run: () => {
          for (const object of sample) if (evaluator(object).action === 'share') sink++;
        },
      },
    ],
    iterations: 5,
    time: 1500,
    extra: { targetDecisionsPerSecond: 1_000_000 },
  });

// Projection of a 100k-object bundle.
const SIZE = 100_000;
const text = only === 'decisions' ? '' : JSON.stringify(generateBundle(SIZE));
const parsed =
  only === 'decisions' ? { objects: [] } : (JSON.parse(text) as { objects: unknown[] });
if (only !== 'decisions')
  await runBenchSuite({
    name: 'policy-projection',
    description: `project a generated ${SIZE}-object bundle (${(text.length / 1e6).toFixed(1)} MB) for recipients`,
    baseline: {
      name: 'JSON.parse + JSON.stringify (same bundle)',
      bytes: text.length,
      items: SIZE,
      run: () => {
        sink += JSON.stringify(JSON.parse(text)).length;
      },
    },
    cases: [
      {
        name: 'project + stringify, 1 recipient (per-recipient cost)',
        bytes: text.length,
        items: SIZE,
        run: () => {
          sink += JSON.stringify(
            project(parsed, agreement, recipients[4]!, { now: NOW }).bundle,
          ).length;
        },
      },
      {
        name: 'parse once, project + stringify for 10 recipients',
        bytes: text.length * 10,
        items: SIZE * 10,
        run: () => {
          const input = JSON.parse(text);
          for (const recipient of recipients)
            sink += JSON.stringify(
              project(input, agreement, recipient, { now: NOW }).bundle,
            ).length;
        },
      },
    ],
    iterations: 3,
    time: 500,
    extra: {
      objects: SIZE,
      bytes: text.length,
      recipients: recipients.length,
      target: 'per-recipient projection ≤ 3× parse+stringify (ratio ≥ 0.33)',
    },
  });
if (sink === -1) console.log(sink);
