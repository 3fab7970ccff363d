// The oracle property suite at scale (issue 13): random worlds (bundle × agreement ×
// recipient, a unique marker in every field) until at least 10⁶ object decisions, each
// projection checked against the independent oracle in `test/oracle/`. Reports object
// decisions per second and the number of violations, which must be 0 (the process exits
// non-zero otherwise). Baseline, in the same process: building the same worlds and
// reading them (serialise + strict `parseStix` of the input), without projecting, on the
// first batches; the ratio compares the check with it on those batches. Rows are per
// batch of worlds.
import { printTable, writeBenchResult } from '@intelshare/bench';
import { parseStix } from '@intelshare/stix';
import fc from 'fast-check';
import { checkWorld } from '../test/oracle/check-world';
import { buildWorld, type WorldSpec, worldArbitrary } from '../test/oracle/world';

const TARGET = Number(process.env.POLICY_ORACLE_DECISIONS ?? 1_000_000);
const SEED = Number(process.env.POLICY_ORACLE_SEED ?? 20261205);
const BATCH = 50;

const BASELINE_BATCHES = 4;

let decisions = 0;
let worlds = 0;
let skipped = 0;
const violations: { seed: number; index: number; violations: string[] }[] = [];
let checkMs = 0;
// The baseline is measured on the first batches only (it is the same work every batch).
let baselineMs = 0;
let comparedMs = 0;
let comparedDecisions = 0;
let sink = 0;
for (let batch = 0; decisions < TARGET; batch++) {
  const specs: [WorldSpec, number][] = fc.sample(fc.tuple(worldArbitrary(400, 200), fc.nat()), {
    seed: SEED + batch,
    numRuns: BATCH,
  });
  const compare = batch < BASELINE_BATCHES;
  let start = performance.now();
  if (compare) {
    for (const [spec, seed] of specs) {
      const world = buildWorld(spec, seed);
      sink += parseStix(JSON.parse(JSON.stringify(world.bundle)), { mode: 'strict' }).objects
        .length;
    }
    baselineMs += performance.now() - start;
  }
  start = performance.now();
  let batchDecisions = 0;
  specs.forEach(([spec, seed], index) => {
    const result = checkWorld(spec, seed);
    worlds++;
    if (result.skipped) skipped++;
    batchDecisions += result.decisions;
    if (result.violations.length > 0)
      violations.push({ seed: SEED + batch, index, violations: result.violations.slice(0, 5) });
  });
  const elapsed = performance.now() - start;
  checkMs += elapsed;
  decisions += batchDecisions;
  if (compare) {
    comparedMs += elapsed;
    comparedDecisions += batchDecisions;
  }
}

const perSecond = (decisions * 1000) / checkMs;
const baselinePerSecond = (comparedDecisions * 1000) / baselineMs;
const comparedPerSecond = (comparedDecisions * 1000) / comparedMs;
const report = {
  name: 'policy-oracle',
  description: `oracle property suite: ${worlds} random worlds, ${decisions} object decisions`,
  date: new Date().toISOString(),
  node: process.version,
  cpu: (await import('node:os')).cpus()[0]?.model ?? 'unknown',
  baseline: {
    name: 'build worlds + serialise + strict parseStix of the input',
    runs: BASELINE_BATCHES,
    meanMs: Math.round(baselineMs / BASELINE_BATCHES),
    opsPerSec: null as unknown as number,
    itemsPerSec: Math.round(baselinePerSecond),
    mbPerSec: null,
    ratioToBaseline: 1,
  },
  cases: [
    {
      name: 'project + oracle + strict parse of the output (decisions/s)',
      runs: Math.ceil(worlds / BATCH),
      meanMs: Math.round(checkMs / Math.ceil(worlds / BATCH)),
      opsPerSec: null as unknown as number,
      itemsPerSec: Math.round(perSecond),
      mbPerSec: null,
      ratioToBaseline: Math.round((comparedPerSecond / baselinePerSecond) * 1000) / 1000,
    },
  ],
  extra: { worlds, skipped, decisions, violations: violations.length, seed: SEED, target: TARGET },
};
printTable(report);
writeBenchResult('policy-oracle', { ...report, firstViolations: violations.slice(0, 10) });
if (violations.length > 0) {
  console.error(`${violations.length} worlds violated the oracle:`, violations.slice(0, 3));
  process.exitCode = 1;
}
if (sink === -1) console.log(sink);
