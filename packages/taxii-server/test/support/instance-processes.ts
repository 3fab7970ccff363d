import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./instance-process.ts', import.meta.url));

/** Server instances running as separate processes on one PostgreSQL. */
export interface InstanceProcesses {
  urls: string[];
  stop(): Promise<void>;
}

/**
 * Starts `count` processes of `instance-process.ts`, each with its own pool, sharing only
 * the database and the cursor secret, and resolves once every one is listening.
 */
export async function startInstances(
  count: number,
  env: { pgUrl: string; cursorSecret: string; rate?: string; mirror?: boolean },
): Promise<InstanceProcesses> {
  const children: ChildProcess[] = [];
  const started = Array.from({ length: count }, () => {
    const child = spawn(
      process.execPath,
      ['--conditions=@intelshare/source', '--import', 'tsx', SCRIPT],
      {
        env: {
          ...process.env,
          TAXII_PG_URL: env.pgUrl,
          TAXII_CURSOR_SECRET: env.cursorSecret,
          ...(env.rate ? { TAXII_RATE: env.rate } : {}),
          ...(env.mirror ? { TAXII_MIRROR: '1' } : {}),
        },
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    children.push(child);
    return new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const line = out.split('\n')[0];
        if (out.includes('\n') && line) resolve((JSON.parse(line) as { url: string }).url);
      });
      child.once('exit', (code) =>
        reject(new Error(`instance exited with ${code} before listening`)),
      );
      child.once('error', reject);
    });
  });
  const stop = async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.stdin!.end();
          }),
      ),
    );
  };
  try {
    return { urls: await Promise.all(started), stop };
  } catch (error) {
    for (const child of children) child.kill();
    throw error;
  }
}
