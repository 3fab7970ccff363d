import type { FuzzReport } from './run-fuzz';

/**
 * Prints a fuzz report: one table row per target (inputs, outcomes, the slowest input
 * against its budget and against `JSON.parse` of the same size), then every finding.
 *
 * @param report - From `runFuzz`.
 *
 * @example
 * ```ts
 * import { printFuzzReport, runFuzz } from '@intelshare/fuzz';
 *
 * printFuzzReport(await runFuzz({ seed: 7, runs: 10 }));
 * ```
 */
export function printFuzzReport(report: FuzzReport): void {
  const budget =
    report.budget.msPerMb === false
      ? 'off'
      : `${report.budget.msPerMb} ms/MB (floor ${report.budget.floorMs} ms)`;
  console.log(
    `\nfuzz — seed ${report.seed} (FUZZ_SEED=${report.seed}), ${report.runs} inputs per family, time budget ${budget}, JSON.parse baseline ${report.baselineMsPerMb} ms/MB`,
  );
  console.table(
    report.targets.map((t) => ({
      target: t.target,
      inputs: t.inputs,
      ok: t.ok,
      typed: t.typed,
      findings: t.findings,
      'slowest ms': t.slowest?.ms ?? '',
      bytes: t.slowest?.size ?? '',
      'ms/MB': t.slowest?.msPerMb ?? '',
      '× JSON.parse':
        t.slowest && report.baselineMsPerMb > 0
          ? Number((t.slowest.msPerMb / report.baselineMsPerMb).toPrecision(3))
          : '',
      '× budget': t.slowest?.budgetShare ?? '',
      'slowest input': t.slowest ? `${t.slowest.family}: ${t.slowest.preview.slice(0, 70)}` : '',
    })),
  );
  if (report.findings.length === 0) {
    console.log('No findings.');
    return;
  }
  console.log(`${report.findings.length} distinct finding(s):`);
  for (const f of report.findings) {
    console.log(
      `- [${f.kind}] ${f.target} › ${f.step} (${f.owner}; family ${f.family}, input #${f.index}, ${f.size} B, ${f.ms} ms${f.repeats ? `, +${f.repeats} similar` : ''})\n    ${f.message}\n    ${f.reproduce.slice(0, 300)}`,
    );
  }
}
