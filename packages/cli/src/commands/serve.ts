import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createTaxiiHandler,
  hashApiKey,
  hashPassword,
  MemoryStorage,
  TAXII_MEDIA_TYPE,
} from '@intelshare/taxii-server';
import { type RunningServer, serve } from '@intelshare/taxii-server/node';
import { HELP_OPTION, integerOption, JSON_OPTION, parseCommandArgs } from '../args';
import { printHelpIfAsked } from '../command';
import type { Context } from '../context';
import { ioError, usageError } from '../errors/cli-error';
import { EXIT_CODES, type ExitCode } from '../exit-codes';
import { describeSystemError } from '../input';
import { columns, printJson } from '../output';

const HELP = `Usage: intelshare serve --demo [--port N] [--json]

Runs a TAXII 2.1 server.

With --demo it listens on 127.0.0.1 with one read-write collection holding the OASIS
STIX 2.1 example bundles shipped with this package, and fresh random credentials: a
user name and a password, the password also accepted as an API key (Bearer token).
The server runs until interrupted (Ctrl+C).

Options:
      --demo       Serve the bundled public demo data (required in this version).
      --port N     Port to listen on (default: a free port).
      --json       Once listening, print one line:
                   {"discovery","api_root","collection","username","password"}.
  -h, --help       Print this help.

Example:
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
    port: { type: 'string', short: 'p' },
  });
  if (await printHelpIfAsked(values, HELP, ctx)) return EXIT_CODES.ok;
  if (positionals.length > 0) throw usageError('`intelshare serve` takes no file arguments');
  if (values.demo !== true) throw usageError('give `--demo`; run `intelshare serve --help`');
  const port = integerOption('port', values.port, { min: 0, max: 65_535 }) ?? 0;
  return serveDemo(port, values.json === true, ctx);
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
