// `pnpm release`: builds and publishes every public package whose version is not on the
// registry yet (changesets decides versions). `pnpm release --dry-run` stops after
// packing the tarballs into `release/`, so the exact artefacts can be inspected.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { packPublicPackages, repositoryRoot } from './pack-packages.mjs';

const dryRun = process.argv.includes('--dry-run');
const run = (command, args) =>
  execFileSync(command, args, { cwd: repositoryRoot, stdio: 'inherit' });

run('pnpm', ['turbo', 'run', 'build', '--filter=./packages/*']);
const tarballs = packPublicPackages(join(repositoryRoot, 'release'));
for (const { name, tarball } of tarballs) console.log(`packed ${name} → ${tarball}`);
if (dryRun) {
  console.log(`\nDry run: ${tarballs.length} tarballs in release/, nothing published.`);
} else {
  run('pnpm', ['changeset', 'publish']);
}
