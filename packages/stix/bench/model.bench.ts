// Parse + validate throughput of parseStix against plain JSON.parse of the same bytes, on
// both ATT&CK 2.1 bundles and a generated 100k-object bundle. Target: >= 0.3x (issue #3),
// raised to >= 0.4x with the value checks of STIX 2.1 Parts 3-7 (issue #15).
import { runBenchSuite } from '@intelshare/bench';
import { readFixture } from '@intelshare/fixtures';
import { parseStix } from '../src/index';
import { STIX_TYPES } from '../src/model/schemas';
import { StixGenerator } from '../test/support/generate-bundle';

const TARGET = 0.4;

/**
 * The machine is shared, so wall-clock ratios swing with other load. This ratio alternates
 * JSON.parse and parseStix runs and compares the CPU time each consumed, which contention
 * barely affects; it is recorded beside the tinybench table.
 */
function interleavedCpuRatio(
  baseline: () => unknown,
  candidate: () => unknown,
  rounds: number,
): number {
  let base = 0;
  let cand = 0;
  for (let i = 0; i < rounds; i++) {
    let start = process.cpuUsage();
    baseline();
    let used = process.cpuUsage(start);
    base += used.user + used.system;
    start = process.cpuUsage();
    candidate();
    used = process.cpuUsage(start);
    cand += used.user + used.system;
  }
  return Number((base / cand).toFixed(3));
}

for (const file of [
  'attack/attack-stix-data/ics-attack-18.1.json',
  'attack/attack-stix-data/mobile-attack-17.1.json',
]) {
  const text = readFixture(file);
  const bytes = Buffer.byteLength(text);
  const items = (JSON.parse(text) as { objects: unknown[] }).objects.length;
  const name = file.includes('ics') ? 'stix-model-attack-ics' : 'stix-model-attack-mobile';
  await runBenchSuite({
    name,
    description: `parseStix (strict, allowCustom) on ${file}`,
    baseline: { name: 'JSON.parse', run: () => JSON.parse(text), bytes, items },
    cases: [
      { name: 'parseStix', run: () => parseStix(text, { allowCustom: true }), bytes, items },
      {
        // Why the hand-written validator exists: zod safeParse of every typed object.
        name: 'JSON.parse + zod safeParse per object',
        run: () => {
          for (const object of (JSON.parse(text) as { objects: { type: string }[] }).objects)
            STIX_TYPES.get(object.type)?.schema.safeParse(object);
        },
        bytes,
        items,
      },
    ],
    time: 3000,
    extra: {
      file,
      bytes,
      objects: items,
      targetRatio: TARGET,
      cpuTimeRatioInterleaved: interleavedCpuRatio(
        () => JSON.parse(text),
        () => parseStix(text, { allowCustom: true }),
        20,
      ),
    },
  });
}

const COUNT = 100_000;
const generated = new StixGenerator(1).bundleText(COUNT);
const generatedBytes = Buffer.byteLength(generated);
const check = parseStix(generated);
if (!check.valid || check.objects.length !== COUNT)
  throw new Error('The generated bundle must be valid.');

await runBenchSuite({
  name: 'stix-model-generated-100k',
  description: `parseStix (strict) on a generated ${COUNT}-object bundle`,
  baseline: {
    name: 'JSON.parse',
    run: () => JSON.parse(generated),
    bytes: generatedBytes,
    items: COUNT,
  },
  cases: [
    { name: 'parseStix', run: () => parseStix(generated), bytes: generatedBytes, items: COUNT },
  ],
  iterations: 3,
  time: 500,
  extra: {
    objects: COUNT,
    bytes: generatedBytes,
    seed: 1,
    targetRatio: TARGET,
    cpuTimeRatioInterleaved: interleavedCpuRatio(
      () => JSON.parse(generated),
      () => parseStix(generated),
      // More rounds than for ATT&CK: each is long, and a shared machine swings single ones.
      8,
    ),
  },
});
