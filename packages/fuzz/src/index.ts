/**
 * The hostile-input fuzz job (private): seeded generated and mutated inputs for every
 * parser and policy entry point, run in a watched child process.
 * @packageDocumentation
 */
export type { OutcomeKind } from './protocol';
export { printFuzzReport } from './report';
export type {
  FamilySummary,
  Finding,
  FuzzOptions,
  FuzzReport,
  Slowest,
  TargetReport,
} from './run-fuzz';
export { runFuzz } from './run-fuzz';
export { TARGETS } from './targets/index';
