import { definePackageProject } from '../../vitest.shared';

// Packing and npm-installing five packages takes a while on a 2-core machine.
export default definePackageProject('consumer-tests', {
  testTimeout: 600_000,
  hookTimeout: 600_000,
});
