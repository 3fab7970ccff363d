import { describe, expect, it } from 'vitest';
import {
  closingLine,
  countReport,
  summarizeRun,
  type TaskOutcome,
  tasksOfRun,
} from '../src/test-summary.mjs';

// Reports shaped like vitest's JSON reporter output, cut down to the fields the summary reads.
const passingReport = {
  numPassedTests: 12,
  numFailedTests: 0,
  numFailedTestSuites: 0,
  numPendingTests: 1,
  numTodoTests: 0,
  testResults: [
    { name: '/repo/packages/stix/test/a.test.ts', status: 'passed', assertionResults: [] },
  ],
};
const suiteDidNotLoad = {
  numPassedTests: 40,
  numFailedTests: 0,
  numFailedTestSuites: 1,
  numPendingTests: 0,
  testResults: [
    {
      name: '/repo/apps/docs/test/ok.test.ts',
      status: 'passed',
      assertionResults: [{ status: 'passed' }],
    },
    {
      name: '/repo/apps/docs/test/browser.test.ts',
      status: 'failed',
      message: 'Failed to launch chromium: /usr/bin/chromium: not found\n    at …',
      assertionResults: [],
    },
  ],
};
const twoFailingTests = {
  numPassedTests: 5,
  numFailedTests: 2,
  numFailedTestSuites: 1,
  numPendingTests: 0,
  testResults: [
    {
      name: '/repo/packages/policy/test/x.test.ts',
      status: 'failed',
      assertionResults: [{ status: 'failed' }, { status: 'failed' }, { status: 'passed' }],
    },
  ],
};

const task = (
  taskId: string,
  exitCode: number | undefined,
  directory = 'packages/x',
): TaskOutcome => ({
  taskId,
  task: taskId.split('#')[1] ?? 'test',
  directory,
  exitCode,
});

describe('countReport', () => {
  it('counts a test file that failed before its tests ran as one failure', () => {
    expect(countReport(suiteDidNotLoad)).toEqual({
      passed: 40,
      failed: 1,
      skipped: 0,
      brokenFiles: [
        {
          name: '/repo/apps/docs/test/browser.test.ts',
          message: 'Failed to launch chromium: /usr/bin/chromium: not found',
        },
      ],
    });
  });

  it('counts failing tests once each, not their file again', () => {
    expect(countReport(twoFailingTests)).toMatchObject({ passed: 5, failed: 2, brokenFiles: [] });
  });

  it('trusts numFailedTestSuites when the report lists no files', () => {
    expect(
      countReport({ numPassedTests: 0, numFailedTests: 0, numFailedTestSuites: 3 }),
    ).toMatchObject({
      failed: 3,
    });
  });
});

describe('summarizeRun', () => {
  it('passes when every task passed and tests ran', () => {
    const result = summarizeRun([task('a#test', 0), task('a#typecheck', 0)], (t) =>
      t.task === 'test' ? passingReport : undefined,
    );
    expect(result).toMatchObject({ passed: 12, failed: 0, skipped: 1, exitCode: 0, problems: [] });
    expect(closingLine(result)).toBe('Tests: 12 passed, 0 failed, 1 skipped');
  });

  it('counts a suite that did not load, and fails the command', () => {
    const result = summarizeRun([task('docs#test', 1, 'apps/docs')], () => suiteDidNotLoad);
    expect(closingLine(result)).toBe('Tests: 40 passed, 1 failed');
    expect(result.exitCode).toBe(1);
    expect(result.problems[0]).toContain('browser.test.ts failed before its tests ran');
  });

  it('counts a test task that failed without writing a report', () => {
    const result = summarizeRun([task('a#test', 0), task('b#test', 1)], (t) =>
      t.taskId === 'a#test' ? passingReport : undefined,
    );
    expect(result).toMatchObject({ passed: 12, failed: 1, exitCode: 1 });
    expect(result.problems).toEqual(['b#test: exited with code 1']);
  });

  it('counts a test task that failed although its report shows no failure', () => {
    const result = summarizeRun([task('a#test', 134)], () => passingReport);
    expect(result.failed).toBe(1);
    expect(result.rows).toEqual([
      {
        task: 'a#test',
        passed: 12,
        failed: 1,
        note: 'exit code 134, no failing test in its report',
      },
    ]);
  });

  it('counts failing typecheck, lint and publint tasks, which write no test report', () => {
    const result = summarizeRun(
      [task('a#test', 0), task('a#typecheck', 2), task('//#lint', 1, ''), task('a#test:build', 1)],
      (t) => (t.task === 'test' ? passingReport : undefined),
    );
    expect(closingLine(result)).toBe('Tests: 12 passed, 3 failed, 1 skipped');
    expect(result.exitCode).toBe(1);
  });

  it('counts a task that never ran because a task it depends on failed', () => {
    const result = summarizeRun([task('a#build', 1), task('a#test', undefined)], () => undefined);
    expect(result.failed).toBe(2);
    expect(result.problems).toContain('a#test: not run, because a task it depends on failed');
  });

  it('does not add a failure on top of failing tests that already explain the exit code', () => {
    const result = summarizeRun([task('p#test', 1)], () => twoFailingTests);
    expect(closingLine(result)).toBe('Tests: 5 passed, 2 failed');
  });

  it('fails when no test ran at all', () => {
    expect(summarizeRun([task('a#typecheck', 0)], () => undefined).exitCode).toBe(1);
  });
});

describe('tasksOfRun', () => {
  it('reads turbo run summaries, leaving out packages without the script', () => {
    const tasks = tasksOfRun({
      tasks: [
        {
          taskId: 'a#test',
          task: 'test',
          directory: 'packages/a',
          command: 'vitest run',
          execution: { exitCode: 0 },
        },
        {
          taskId: 'b#test',
          task: 'test',
          directory: 'packages/b',
          command: '<NONEXISTENT>',
          execution: { exitCode: 0 },
        },
        { taskId: 'c#test', task: 'test', directory: 'packages/c', command: 'vitest run' },
      ],
    });
    expect(tasks).toEqual([
      { taskId: 'a#test', task: 'test', directory: 'packages/a', exitCode: 0 },
      { taskId: 'c#test', task: 'test', directory: 'packages/c', exitCode: undefined },
    ]);
  });

  it('reads nothing from something that is not a run summary', () => {
    expect(tasksOfRun(null)).toEqual([]);
    expect(tasksOfRun({ tasks: 'no' })).toEqual([]);
  });
});
