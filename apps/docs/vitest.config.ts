import { definePackageProject } from '../../vitest.shared';

// The docs checks run against the built site: the global setup builds it first when
// `dist/` is missing or stale (under turbo, `build` has already run and it is a no-op).
export default definePackageProject('docs', {
  include: ['test/**/*.test.ts'],
  globalSetup: ['test/global-setup.ts'],
  testTimeout: 120_000,
  hookTimeout: 300_000,
});
