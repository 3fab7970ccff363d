import { definePackageProject } from '../../vitest.shared';

// The browser tests start the built server and a real Chromium, so they get long
// timeouts and run one file at a time (two shared cores).
export default definePackageProject('dashboard', {
  testTimeout: 120_000,
  hookTimeout: 180_000,
  fileParallelism: false,
});
