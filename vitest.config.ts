import { defineConfig } from 'vitest/config';

// Every package is a vitest project; each resolves workspace imports to `src/`
// through the private `@intelshare/source` export condition (see vitest.shared.ts).
export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts', 'apps/*/vitest.config.ts'],
  },
});
