// The closing line of `pnpm test`: `Tests: N passed, N failed`. It is built from turbo's run
// summary (`--summarize`), not only from vitest's reports, because a suite or a task can fail
// before any test runs (a test file that does not load, a type error, a lint error, a publint
// finding) and such a failure must still count — and fail the command.

/** Turbo's placeholder command for a package that has no script for the task. */
const NO_SCRIPT = '<NONEXISTENT>';

/**
 * @typedef {object} TaskOutcome
 * @property {string} taskId `package#task`
 * @property {string} task the task name, such as `test` or `typecheck`
 * @property {string} directory the package folder, relative to the repository root
 * @property {number | undefined} exitCode `undefined` when the task never ran
 */

/**
 * The tasks of one turbo run summary (`.turbo/runs/<id>.json`) that had a script to run.
 * @param {any} runSummary the parsed run summary
 * @returns {TaskOutcome[]}
 */
export function tasksOfRun(runSummary) {
  const tasks = Array.isArray(runSummary?.tasks) ? runSummary.tasks : [];
  return tasks
    .filter((task) => task.command !== NO_SCRIPT)
    .map((task) => ({
      taskId: String(task.taskId),
      task: String(task.task),
      directory: String(task.directory ?? ''),
      exitCode: typeof task.execution?.exitCode === 'number' ? task.execution.exitCode : undefined,
    }));
}

/**
 * What one vitest JSON report says: tests passed and failed, plus the test files that failed
 * without a failing test (they did not load, or a hook threw), each counted as one failure.
 * @param {any} report a parsed `test-results/vitest.json`
 */
export function countReport(report) {
  const files = Array.isArray(report?.testResults) ? report.testResults : [];
  const brokenFiles = files.filter(
    (file) =>
      file.status === 'failed' &&
      !(file.assertionResults ?? []).some((assertion) => assertion.status === 'failed'),
  );
  const passed = Number(report?.numPassedTests) || 0;
  const failedTests = Number(report?.numFailedTests) || 0;
  // Older or truncated reports may list no files; the suite count still says a file failed.
  const failedSuites = Number(report?.numFailedTestSuites) || 0;
  const brokenByCount = files.length === 0 && failedTests === 0 ? failedSuites : 0;
  const skipped = (Number(report?.numPendingTests) || 0) + (Number(report?.numTodoTests) || 0);
  return {
    passed,
    failed: failedTests + brokenFiles.length + brokenByCount,
    skipped,
    brokenFiles: brokenFiles.map((file) => ({
      name: String(file.name ?? '(unnamed test file)'),
      message: String(file.message ?? '').split('\n')[0] ?? '',
    })),
  };
}

/**
 * Adds up a whole `pnpm test` run.
 * @param {TaskOutcome[]} tasks every task turbo was asked to run
 * @param {(task: TaskOutcome) => any} reportOf the vitest report a task wrote, or `undefined`
 * @returns {{ passed: number, failed: number, skipped: number,
 *   rows: { task: string, passed: number, failed: number, note: string }[],
 *   problems: string[], exitCode: number }}
 */
export function summarizeRun(tasks, reportOf) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const rows = [];
  const problems = [];
  for (const task of tasks) {
    const report = reportOf(task);
    const counted = report ? countReport(report) : undefined;
    let taskFailed = counted?.failed ?? 0;
    let note = '';
    if (counted) {
      passed += counted.passed;
      skipped += counted.skipped;
      for (const file of counted.brokenFiles) {
        problems.push(`${task.taskId}: ${file.name} failed before its tests ran: ${file.message}`);
      }
    }
    if (task.exitCode === undefined) {
      taskFailed = Math.max(taskFailed, 1);
      note = 'not run (a task it depends on failed)';
      problems.push(`${task.taskId}: not run, because a task it depends on failed`);
    } else if (task.exitCode !== 0 && taskFailed === 0) {
      // Failed without a failing test to show for it: a type error, a lint or publint
      // finding, or a test runner that crashed before writing its report.
      taskFailed = 1;
      note = `exit code ${task.exitCode}${counted ? ', no failing test in its report' : ''}`;
      problems.push(`${task.taskId}: exited with code ${task.exitCode}`);
    } else if (task.exitCode !== 0) {
      note = `exit code ${task.exitCode}`;
    }
    failed += taskFailed;
    if (counted || taskFailed > 0) {
      rows.push({ task: task.taskId, passed: counted?.passed ?? 0, failed: taskFailed, note });
    }
  }
  const exitCode = failed > 0 || passed === 0 ? 1 : 0;
  return { passed, failed, skipped, rows, problems, exitCode };
}

/**
 * The closing line.
 * @param {{ passed: number, failed: number, skipped: number }} totals
 */
export function closingLine({ passed, failed, skipped }) {
  return `Tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
}
