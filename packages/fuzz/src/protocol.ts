/** How one input ended. `ok` and `typed` are fine; every other kind is a finding. */
export type OutcomeKind =
  | 'ok'
  | 'typed'
  | 'untyped-throw'
  | 'throw-from-never'
  | 'stack-overflow'
  | 'prototype-pollution'
  | 'invariant'
  | 'slow'
  | 'hang'
  | 'crash';

/** Parent → child: run one input of one target. */
export interface RunRequest {
  seq: number;
  target: string;
  input: unknown;
}

/** Child → parent: what happened. */
export interface RunReply {
  seq: number;
  kind: OutcomeKind;
  /** The API step running when it ended (e.g. `printPattern`). */
  step: string;
  /** Error name and message, or the violated guarantee; empty for `ok`. */
  message: string;
  /** Wall-clock milliseconds of the timed steps inside the child. */
  ms: number;
  /** The last timed step (the one a time verdict is about; reference runs are untimed). */
  timedStep?: string;
}

/** Outcome kinds that fail the job. */
export function isFinding(kind: OutcomeKind): boolean {
  return kind !== 'ok' && kind !== 'typed';
}
