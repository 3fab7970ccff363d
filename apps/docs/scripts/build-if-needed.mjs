// Builds the site when `dist/` is missing or older than anything it is built from, so
// `pnpm --filter docs test` works on its own and under turbo (which builds first).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { docsRoot, repoRoot } from './entry-points.mjs';

const GENERATED = new Set(['api', 'changelog', 'agreements']);

function newestMtime(path, skip = () => false) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(path)) {
    if (name === 'node_modules' || skip(name)) continue;
    newest = Math.max(newest, newestMtime(join(path, name), skip));
  }
  return newest;
}

/** The newest modification time among the site's inputs. */
export function newestInput() {
  const packages = join(repoRoot, 'packages');
  let newest = Math.max(
    newestMtime(join(docsRoot, 'src/content/docs'), (name) => GENERATED.has(name)),
    newestMtime(join(docsRoot, 'src/content.config.ts')),
    newestMtime(join(docsRoot, 'public')),
    newestMtime(join(docsRoot, 'astro.config.mjs')),
    newestMtime(join(docsRoot, 'scripts')),
    newestMtime(join(repoRoot, '.changeset')),
    newestMtime(join(repoRoot, 'packages/policy/agreements')),
  );
  for (const pkg of readdirSync(packages)) {
    newest = Math.max(
      newest,
      newestMtime(join(packages, pkg, 'src')),
      newestMtime(join(packages, pkg, 'package.json')),
      newestMtime(join(packages, pkg, 'CHANGELOG.md')),
    );
  }
  return newest;
}

/** Runs `astro build` unless `dist/` is newer than every input. */
export function buildIfNeeded() {
  const stamp = join(docsRoot, 'dist/index.html');
  if (existsSync(stamp) && statSync(stamp).mtimeMs >= newestInput()) return false;
  // Under vitest, process.env carries NODE_ENV=test, MODE, DEV=1, PROD, SSR, VITEST_*:
  // a build that inherits them is a development build (Starlight then replaces search
  // with a notice). Build with those removed, as production.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !/^(VITEST.*|VITE_.*|TEST|NODE_ENV|MODE|DEV|PROD|SSR|BASE_URL)$/.test(key),
    ),
  );
  const result = spawnSync('pnpm', ['exec', 'astro', 'build'], {
    cwd: docsRoot,
    stdio: 'inherit',
    env: { ...env, NODE_ENV: 'production' },
  });
  if (result.status !== 0)
    throw new Error(`\`astro build\` failed with exit code ${result.status}.`);
  return true;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(buildIfNeeded() ? 'Built the site.' : 'The site is up to date.');
}
