import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

/** The built binary: tests run what users run, so `pnpm --filter @intelshare/cli build` first. */
export const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'bin.js');

if (!existsSync(BIN)) {
  throw new Error(`${BIN} is missing: run \`pnpm --filter @intelshare/cli build\` first.`);
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Text, bytes or a stream piped to stdin; stdin is closed empty when omitted. */
  stdin?: string | Uint8Array | AsyncIterable<Uint8Array | string>;
  env?: Record<string, string>;
  cwd?: string;
  /** Kills the process after this many ms (the test then fails on the exit code). */
  timeoutMs?: number;
}

/** Runs `node dist/bin.js ...args` and collects its output and exit code. */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? '', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 60_000,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    // The child may exit before reading all of stdin (e.g. a usage error): not our failure.
    child.stdin.on('error', () => {});
    child.on('close', (code) =>
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
    const input = options.stdin;
    if (input === undefined) child.stdin.end();
    else if (typeof input === 'string' || input instanceof Uint8Array) child.stdin.end(input);
    else Readable.from(input).pipe(child.stdin);
  });
}

/** Parses output that holds one JSON value per line. */
export function jsonLines(text: string): unknown[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as unknown);
}

/** A CLI process left running (e.g. `serve`), with its output so far. */
export interface BackgroundCli {
  /** Resolves with the first line the process prints on stdout. */
  firstLine: Promise<string>;
  /** Sends a signal and resolves with how the process ended. */
  stop(signal?: NodeJS.Signals): Promise<CliResult>;
  /** Resolves when the process ends on its own. */
  exited: Promise<CliResult>;
  readonly pid: number | undefined;
}

/** Starts `node dist/bin.js ...args` and leaves it running. */
export function startCli(args: readonly string[], options: RunOptions = {}): BackgroundCli {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let resolveLine: (line: string) => void;
  let rejectLine: (error: Error) => void;
  const firstLine = new Promise<string>((resolve, reject) => {
    resolveLine = resolve;
    rejectLine = reject;
  });
  child.stdout.on('data', (chunk: Buffer) => {
    out.push(chunk);
    const text = Buffer.concat(out).toString('utf8');
    const newline = text.indexOf('\n');
    if (newline >= 0) resolveLine(text.slice(0, newline));
  });
  // Tests that never ask for the first line must not see its rejection as unhandled.
  firstLine.catch(() => {});
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
  child.stdin.end(typeof options.stdin === 'string' ? options.stdin : undefined);
  const exited = new Promise<CliResult>((resolve) => {
    child.on('close', (code) => {
      const result = {
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      };
      rejectLine(new Error(`the process ended before printing a line: ${JSON.stringify(result)}`));
      resolve(result);
    });
  });
  return {
    firstLine,
    exited,
    pid: child.pid,
    stop(signal = 'SIGTERM') {
      child.kill(signal);
      return exited;
    },
  };
}
