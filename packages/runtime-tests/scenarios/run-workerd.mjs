// The matrix driver for workerd: starts the bundled worker (worker.bundle.mjs) in workerd
// through miniflare on 127.0.0.1, runs the scenarios inside it, and pulls its TAXII API with
// TaxiiClient from this Node process over real HTTP. Prints one line: `RESULT <json>`.
// Usage: node run-workerd.mjs <compatibility date>
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Miniflare } from 'miniflare';
import { pullAll } from './scenarios.mjs';

const compatibilityDate = process.argv[2];
const agreementText = readFileSync(
  fileURLToPath(import.meta.resolve('@intelshare/policy/agreements/vendor-crime-agency-mou.yaml')),
  'utf8',
);
const miniflareVersion = JSON.parse(
  readFileSync(fileURLToPath(import.meta.resolve('miniflare/package.json')), 'utf8'),
).version;
const workerdVersion = JSON.parse(
  readFileSync(fileURLToPath(import.meta.resolve('workerd/package.json')), 'utf8'),
).version;

const mf = new Miniflare({
  modules: true,
  scriptPath: fileURLToPath(new URL('./worker.bundle.mjs', import.meta.url)),
  compatibilityDate,
  host: '127.0.0.1',
  port: 0,
});
try {
  const url = await mf.ready;
  const inside = await fetch(new URL('/__scenarios', url), { method: 'POST', body: agreementText });
  if (!inside.ok) throw new Error(`the worker answered ${inside.status}: ${await inside.text()}`);
  const result = {
    runtime: `workerd ${workerdVersion} (miniflare ${miniflareVersion})`,
    ...(await inside.json()),
    taxii: await pullAll(url.origin),
  };
  console.log(`RESULT ${JSON.stringify(result)}`);
} finally {
  await mf.dispose();
}
