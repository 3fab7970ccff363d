import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const appDir = fileURLToPath(new URL('../../', import.meta.url));
export const serverEntry = fileURLToPath(new URL('../../dist/server/entry.mjs', import.meta.url));
const startScript = fileURLToPath(new URL('../../scripts/start.mjs', import.meta.url));
const networkGuard = fileURLToPath(new URL('./no-external-network.mjs', import.meta.url));

/** The marker `no-external-network.mjs` prints for each outgoing connection attempt. */
export const EXTERNAL_NETWORK_MARKER = 'INTELSHARE-EXTERNAL-NETWORK-ATTEMPT';
/** Printed once by `no-external-network.mjs` when it is loaded into the server. */
export const NETWORK_GUARD_ACTIVE_MARKER = 'INTELSHARE-NETWORK-GUARD-ACTIVE';

export interface RunningDashboard {
  /** The origin printed by the start script, e.g. `http://127.0.0.1:41234`. */
  readonly origin: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** Everything the server wrote to stdout and stderr so far. */
  output(): string;
  stop(): Promise<void>;
}

/** Fails with a clear message when the dashboard has not been built yet. */
export function assertBuilt(): void {
  if (!existsSync(serverEntry)) {
    throw new Error(
      `${serverEntry} is missing: run \`pnpm --filter dashboard build\` first (turbo does it for \`pnpm test\`).`,
    );
  }
}

/**
 * Runs `scripts/start.mjs` (the real `pnpm start`) as a subprocess on a free loopback
 * port, with the network guard preloaded, and resolves once it prints its URL.
 */
export async function startDashboard(env: Record<string, string> = {}): Promise<RunningDashboard> {
  assertBuilt();
  const child = spawn(process.execPath, ['--import', networkGuard, startScript], {
    cwd: appDir,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', ...env },
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
      const match = /listening on (http:\/\/[^/\s]+)\//.exec(output);
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

  return {
    origin,
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
