import { definePackageProject } from '../../vitest.shared';

// Packing five packages and installing them with the runtimes takes a while on a 2-core machine.
export default definePackageProject('runtime-tests', {
  testTimeout: 300_000,
  hookTimeout: 900_000,
});
