// Packs every public workspace package with `pnpm pack` (which rewrites `workspace:`
// ranges to real versions, as publishing does) into a folder, and returns the tarballs.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** @returns {{ name: string, version: string, dir: string }[]} the non-private packages under packages/. */
export function publicPackages() {
  const base = join(repositoryRoot, 'packages');
  return readdirSync(base)
    .map((name) => join(base, name))
    .map((dir) => {
      try {
        return { dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) };
      } catch {
        return undefined;
      }
    })
    .filter((entry) => entry !== undefined && entry.manifest.private !== true)
    .map(({ dir, manifest }) => ({ name: manifest.name, version: manifest.version, dir }));
}

/**
 * @param {string} destination folder for the tarballs
 * @returns {{ name: string, tarball: string }[]}
 */
export function packPublicPackages(destination) {
  mkdirSync(destination, { recursive: true });
  return publicPackages().map(({ name, dir }) => {
    const output = execFileSync('pnpm', ['pack', '--pack-destination', destination], {
      cwd: dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tarball = output
      .trim()
      .split('\n')
      .map((line) => line.trim())
      .reverse()
      .find((line) => line.endsWith('.tgz'));
    if (!tarball) throw new Error(`pnpm pack printed no tarball for ${name}:\n${output}`);
    return { name, tarball: tarball.startsWith('/') ? tarball : join(destination, tarball) };
  });
}
