// The matrix driver for Node, Bun and Deno: runs every scenario, serving the TAXII handler
// with the runtime's own HTTP server (Deno.serve, Bun.serve, or node:http through
// @intelshare/taxii-server/node) on 127.0.0.1 and pulling it with TaxiiClient over real HTTP.
// Prints one line: `RESULT <json>`.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  matchIndicators,
  projectForPartner,
  pullAll,
  sampleTaxiiHandler,
  validateBundle,
} from './scenarios.mjs';

const runtime = globalThis.Deno
  ? `deno ${globalThis.Deno.version.deno}`
  : globalThis.Bun
    ? `bun ${globalThis.Bun.version}`
    : `node ${process.versions.node}`;

async function serve(handler) {
  if (globalThis.Deno) {
    const server = globalThis.Deno.serve(
      { hostname: '127.0.0.1', port: 0, onListen() {} },
      handler,
    );
    return { url: `http://127.0.0.1:${server.addr.port}`, close: () => server.shutdown() };
  }
  if (globalThis.Bun) {
    const server = globalThis.Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: handler });
    return { url: `http://127.0.0.1:${server.port}`, close: () => server.stop(true) };
  }
  const { serve: serveWithNode } = await import('@intelshare/taxii-server/node');
  return serveWithNode(handler);
}

const agreementText = readFileSync(
  fileURLToPath(import.meta.resolve('@intelshare/policy/agreements/vendor-crime-agency-mou.yaml')),
  'utf8',
);
const server = await serve(sampleTaxiiHandler());
try {
  const result = {
    runtime,
    stix: validateBundle(),
    patterns: matchIndicators(),
    policy: projectForPartner(agreementText),
    taxii: await pullAll(server.url),
  };
  console.log(`RESULT ${JSON.stringify(result)}`);
} finally {
  await server.close();
}
