/** One task of a turbo run: `exitCode` is `undefined` when it never ran. */
export interface TaskOutcome {
  taskId: string;
  task: string;
  directory: string;
  exitCode: number | undefined;
}
/** The tasks of a parsed turbo run summary that had a script to run. */
export function tasksOfRun(runSummary: unknown): TaskOutcome[];
/** Tests passed and failed in one vitest JSON report, a test file that did not load counting as one failure. */
export function countReport(report: unknown): {
  passed: number;
  failed: number;
  skipped: number;
  brokenFiles: { name: string; message: string }[];
};
/** Adds up a whole run: vitest reports plus one failure per task that failed without a failing test or never ran. */
export function summarizeRun(
  tasks: TaskOutcome[],
  reportOf: (task: TaskOutcome) => unknown,
): {
  passed: number;
  failed: number;
  skipped: number;
  rows: { task: string; passed: number; failed: number; note: string }[];
  problems: string[];
  exitCode: number;
};
/** `Tests: N passed, N failed[, N skipped]`. */
export function closingLine(totals: { passed: number; failed: number; skipped: number }): string;
