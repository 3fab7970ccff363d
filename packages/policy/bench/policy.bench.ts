// Benchmarks for @intelshare/policy: object decisions per second with a precompiled
// agreement, and projecting a generated 100k-object bundle for 10 recipients compared
// with JSON.parse + JSON.stringify of the same bundle.
import { runBenchSuite } from '@intelshare/bench';
import {
  compileAgreement,
  createEvaluator,
  parseAgreement,
  project,
  type Recipient,
} from '../src/index';
import { generateBundle, hex, PROVIDER } from './generate-bundle';

const NOW = '2026-03-01T00:00:00.000Z';
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
