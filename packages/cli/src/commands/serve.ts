import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createTaxiiHandler,
  hashApiKey,
  hashPassword,
  loadServerConfig,
  MemoryStorage,
  TAXII_MEDIA_TYPE,
  toTaxiiServerConfig,
} from '@intelshare/taxii-server';
import {
  openRateLimitStore,
  openStorage,
  type RunningServer,
  serve,
} from '@intelshare/taxii-server/node';
import { parse as parseYaml } from 'yaml';
import { HELP_OPTION, integerOption, JSON_OPTION, parseCommandArgs } from '../args';
import { printHelpIfAsked } from '../command';
import type { Context } from '../context';
import { invalidInputError, ioError, usageError } from '../errors/cli-error';
import { EXIT_CODES, type ExitCode } from '../exit-codes';
import { describeSystemError, openInput, readText } from '../input';
import { columns, printJson } from '../output';

const HELP = `Usage: intelshare serve --config FILE [--port N] [--host H] [--json]
       intelshare serve --demo [--port N] [--json]

Runs a TAXII 2.1 server until interrupted (Ctrl+C or SIGTERM).

With --config it serves what a YAML or JSON config file describes: API roots,
collections (stored, or views that project a source collection through a sharing
agreement for one recipient), users and API keys (hashed), limits, and the storage
(\`memory:\`, \`sqlite:<file>\` or \`postgres://...\`). Agreements may be given inline or
as \`{ file: path }\`, relative to the config file.

With --demo it listens on 127.0.0.1 with one read-write collection holding the OASIS
STIX 2.1 example bundles shipped with this package, and fresh random credentials: a
user name and a password, the password also accepted as an API key (Bearer token).
The server runs until interrupted (Ctrl+C).

Options:
  -c, --config FILE  The server config file.
      --demo         Serve the bundled public demo data instead.
  -p, --port N       Port to listen on (default 8021 with --config, a free port with --demo).
      --host H       Interface to listen on with --config (default 127.0.0.1).
      --json         Once listening, print one line: with --demo
                     {"discovery","api_root","collection","username","password"},
                     with --config {"discovery","api_roots"}.
  -h, --help         Print this help.

Example:
  intelshare serve --config taxii.yaml --port 8443 --host 0.0.0.0
  intelshare serve --demo --port 8021
  intelshare taxii collections http://127.0.0.1:8021/ --user demo --password <printed password>
`;

/** The demo collection's id: fixed, so examples and scripts can name it. */
export const DEMO_COLLECTION_ID = '3f6b5f7a-2c1e-4f8e-9a7d-6c0d1e2b4a55';
const DEMO_API_ROOT = 'demo';
const DEMO_USER = 'demo';

/** Runs the command with the arguments after its name. */
export async function run(argv: readonly string[], ctx: Context): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs('serve', argv, {
    ...HELP_OPTION,
    ...JSON_OPTION,
    demo: { type: 'boolean' },
    config: { type: 'string', short: 'c' },
    port: { type: 'string', short: 'p' },
    host: { type: 'string' },
  });
  if (await printHelpIfAsked(values, HELP, ctx)) return EXIT_CODES.ok;
  if (positionals.length > 0) throw usageError('`intelshare serve` takes no file arguments');
  if (values.demo === true && values.config !== undefined) {
    throw usageError('give either `--config FILE` or `--demo`, not both');
  }
  const port = integerOption('port', values.port, { min: 0, max: 65_535 });
  if (values.config !== undefined) {
    return serveConfig(
      values.config,
      port ?? 8021,
      values.host ?? '127.0.0.1',
      values.json === true,
      ctx,
    );
  }
  if (values.demo !== true)
    throw usageError('give `--config FILE` or `--demo`; run `intelshare serve --help`');
  if (values.host !== undefined)
    throw usageError('`--demo` always listens on 127.0.0.1; drop `--host`');
  return serveDemo(port ?? 0, values.json === true, ctx);
}

async function serveDemo(port: number, json: boolean, ctx: Context): Promise<ExitCode> {
  const password = randomBytes(18).toString('base64url');
  const storage = new MemoryStorage();
  const handler = createTaxiiHandler({
    title: 'intelshare demo TAXII server',
    description: 'OASIS STIX 2.1 example bundles, served by `intelshare serve --demo`.',
    cursorSecret: randomBytes(32),
    storage,
    defaultApiRoot: DEMO_API_ROOT,
    auth: {
      // A low PBKDF2 cost: the password is random and lives only as long as this process.
      users: [{ username: DEMO_USER, passwordHash: await hashPassword(password, 10_000) }],
      apiKeys: [{ principal: DEMO_USER, hash: await hashApiKey(password) }],
    },
    apiRoots: [
      {
        path: DEMO_API_ROOT,
        title: 'Demo',
        description: 'Public example data, read-write.',
        collections: [
          {
            id: DEMO_COLLECTION_ID,
            title: 'OASIS STIX 2.1 examples',
            description: 'The example bundles of oasis-open/cti-documentation (BSD-3-Clause).',
            canRead: [DEMO_USER],
            canWrite: [DEMO_USER],
          },
        ],
      },
    ],
  });
  const loaded = await loadDemoData(handler, password);

  let server: RunningServer;
  try {
    server = await serve(handler, { port, host: '127.0.0.1' });
  } catch (error) {
    throw ioError(`cannot listen on 127.0.0.1:${port}: ${describeSystemError(error)}`, error);
  }
  const discovery = `${server.url}/taxii2/`;
  const apiRoot = `${server.url}/${DEMO_API_ROOT}/`;
  if (json) {
    await printJson(ctx, {
      discovery,
      api_root: apiRoot,
      collection: DEMO_COLLECTION_ID,
      username: DEMO_USER,
      password,
    });
  } else {
    const { bold, dim } = ctx.style;
    const rows = [
      ['discovery', discovery],
      ['API root', apiRoot],
      ['collection', `${DEMO_COLLECTION_ID} ${dim(`(read-write, ${loaded} objects)`)}`],
      ['username', DEMO_USER],
      ['password', `${password} ${dim('(also an API key: Authorization: Bearer <password>)')}`],
    ];
    await ctx.out(
      `${bold('TAXII 2.1 demo server listening')}\n${columns(
        rows.map(([k, v]) => [`  ${dim(k ?? '')}`, v ?? '']),
      ).join('\n')}\n${dim('Press Ctrl+C to stop.')}\n`,
    );
  }
  await untilAborted(ctx.signal);
  await server.close();
  await storage.close();
  return EXIT_CODES.ok;
}

async function serveConfig(
  path: string,
  port: number,
  host: string,
  json: boolean,
  ctx: Context,
): Promise<ExitCode> {
  if (path === '-') throw usageError('read the config from a file, not stdin');
  const file = loadServerConfig(await readText(await openInput(path, ctx), 1024 * 1024));
  // `{ file: path }` agreements are read here, relative to the config file.
  const agreements: Record<string, unknown> = Object.create(null);
  for (const [name, value] of Object.entries(file.agreements)) {
    const reference = value as { file?: unknown } | null;
    if (
      reference &&
      typeof reference === 'object' &&
      typeof reference.file === 'string' &&
      Object.keys(reference).length === 1
    ) {
      const agreementPath = join(dirname(path), reference.file);
      const text = await readText(await openInput(agreementPath, ctx), 1024 * 1024);
      try {
        agreements[name] = parseYaml(text, { maxAliasCount: 100 }) as unknown;
      } catch (error) {
        throw invalidInputError(
          `the agreement file \`${agreementPath}\` is not valid YAML or JSON`,
          error,
        );
      }
    } else {
      agreements[name] = value;
    }
  }
  let storage: Awaited<ReturnType<typeof openStorage>>;
  try {
    storage = await openStorage(file.storage, { mirror: file.mirror });
  } catch (error) {
    if ((error as { code?: unknown }).code === undefined) throw error;
    throw ioError(
      `cannot open the storage \`${file.storage}\`: ${describeSystemError(error)}`,
      error,
    );
  }
  // On PostgreSQL, request budgets live in the database: they hold across instances.
  const rateLimitStore = await openRateLimitStore(file.storage);
  try {
    const handler = createTaxiiHandler(
      toTaxiiServerConfig(
        { ...file, agreements },
        { storage, env: { ...ctx.env }, ...(rateLimitStore ? { rateLimitStore } : {}) },
      ),
    );
    let server: RunningServer;
    try {
      server = await serve(handler, { port, host });
    } catch (error) {
      throw ioError(`cannot listen on ${host}:${port}: ${describeSystemError(error)}`, error);
    }
    const discovery = `${server.url}${file.discoveryPath ?? '/taxii2/'}`;
    const apiRoots = file.apiRoots.map((root) => `${server.url}/${root.path}/`);
    if (json) await printJson(ctx, { discovery, api_roots: apiRoots });
    else {
      const { bold, dim } = ctx.style;
      await ctx.out(
        `${bold(`${file.title}: TAXII 2.1 server listening`)}\n${columns([
          [`  ${dim('discovery')}`, discovery],
          ...apiRoots.map((root) => [`  ${dim('API root')}`, root]),
          [`  ${dim('storage')}`, file.storage.replace(/\/\/[^@/]*@/, '//***@')],
        ]).join('\n')}\n${dim('Press Ctrl+C to stop.')}\n`,
      );
    }
    await untilAborted(ctx.signal);
    await server.close();
  } finally {
    await rateLimitStore?.close();
    await storage.close();
  }
  return EXIT_CODES.ok;
}

/** Resolves when the signal aborts (or, without one, never: the process is killed). */
function untilAborted(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal === undefined) return;
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** The `demo/` folder shipped in the package (next to `dist/`, or to `src/` in the repo). */
function demoDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 4; depth += 1) {
    const candidate = join(dir, 'demo', 'oasis-cti-documentation');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw ioError('the bundled demo data is missing from this installation of @intelshare/cli');
}

/**
 * Adds every demo bundle through the server's own TAXII API (POST objects), so the data
 * is validated and stored exactly as a client's would be.
 */
async function loadDemoData(
  handler: (request: Request) => Promise<Response>,
  password: string,
): Promise<number> {
  const dir = demoDir();
  const files = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort();
  const seen = new Set<string>();
  for (const file of files) {
    const bundle = JSON.parse(await readFile(join(dir, file), 'utf8')) as {
      objects?: { id?: unknown; modified?: unknown }[];
    };
    const objects = bundle.objects ?? [];
    const response = await handler(
      new Request(`http://127.0.0.1/${DEMO_API_ROOT}/collections/${DEMO_COLLECTION_ID}/objects/`, {
        method: 'POST',
        headers: {
          accept: TAXII_MEDIA_TYPE,
          'content-type': TAXII_MEDIA_TYPE,
          authorization: `Bearer ${password}`,
        },
        body: JSON.stringify({ objects }),
      }),
    );
    const status = (await response.json()) as { success_count?: number; failure_count?: number };
    if (!response.ok || (status.failure_count ?? 0) > 0) {
      throw ioError(
        `loading the demo file \`${file}\` failed: HTTP ${response.status}, ${status.failure_count ?? '?'} objects refused`,
      );
    }
    for (const object of objects) seen.add(`${String(object.id)}|${String(object.modified)}`);
  }
  return seen.size;
}
