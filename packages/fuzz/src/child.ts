// The watchdog's child process: runs one input at a time for the parent and answers with
// how it ended. Runs in its own process so that a hang can be killed and a crash (out of
// memory) cannot take the runner down.
import { isIntelshareError } from '@intelshare/stix';
import type { OutcomeKind, RunReply, RunRequest } from './protocol';
import { PrototypeGuard } from './prototype-guard';
import type { ThrowContract } from './target';
import { TARGETS_BY_NAME } from './targets/index';

const guard = new PrototypeGuard();
let lateError: string | undefined;

// A rejection nobody awaited (e.g. from a stream left half-read) belongs to the input that
// just ran; it is reported with the next answer.
process.on('unhandledRejection', (reason) => {
  lateError ??= `unhandled rejection: ${describeError(reason)}`;
});

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 500);
  return String(error).slice(0, 500);
}

function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}

async function runOne(request: RunRequest): Promise<RunReply> {
  const target = TARGETS_BY_NAME.get(request.target);
  if (!target) throw new TypeError(`Unknown fuzz target \`${request.target}\`.`);
  // Set by the target through the probe while it runs.
  const state = {
    step: target.name,
    contract: 'typed' as ThrowContract,
    violation: undefined as string | undefined,
    violationStep: '',
    timedStep: target.name,
    timed: true,
    since: 0,
    ms: 0,
  };
  // Adds the time since the last step change to the total when that step was timed.
  const lap = () => {
    const now = performance.now();
    if (state.timed) state.ms += now - state.since;
    state.since = now;
  };
  const probe = {
    step(name: string, contract: ThrowContract, timed = true) {
      lap();
      state.step = name;
      state.contract = contract;
      state.timed = timed;
      if (timed) state.timedStep = name;
    },
    violation(message: string) {
      if (state.violation !== undefined) return;
      state.violation = message;
      state.violationStep = state.step;
    },
  };
  let kind: OutcomeKind = 'ok';
  let message = '';
  state.since = performance.now();
  try {
    await target.run(request.input as never, probe);
  } catch (error) {
    message = describeError(error);
    if (isStackOverflow(error)) kind = 'stack-overflow';
    else if (!isIntelshareError(error)) kind = 'untyped-throw';
    else if (state.contract === 'never') kind = 'throw-from-never';
    else kind = 'typed';
  }
  lap();
  const ms = state.ms;
  if ((kind === 'ok' || kind === 'typed') && state.violation !== undefined) {
    kind = 'invariant';
    message = state.violation;
    state.step = state.violationStep;
  }
  const polluted = guard.check();
  if (polluted !== undefined) {
    kind = 'prototype-pollution';
    message = polluted;
  }
  if (lateError !== undefined && (kind === 'ok' || kind === 'typed')) {
    kind = 'untyped-throw';
    message = lateError;
  }
  lateError = undefined;
  return { seq: request.seq, kind, step: state.step, message, ms, timedStep: state.timedStep };
}

process.on('message', (request: RunRequest) => {
  runOne(request).then(
    (reply) => process.send?.(reply),
    (error: unknown) => {
      process.send?.({
        seq: request.seq,
        kind: 'crash',
        step: request.target,
        message: describeError(error),
        ms: 0,
      });
    },
  );
});
process.send?.({ ready: true });
