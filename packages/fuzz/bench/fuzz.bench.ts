// `pnpm bench`: the hostile-input fuzz job (see src/cli.ts for FUZZ_SEED, FUZZ_RUNS,
// FUZZ_TARGETS, FUZZ_FAMILIES). Fails the bench run on any finding.
await import('../src/cli');

export {};
