// `pnpm --filter @intelshare/fuzz fuzz`: the fuzz job from the command line. Environment:
// FUZZ_SEED (default random, always printed), FUZZ_RUNS (inputs per family, default 200),
// FUZZ_TARGETS (comma-separated names), FUZZ_FAMILIES (comma-separated `target/family`),
// FUZZ_MS_PER_MB (time budget, default 2000; `off` for no time verdict), FUZZ_OUT (result
// name under bench/results/, default `fuzz`); each also as INTELSHARE_FUZZ_*. Exits 1 on
// any finding.
import { writeBenchResult } from '@intelshare/bench';
import { printFuzzReport } from './report';
import { runFuzz } from './run-fuzz';

const list = (value: string | undefined) =>
  value
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
// turbo passes only `INTELSHARE_*` variables to tasks, so under `pnpm bench` the same
// settings are also read from `INTELSHARE_FUZZ_SEED` and so on.
const env: Record<string, string | undefined> = Object.create(null);
for (const name of ['SEED', 'RUNS', 'TARGETS', 'FAMILIES', 'MS_PER_MB', 'OUT']) {
  env[`FUZZ_${name}`] = process.env[`FUZZ_${name}`] ?? process.env[`INTELSHARE_FUZZ_${name}`];
}
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
const out = env.FUZZ_OUT ?? 'fuzz';
const file = writeBenchResult(out, {
  name: 'fuzz',
  date: new Date().toISOString(),
  node: process.version,
  seconds: Math.round((Date.now() - started) / 1000),
  ...report,
  findings: report.findings.map(({ input: _input, ...finding }) => finding),
});
// The failing inputs themselves (up to 100,000 characters each; larger ones are rebuilt
// from their reproduction line), byte inputs as UTF-8 text.
const inputs = writeBenchResult(
  `${out}-inputs`,
  report.findings.map((finding) => ({
    target: finding.target,
    family: finding.family,
    kind: finding.kind,
    input: replayable(finding.input),
  })),
);
console.log(`Wrote ${file} and ${inputs}`);

function replayable(input: unknown): unknown {
  const text = JSON.stringify(input, (_key, value: unknown) =>
    value instanceof Uint8Array ? { utf8: new TextDecoder().decode(value) } : value,
  );
  return text.length > 100_000
    ? { omitted: `${text.length} characters; rebuild it from the reproduction` }
    : JSON.parse(text);
}
if (!report.passed) process.exitCode = 1;
