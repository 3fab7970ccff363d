// Runs every `bench/*.bench.ts` of the package in the current directory, one after the
// other in this process, so `pnpm bench` in any package measures all of its suites.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const dir = join(process.cwd(), 'bench');
const only = process.argv[2];
const files = readdirSync(dir)
  .filter((name) => name.endsWith('.bench.ts'))
  .filter((name) => only === undefined || name.includes(only))
  .sort();
if (files.length === 0) throw new Error(`No bench/*.bench.ts files in ${process.cwd()}.`);
for (const file of files) {
  console.log(`\n# ${file}`);
  await import(pathToFileURL(join(dir, file)).href);
}
