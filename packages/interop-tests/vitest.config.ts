import { definePackageProject } from '../../vitest.shared';

export default definePackageProject('interop-tests', { testTimeout: 120_000 });
