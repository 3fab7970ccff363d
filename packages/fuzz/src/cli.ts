// `pnpm --filter @intelshare/fuzz fuzz`: the fuzz job from the command line. Environment:
// FUZZ_SEED (default random, always printed), FUZZ_RUNS (inputs per family, default 200),
// FUZZ_TARGETS (comma-separated names), FUZZ_FAMILIES (comma-separated `target/family`),
// FUZZ_MS_PER_MB (time budget, default 2000; `off` for no time verdict), FUZZ_OUT (result
// name under bench/results/, default `fuzz`). Exits 1 on any finding.
import { writeBenchResult } from '@intelshare/bench';
import { printFuzzReport } from './report';
import { runFuzz } from './run-fuzz';

const list = (value: string | undefined) =>
  value
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const env = process.env;
const seed = env.FUZZ_SEED ? Number(env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
if (!Number.isSafeInteger(seed)) throw new TypeError('`FUZZ_SEED` must be an integer.');
const runs = env.FUZZ_RUNS ? Number(env.FUZZ_RUNS) : 200;
if (!Number.isSafeInteger(runs) || runs < 1)
  throw new TypeError('`FUZZ_RUNS` must be a positive integer.');
const msPerMb = env.FUZZ_MS_PER_MB === 'off' ? false : Number(env.FUZZ_MS_PER_MB ?? 2000);
if (msPerMb !== false && !(msPerMb > 0))
  throw new TypeError('`FUZZ_MS_PER_MB` must be a positive number or `off`.');
const targets = list(env.FUZZ_TARGETS);
const families = list(env.FUZZ_FAMILIES);
console.log(
  `fuzz: FUZZ_SEED=${seed} FUZZ_RUNS=${runs}${targets ? ` FUZZ_TARGETS=${targets.join(',')}` : ''}`,
);
const started = Date.now();
const report = await runFuzz({
  seed,
  runs,
  msPerMb,
  ...(targets ? { targets } : {}),
  ...(families ? { families } : {}),
  onFamily: (f) =>
    console.log(
      `  ${f.target}/${f.family}: ${f.inputs} inputs, ${f.ok} ok, ${f.typed} typed errors, ${f.findings} findings${f.stoppedEarly ? ' (stopped early)' : ''}`,
    ),
});
printFuzzReport(report);
const file = writeBenchResult(env.FUZZ_OUT ?? 'fuzz', {
  name: 'fuzz',
  date: new Date().toISOString(),
  node: process.version,
  seconds: Math.round((Date.now() - started) / 1000),
  ...report,
});
console.log(`Wrote ${file}`);
if (!report.passed) process.exitCode = 1;
