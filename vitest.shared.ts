import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

/**
 * The vitest project every package uses: tests run on TypeScript source through the
 * private `@intelshare/source` export condition, so no build is needed first.
 */
export function definePackageProject(
  name: string,
  overrides: UserWorkspaceConfig['test'] = {},
): UserWorkspaceConfig {
  return defineProject({
    resolve: { conditions: ['@intelshare/source'] },
    ssr: { resolve: { conditions: ['@intelshare/source'] } },
    test: {
      name,
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: 30_000,
      ...overrides,
    },
  });
}
