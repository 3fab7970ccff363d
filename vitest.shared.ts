import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

/**
 * The vitest project every package uses: tests run on TypeScript source through the
 * private `@intelshare/source` export condition, so no build is needed first. Besides
 * the usual console output, each run writes `test-results/vitest.json`, which
 * `scripts/test-summary.mjs` adds up into one closing line for CI.
 */
export function definePackageProject(
  name: string,
  overrides: UserWorkspaceConfig['test'] = {},
): UserWorkspaceConfig {
  const config = defineProject({
    resolve: { conditions: ['@intelshare/source'] },
    ssr: { resolve: { conditions: ['@intelshare/source'] } },
    test: {
      name,
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      // Generous, because CI shares two cores between many suites; timeouts catch hangs, not slowness.
      testTimeout: 90_000,
      hookTimeout: 180_000,
      ...overrides,
    },
  });
  // Reporters belong to the root config; when a package runs on its own, its project
  // config is the root, so these apply (and are ignored under the root `projects` run).
  Object.assign(config.test as object, {
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
  });
  return config;
}
