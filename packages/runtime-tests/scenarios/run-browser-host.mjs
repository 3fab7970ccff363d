// Serves the browser matrix on 127.0.0.1 from this Node process: the page, its bundle
// (browser.bundle.js), the agreement's YAML, and — under every other path — the TAXII
// handler built from the packed @intelshare/taxii-server. Prints `LISTENING <url>` and
// serves until stopped.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { serve } from '@intelshare/taxii-server/node';
import { sampleTaxiiHandler } from './scenarios.mjs';

const bundle = readFileSync(fileURLToPath(new URL('./browser.bundle.js', import.meta.url)), 'utf8');
const agreementText = readFileSync(
  fileURLToPath(import.meta.resolve('@intelshare/policy/agreements/vendor-crime-agency-mou.yaml')),
  'utf8',
);
const taxii = sampleTaxiiHandler();
const page =
  '<!doctype html><meta charset="utf-8"><title>runtime matrix</title><script type="module" src="/browser.bundle.js"></script>';

const server = await serve(async (request) => {
  const { pathname } = new URL(request.url);
  if (pathname === '/')
    return new Response(page, { headers: { 'content-type': 'text/html; charset=utf-8' } });
  if (pathname === '/browser.bundle.js') {
    return new Response(bundle, { headers: { 'content-type': 'text/javascript; charset=utf-8' } });
  }
  if (pathname === '/agreement.yaml') {
    return new Response(agreementText, { headers: { 'content-type': 'text/yaml; charset=utf-8' } });
  }
  return taxii(request);
});
console.log(`LISTENING ${server.url}`);
const stop = () => server.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
