import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig, type Options } from 'tsup';

/**
 * The one tsup setup every published package uses: ESM with `.d.ts`, sourcemaps, and
 * the package version injected as `__INTELSHARE_VERSION__` (used in `User-Agent`s and
 * `--version`). A package's own `tsup.config.ts` names only its entry points.
 */
export function definePackageConfig(
  packageDir: string,
  entry: Record<string, string>,
  extra: Partial<Options> = {},
) {
  const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  return defineConfig({
    entry,
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    dts: true,
    sourcemap: true,
    clean: true,
    splitting: true,
    treeshake: true,
    define: { __INTELSHARE_VERSION__: JSON.stringify(pkg.version) },
    ...extra,
  });
}
