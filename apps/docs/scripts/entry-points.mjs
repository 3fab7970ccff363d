// The public entry points of every published package, read from each package.json
// `exports` map (the `@intelshare/source` condition), so the API reference and the
// docs checks follow the packages as they grow without a hand-kept list.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const docsRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = resolve(docsRoot, '../..');

/**
 * Lists `{ specifier, packageName, packageDir, source }` for every subpath export of every
 * non-private package under `packages/`.
 * @returns {{ specifier: string, packageName: string, packageDir: string, source: string }[]}
 */
export function publicEntryPoints() {
  const packagesDir = join(repoRoot, 'packages');
  const entries = [];
  for (const dir of readdirSync(packagesDir).sort()) {
    const manifestPath = join(packagesDir, dir, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    if (manifest.private === true || typeof manifest.exports !== 'object') continue;
    for (const [subpath, target] of Object.entries(manifest.exports)) {
      if (subpath === './package.json' || typeof target !== 'object' || target === null) continue;
      const source = target['@intelshare/source'];
      if (typeof source !== 'string') continue;
      const absolute = join(packagesDir, dir, source);
      if (!existsSync(absolute)) continue;
      entries.push({
        specifier: subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`,
        packageName: manifest.name,
        packageDir: join(packagesDir, dir),
        source: absolute,
      });
    }
  }
  return entries;
}

/** The file-name slug of a specifier: `@intelshare/stix/patterns` → `stix-patterns`. */
export function entrySlug(specifier) {
  return specifier.replace(/^@intelshare\//, '').replaceAll('/', '-');
}

/**
 * Writes one re-exporting module per entry point into `.generated/typedoc/`, each named
 * with `@module` as users import it, and a tsconfig that resolves the packages through
 * their source condition. TypeDoc documents these, i.e. exactly what a consumer sees.
 * @returns {{ entryPoints: string[], tsconfig: string }}
 */
export function writeTypedocEntries() {
  const outDir = join(docsRoot, '.generated/typedoc');
  const files = new Map();
  const entryPoints = [];
  for (const entry of publicEntryPoints()) {
    const name = `${entrySlug(entry.specifier)}.ts`;
    files.set(
      name,
      `/**\n * The public API of \`${entry.specifier}\`.\n * @module ${entry.specifier}\n */\nexport * from '${entry.specifier}';\n`,
    );
    entryPoints.push(join(outDir, name));
  }
  files.set(
    'tsconfig.json',
    JSON.stringify(
      {
        extends: relative(outDir, join(repoRoot, 'tsconfig.base.json')),
        compilerOptions: { noEmit: true },
        include: ['*.ts'],
      },
      null,
      2,
    ),
  );
  syncDir(outDir, files);
  return { entryPoints, tsconfig: join(outDir, 'tsconfig.json') };
}

/**
 * Makes `dir` hold exactly `files` (name → content): writes only files whose content
 * changed and deletes the rest. Generators run each time the config loads, possibly while
 * Astro reads the content folder, so untouched files must stay untouched.
 * @param {string} dir
 * @param {Map<string, string>} files
 */
export function syncDir(dir, files) {
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(dir)) {
    if (!files.has(name)) rmSync(join(dir, name), { recursive: true, force: true });
  }
  for (const [name, content] of files) {
    const file = join(dir, name);
    if (existsSync(file) && readFileSync(file, 'utf8') === content) continue;
    writeFileSync(file, content);
  }
}
