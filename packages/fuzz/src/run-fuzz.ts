import fc from 'fast-check';
import { isFinding, type OutcomeKind, type RunReply } from './protocol';
import { loadSeeds } from './seeds';
import type { FuzzTarget, Recipe } from './target';
import { TARGETS } from './targets/index';
import { Watchdog } from './watchdog';

/** Options of {@link runFuzz}. */
export interface FuzzOptions {
  /** Seed of every family's generator (default: random; always printed and recorded). */
  seed?: number;
  /** Inputs per family (default 200). */
  runs?: number;
  /** Only these targets (by name); default all. */
  targets?: readonly string[];
  /** Only these families, as `target/family` (e.g. `patterns/token-soup`); default all. */
  families?: readonly string[];
  /** Time budget per MB of input in ms (default 2000, issue 19); `false` turns the time verdict off. */
  msPerMb?: number | false;
  /** Smallest budget, for tiny inputs where start-up costs dominate (default 250 ms). */
  floorMs?: number;
  /** Deadline after which an input is a hang (default the larger of 10 s and 10× its budget). */
  hangMs?: number;
  /** Stop a family after this many findings (default 3), so a known bomb does not eat the run. */
  maxFindingsPerFamily?: number;
  /** Called after each family. */
  onFamily?: (summary: FamilySummary) => void;
}

/** One failing input, kept per distinct failure. */
export interface Finding {
  target: string;
  owner: string;
  family: string;
  kind: OutcomeKind;
  /** The API step that failed (e.g. `printPattern`). */
  step: string;
  message: string;
  /** Input size in bytes and run time in ms. */
  size: number;
  ms: number;
  /** A code line that rebuilds the input. */
  reproduce: string;
  /** `FUZZ_SEED` and position of the input in its family, to regenerate it exactly. */
  seed: number;
  index: number;
  /** Further inputs that failed the same way. */
  repeats: number;
  /** The input itself, for an exact replay (`bench/results/fuzz-inputs.json`). */
  input: unknown;
}

/** The slowest input of a target, measured against its budget and the baseline. */
export interface Slowest {
  family: string;
  size: number;
  ms: number;
  msPerMb: number;
  /** Run time as a share of the input's budget (1 = at the limit). */
  budgetShare: number;
  preview: string;
}

/** Per-family counts. */
export interface FamilySummary {
  target: string;
  family: string;
  inputs: number;
  ok: number;
  typed: number;
  findings: number;
  stoppedEarly: boolean;
}

/** Per-target result. */
export interface TargetReport {
  target: string;
  owner: string;
  inputs: number;
  ok: number;
  typed: number;
  findings: number;
  slowest: Slowest | undefined;
  families: FamilySummary[];
}

/** What {@link runFuzz} returns and the bench writes to `bench/results/fuzz.json`. */
export interface FuzzReport {
  seed: number;
  runs: number;
  budget: { msPerMb: number | false; floorMs: number };
  /** `JSON.parse` ms per MB in the same child process: the baseline for `× JSON.parse`. */
  baselineMsPerMb: number;
  targets: TargetReport[];
  findings: Finding[];
  passed: boolean;
}

/**
 * Generates inputs per target and family (seeded), runs each in a watched child process,
 * and collects findings: untyped throws, throws from never-throw APIs, stack overflows,
 * prototype pollution, broken invariants, inputs over budget (confirmed by two reruns),
 * hangs and crashes.
 *
 * @param options - Seed, runs, filters and budgets.
 * @returns The report; `passed` is false when anything was found.
 *
 * @example
 * ```ts
 * import { runFuzz } from '@intelshare/fuzz';
 *
 * const report = await runFuzz({ seed: 1, runs: 20, targets: ['parseStix'] });
 * console.log(report.passed, report.findings.length);
 * ```
 */
export async function runFuzz(options: FuzzOptions = {}): Promise<FuzzReport> {
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const runs = options.runs ?? 200;
  const msPerMb = options.msPerMb ?? 2000;
  const floorMs = options.floorMs ?? 250;
  const maxFindings = options.maxFindingsPerFamily ?? 3;
  const seeds = loadSeeds();
  const watchdog = new Watchdog();
  const budgetOf = (size: number) =>
    msPerMb === false ? Number.POSITIVE_INFINITY : Math.max(floorMs, (msPerMb * size) / 1e6);
  const deadlineOf = (size: number) =>
    options.hangMs ?? Math.max(10_000, msPerMb === false ? 0 : 10 * budgetOf(size));
  const findings: Finding[] = [];
  const byKey = new Map<string, Finding>();
  const targets: TargetReport[] = [];
  try {
    const baselineMsPerMb = await measureBaseline(watchdog, seeds.stixBundles);
    for (const target of TARGETS) {
      if (options.targets && !options.targets.includes(target.name)) continue;
      const report: TargetReport = {
        target: target.name,
        owner: target.owner,
        inputs: 0,
        ok: 0,
        typed: 0,
        findings: 0,
        slowest: undefined,
        families: [],
      };
      for (const [family, arbitrary] of Object.entries(target.families(seeds))) {
        if (options.families && !options.families.includes(`${target.name}/${family}`)) continue;
        const summary: FamilySummary = {
          target: target.name,
          family,
          inputs: 0,
          ok: 0,
          typed: 0,
          findings: 0,
          stoppedEarly: false,
        };
        const inputs = fc.sample(arbitrary, {
          seed: familySeed(seed, target.name, family),
          numRuns: runs,
        });
        for (let index = 0; index < inputs.length; index++) {
          const input = inputs[index]!;
          const size = target.size(input);
          const budget = budgetOf(size) + (target.extraBudgetMs?.(input) ?? 0);
          const reply = await runJudged(watchdog, target, input, size, budget, deadlineOf(size));
          summary.inputs++;
          if (reply.kind === 'ok') summary.ok++;
          else if (reply.kind === 'typed') summary.typed++;
          if (reply.kind !== 'hang' && reply.kind !== 'crash') {
            // Slowest relative to its budget, so a big input that is fast for its size
            // does not hide a small one that is slow for its size.
            const share =
              reply.ms / (msPerMb === false ? Math.max(floorMs, (2000 * size) / 1e6) : budget);
            if (!report.slowest || share > report.slowest.budgetShare) {
              const perMb = size > 0 ? reply.ms / (size / 1e6) : 0;
              report.slowest = {
                family,
                size,
                ms: round(reply.ms),
                msPerMb: round(perMb),
                budgetShare: round(share),
                preview: preview(target, input),
              };
            }
          }
          if (!isFinding(reply.kind)) continue;
          summary.findings++;
          const key = `${target.name}|${family}|${reply.kind}|${reply.step}|${normalise(reply.message)}`;
          const known = byKey.get(key);
          if (known) {
            known.repeats++;
            // Keep the smallest reproduction.
            if (size < known.size)
              Object.assign(known, finding(target, family, reply, input, size, seed, index), {
                repeats: known.repeats,
              });
          } else {
            const created = finding(target, family, reply, input, size, seed, index);
            byKey.set(key, created);
            findings.push(created);
          }
          if (summary.findings >= maxFindings) {
            summary.stoppedEarly = index < inputs.length - 1;
            break;
          }
        }
        report.inputs += summary.inputs;
        report.ok += summary.ok;
        report.typed += summary.typed;
        report.findings += summary.findings;
        report.families.push(summary);
        options.onFamily?.(summary);
      }
      targets.push(report);
    }
    return {
      seed,
      runs,
      budget: { msPerMb, floorMs },
      baselineMsPerMb: round(baselineMsPerMb),
      targets,
      findings,
      passed: findings.length === 0,
    };
  } finally {
    watchdog.close();
  }
}

/** Runs an input; one over budget is rerun twice and judged on its fastest run, since the machine may be busy. */
async function runJudged(
  watchdog: Watchdog,
  target: FuzzTarget<Recipe>,
  input: Recipe,
  size: number,
  budget: number,
  deadline: number,
): Promise<RunReply> {
  let reply = await watchdog.run(target.name, input, deadline);
  for (let retry = 0; retry < 2 && !isFinding(reply.kind) && reply.ms > budget; retry++) {
    const again = await watchdog.run(target.name, input, deadline);
    if (again.kind !== reply.kind || again.ms < reply.ms) reply = again;
  }
  if (!isFinding(reply.kind) && reply.ms > budget) {
    return {
      ...reply,
      kind: 'slow',
      step: reply.timedStep ?? reply.step,
      message: `${round(reply.ms)} ms for ${size} bytes (${round(reply.ms / Math.max(size / 1e6, 1e-9))} ms/MB; budget ${round(budget)} ms)`,
    };
  }
  return reply;
}

async function measureBaseline(watchdog: Watchdog, bundles: readonly string[]): Promise<number> {
  // About 1 MB of real bundles; fastest of five runs.
  const parts: string[] = [];
  let length = 0;
  while (length < 1_000_000) {
    for (const text of bundles) {
      parts.push(text);
      length += text.length;
    }
  }
  const text = `[${parts.join(',')}]`;
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 5; i++) {
    const reply = await watchdog.run('JSON.parse (baseline)', { text }, 30_000);
    if (reply.kind !== 'ok') throw new Error(`The JSON.parse baseline failed: ${reply.message}`);
    best = Math.min(best, reply.ms);
  }
  return best / (Buffer.byteLength(text) / 1e6);
}

function finding(
  target: FuzzTarget<Recipe>,
  family: string,
  reply: RunReply,
  input: Recipe,
  size: number,
  seed: number,
  index: number,
): Finding {
  return {
    target: target.name,
    owner: target.owner,
    family,
    kind: reply.kind,
    step: reply.step,
    message: reply.message,
    size,
    ms: round(reply.ms),
    reproduce: target.reproduce(input),
    seed,
    index,
    repeats: 0,
    input,
  };
}

/** Messages differ by numbers and quoted values; group findings by their shape. */
function normalise(message: string): string {
  return message
    .replace(/\d+(\.\d+)?/g, 'N')
    .replace(/`[^`]*`/g, '`…`')
    .slice(0, 120);
}

function preview(target: FuzzTarget<Recipe>, input: Recipe): string {
  const text = target.reproduce(input);
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

/** A per-family seed, so one family's inputs do not change when another family is edited. */
export function familySeed(seed: number, target: string, family: string): number {
  let hash = seed >>> 0;
  for (const char of `${target}/${family}`)
    hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return hash | 0;
}

function round(value: number): number {
  return Number(value.toPrecision(4));
}
