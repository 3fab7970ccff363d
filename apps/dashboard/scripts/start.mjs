#!/usr/bin/env node
// Starts the built standalone server (`astro build` output, dist/server/entry.mjs) on
// 127.0.0.1:4321 unless HOST/PORT say otherwise (PORT=0 picks a free port), and prints
// the URL once it is really listening.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const entry = fileURLToPath(new URL('../dist/server/entry.mjs', import.meta.url));
if (!existsSync(entry)) {
  console.error(
    `dashboard: ${entry} does not exist. Build it first: pnpm --filter dashboard build (or pnpm dashboard from the repository root).`,
  );
  process.exit(1);
}

// Loopback unless asked otherwise: the demo should not be reachable from the network.
process.env.HOST ||= '127.0.0.1';
process.env.PORT ||= '4321';
// We start the server ourselves (to learn the real port) and print our own line.
process.env.ASTRO_NODE_AUTOSTART = 'disabled';
process.env.ASTRO_NODE_LOGGING = 'disabled';

const { startServer } = await import(pathToFileURL(entry).href);
const { server, done } = startServer();
const http = server.server;

http.once('listening', () => {
  const address = http.address();
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  console.log(`intelshare dashboard listening on http://${host}:${address.port}/ (Ctrl+C to stop)`);
});

done.catch((error) => {
  console.error(`dashboard: the server failed: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    server.stop().finally(() => process.exit(0));
  });
}
