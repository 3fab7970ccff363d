import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { Bench } from 'tinybench';

/** One thing to measure. `bytes`/`items` are per run, for MB/s and items/s. */
export interface BenchCase {
  name: string;
  run: () => unknown;
  bytes?: number;
  items?: number;
}

/** A set of cases measured beside a baseline in the same process. */
export interface BenchSuite {
  /** File name under `bench/results/` (without `.json`). */
  name: string;
  description?: string;
  baseline: BenchCase;
  cases: BenchCase[];
  /** Minimum runs per case (default 5). */
  iterations?: number;
  /** Minimum milliseconds per case (default 1000). */
  time?: number;
  /** Extra facts to record (sizes, counts, targets). */
  extra?: Record<string, unknown>;
}

export interface BenchCaseResult {
  name: string;
  runs: number;
  meanMs: number;
  opsPerSec: number;
  itemsPerSec: number | null;
  mbPerSec: number | null;
  ratioToBaseline: number;
}

export interface BenchSuiteResult {
  name: string;
  description: string | undefined;
  date: string;
  node: string;
  cpu: string;
  baseline: BenchCaseResult;
  cases: BenchCaseResult[];
  extra: Record<string, unknown>;
}

/**
 * Runs the baseline and every case with tinybench, prints a table and writes
 * `bench/results/<name>.json` at the repository root. Ratios compare ops/s of a case
 * with ops/s of the baseline measured in the same run, so machines compare fairly.
 */
export async function runBenchSuite(suite: BenchSuite): Promise<BenchSuiteResult> {
  const bench = new Bench({
    iterations: suite.iterations ?? 5,
    time: suite.time ?? 1000,
    warmupIterations: 1,
    warmupTime: 0,
  });
  const all = [suite.baseline, ...suite.cases];
  for (const item of all) bench.add(item.name, item.run);
  await bench.run();

  const measured = all.map((item, index) => {
    const task = bench.tasks[index];
    const result = task?.result;
    if (!result || !('period' in result)) {
      const error = result && 'error' in result ? result.error : undefined;
      throw new Error(`Benchmark case \`${item.name}\` did not complete.`, { cause: error });
    }
    return { item, runs: result.latency.samplesCount, meanMs: result.period };
  });
  const baselineOps = 1000 / measured[0]!.meanMs;
  const results = measured.map(({ item, runs, meanMs }): BenchCaseResult => {
    const opsPerSec = 1000 / meanMs;
    return {
      name: item.name,
      runs,
      meanMs: round(meanMs),
      opsPerSec: round(opsPerSec),
      itemsPerSec: item.items === undefined ? null : Math.round(item.items * opsPerSec),
      mbPerSec: item.bytes === undefined ? null : round((item.bytes * opsPerSec) / 1e6),
      ratioToBaseline: round(opsPerSec / baselineOps),
    };
  });
  const report: BenchSuiteResult = {
    name: suite.name,
    description: suite.description,
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    baseline: results[0]!,
    cases: results.slice(1),
    extra: suite.extra ?? {},
  };
  printTable(report);
  writeBenchResult(suite.name, report);
  return report;
}

/** Prints a suite's results as a table. */
export function printTable(report: BenchSuiteResult): void {
  console.log(`\n${report.name}${report.description ? ` — ${report.description}` : ''}`);
  console.table(
    [report.baseline, ...report.cases].map((r) => ({
      case: r.name,
      'mean ms': r.meanMs,
      'ops/s': r.opsPerSec,
      'items/s': r.itemsPerSec ?? '',
      'MB/s': r.mbPerSec ?? '',
      '× baseline': r.ratioToBaseline,
    })),
  );
  if (Object.keys(report.extra).length > 0) console.log(report.extra);
}

/** Writes any JSON-able result to `bench/results/<name>.json` at the repository root. */
export function writeBenchResult(name: string, data: unknown): string {
  const dir = join(repositoryRoot(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  return file;
}

/** This process's peak resident set size so far, in bytes. */
export function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

/**
 * Runs a TypeScript or JavaScript file in a fresh Node process (with the source
 * condition and tsx) and returns its peak RSS and stdout, so the memory of one workload
 * is measured without the benchmark runner's own heap.
 */
export function measureInChild(
  file: string,
  args: readonly string[] = [],
  options: { maxOldSpaceMb?: number; timeoutMs?: number } = {},
): Promise<{ peakRssBytes: number; stdout: string; stderr: string }> {
  // The child reports its own peak RSS on exit through a preloaded one-liner.
  const reporter = `data:text/javascript,process.on('exit',()=>process.stderr.write('\\n${RSS_MARK}'+process.resourceUsage().maxRSS+'\\n'))`;
  const nodeArgs = [
    '--conditions=@intelshare/source',
    '--import',
    'tsx',
    '--import',
    reporter,
    ...(options.maxOldSpaceMb ? [`--max-old-space-size=${options.maxOldSpaceMb}`] : []),
    file,
    ...args,
  ];
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      nodeArgs,
      { maxBuffer: 1 << 28, timeout: options.timeoutMs ?? 600_000, cwd: process.cwd() },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`${file} failed: ${stderr}`, { cause: error }));
        const match = new RegExp(`${RSS_MARK}(\\d+)`).exec(stderr);
        if (!match) return reject(new Error(`${file} did not report its peak RSS.`));
        resolve({
          peakRssBytes: Number(match[1]) * 1024,
          stdout,
          stderr: stderr.replace(match[0], ''),
        });
      },
    );
  });
}

const RSS_MARK = '@@intelshare-peak-rss@@';

function repositoryRoot(): string {
  let dir = process.cwd();
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}

function round(value: number): number {
  return Number(value.toPrecision(4));
}
