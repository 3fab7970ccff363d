/**
 * The hub's process: loads the configuration, starts the hub (store, demo sources,
 * poller) and one HTTP server for the Astro pages and the partners' TAXII 2.1 API roots.
 * Built by tsup into dist/hub/main.js; `pnpm --filter dashboard start` runs it.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sendWebResponse, toWebRequest } from '@intelshare/taxii-server/node';
import { HubConfigError, loadHubConfig } from '../hub/config';
import { Hub } from '../hub/hub';
import { serveStatic } from './static-files';

const appDir = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const configFile = resolve(process.env.INTELSHARE_CONFIG ?? join(appDir, 'intelshare.yaml'));

function fail(message: string): never {
  console.error(`dashboard: ${message}`);
  process.exit(1);
}

const astroEntry = join(appDir, 'dist/server/entry.mjs');
if (!existsSync(astroEntry))
  fail(
    `${astroEntry} does not exist. Build first: pnpm --filter dashboard build (or pnpm dashboard from the repository root).`,
  );

let config: ReturnType<typeof loadHubConfig>;
try {
  config = loadHubConfig(configFile);
} catch (error) {
  fail(error instanceof HubConfigError ? error.message : String(error));
}
if (process.env.HOST) config.listen.host = process.env.HOST;
if (process.env.PORT !== undefined && process.env.PORT !== '')
  config.listen.port = Number(process.env.PORT);

process.env.ASTRO_NODE_AUTOSTART = 'disabled';
process.env.ASTRO_NODE_LOGGING = 'disabled';
const { handler: astroHandler } = (await import(pathToFileURL(astroEntry).href)) as {
  handler: (
    req: IncomingMessage,
    res: ServerResponse,
    next: (error?: unknown) => void,
    locals: object,
  ) => Promise<void>;
};

let hub: Hub;
try {
  hub = await Hub.start({
    config,
    configDir: dirname(configFile),
    demoDataDir: join(appDir, 'data/demo'),
    ...(process.env.INTELSHARE_EXTRA_DEMO_STIX
      ? { extraDemoStixFiles: process.env.INTELSHARE_EXTRA_DEMO_STIX.split(',') }
      : {}),
  });
} catch (error) {
  // A store that cannot be opened, an agreement that does not parse: one line, no stack.
  fail(error instanceof Error ? error.message : String(error));
}

// The admin account: the password comes from the environment or is generated on first start.
let adminLine: string;
const username = config.admin.username;
if (process.env.INTELSHARE_ADMIN_PASSWORD) {
  // Set only when it changed: instances sharing a database all start with the variable,
  // and setting a password ends the user's sessions on every instance.
  if (!(await hub.accounts.passwordIs(username, process.env.INTELSHARE_ADMIN_PASSWORD)))
    await hub.accounts.setPassword(username, process.env.INTELSHARE_ADMIN_PASSWORD);
  adminLine = `sign in as \`${username}\` with the password in INTELSHARE_ADMIN_PASSWORD`;
} else if (!(await hub.accounts.hasUser(username))) {
  const password = randomBytes(12).toString('base64url');
  await hub.accounts.setPassword(username, password);
  // Shown once, on the terminal of whoever started the hub; only its scrypt hash is stored.
  adminLine = `sign in as \`${username}\` with password ${password} (shown once; set INTELSHARE_ADMIN_PASSWORD to change it)`;
} else {
  adminLine = `sign in as \`${username}\` (password shown on first start; set INTELSHARE_ADMIN_PASSWORD to reset it)`;
}

const clientDir = join(appDir, 'dist/client');
/** Paths answered by the TAXII handler: discovery and the partners' API roots. */
function isTaxiiPath(pathname: string): boolean {
  return pathname === '/taxii2/' || pathname.startsWith('/partner-');
}

const server = createServer((req, res) => {
  const pathname = (req.url ?? '/').split('?')[0] ?? '/';
  if (isTaxiiPath(pathname)) {
    let request: Request;
    try {
      request = toWebRequest(req, origin);
    } catch {
      res.writeHead(400).end();
      return;
    }
    hub
      .handleTaxii(request)
      .then((response) => sendWebResponse(response, res))
      .catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    return;
  }
  if (serveStatic(clientDir, pathname, req, res)) return;
  astroHandler(
    req,
    res,
    () => {
      if (!res.headersSent) res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('Not found');
    },
    { hub },
  ).catch(() => {
    if (!res.headersSent) res.writeHead(500);
    res.end();
  });
});
server.keepAliveTimeout = 5_000;
server.requestTimeout = 60_000;

/** Where the data lives, for the start-up lines: a file path, or a database without credentials. */
function storeLabel(): string {
  if (config.storage.sqlite) return config.storage.sqlite;
  try {
    const url = new URL(config.storage.postgres?.url ?? '');
    // Host, port and database only: user and password never reach the terminal or a log.
    return `PostgreSQL at ${url.hostname}${url.port ? `:${url.port}` : ''}${url.pathname}`;
  } catch {
    return 'PostgreSQL';
  }
}

let origin = '';
server.once('error', (error) =>
  fail(`cannot listen on ${config.listen.host}:${config.listen.port}: ${error.message}`),
);
server.listen(config.listen.port, config.listen.host, () => {
  const { address, port, family } = server.address() as AddressInfo;
  origin = `http://${family === 'IPv6' ? `[${address}]` : address}:${port}`;
  console.log(`  store: ${storeLabel()}`);
  if (hub.demo) console.log(`  demo sources: ${hub.demo.url}`);
  console.log(`intelshare sharing hub listening on ${origin}/ (Ctrl+C to stop)\n  ${adminLine}`);
});

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log(`dashboard: ${signal}, stopping (finishing the batch being stored)…`);
    server.close();
    server.closeIdleConnections();
    // Open event streams would keep the server open; the poller is stopped first, cleanly.
    hub
      .stop()
      .then(() => {
        server.closeAllConnections();
        console.log('dashboard: stopped');
        process.exit(0);
      })
      .catch((error) => {
        console.error(
          `dashboard: stopping failed: ${error instanceof Error ? error.message : error}`,
        );
        process.exit(1);
      });
  });
}
