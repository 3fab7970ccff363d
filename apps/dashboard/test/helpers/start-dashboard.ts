import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const appDir = fileURLToPath(new URL('../../', import.meta.url));
export const serverEntry = fileURLToPath(new URL('../../dist/server/entry.mjs', import.meta.url));
const hubMain = fileURLToPath(new URL('../../dist/hub/main.js', import.meta.url));
const shippedConfig = fileURLToPath(new URL('../../intelshare.yaml', import.meta.url));

/** The admin password every test hub is started with. */
export const ADMIN_PASSWORD = 'test-admin-password-0123';
const networkGuard = fileURLToPath(new URL('./no-external-network.mjs', import.meta.url));

/** The marker `no-external-network.mjs` prints for each outgoing connection attempt. */
export const EXTERNAL_NETWORK_MARKER = 'INTELSHARE-EXTERNAL-NETWORK-ATTEMPT';
/** Printed once by `no-external-network.mjs` when it is loaded into the server. */
export const NETWORK_GUARD_ACTIVE_MARKER = 'INTELSHARE-NETWORK-GUARD-ACTIVE';

export interface RunningDashboard {
  /** The origin printed by the start script, e.g. `http://127.0.0.1:41234`. */
  readonly origin: string;
  /** The demo sources' origin. */
  readonly demoOrigin: string;
  /** The temporary folder holding the config and the SQLite store. */
  readonly dataDir: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** Everything the server wrote to stdout and stderr so far. */
  output(): string;
  stop(): Promise<void>;
}

/** Fails with a clear message when the dashboard has not been built yet. */
export function assertBuilt(): void {
  if (!existsSync(serverEntry) || !existsSync(hubMain)) {
    throw new Error(
      `${serverEntry} or ${hubMain} is missing: run \`pnpm --filter dashboard build\` first (turbo does it for \`pnpm test\`).`,
    );
  }
}

export interface StartOptions {
  /** Edits the shipped intelshare.yaml before the start (e.g. to add a source). */
  editConfig?: (yaml: string) => string;
  /** An existing data folder (to restart on the same store). */
  dataDir?: string;
  env?: Record<string, string>;
}

/**
 * Runs the built hub (`dist/hub/main.js`, the real `pnpm start`) as a subprocess on a free
 * loopback port, on a fresh temporary data folder, with the network guard preloaded, and
 * resolves once it prints its URL.
 */
export async function startDashboard(options: StartOptions = {}): Promise<RunningDashboard> {
  assertBuilt();
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'intelshare-hub-'));
  let yaml = readFileSync(shippedConfig, 'utf8')
    .replace(
      'sqlite: data/store/intelshare.sqlite',
      `sqlite: ${JSON.stringify(join(dataDir, 'store.sqlite'))}`,
    )
    .replace('port: 4321', 'port: 0');
  if (options.editConfig) yaml = options.editConfig(yaml);
  const configFile = join(dataDir, 'hub.yaml');
  writeFileSync(configFile, yaml);
  const child = spawn(process.execPath, ['--import', networkGuard, hubMain], {
    cwd: appDir,
    env: {
      ...process.env,
      INTELSHARE_CONFIG: configFile,
      INTELSHARE_ADMIN_PASSWORD: ADMIN_PASSWORD,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });

  const origin = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the dashboard did not start within 60 s:\n${output}`));
    }, 60_000);
    const onData = () => {
      const match = /listening on (http:\/\/[^/\s]+)\/.*\n.*sign in as/.exec(output);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the dashboard exited early with code ${code}:\n${output}`));
    });
  });

  const demoOrigin = /demo sources: (http:\/\/[^\s]+)/.exec(output)?.[1] ?? '';
  return {
    origin,
    demoOrigin,
    dataDir,
    port: Number(new URL(origin).port),
    child,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
      }),
  };
}
