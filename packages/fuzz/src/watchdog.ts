import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RunReply, RunRequest } from './protocol';

/** Options of {@link Watchdog}. */
export interface WatchdogOptions {
  /** Heap limit of the child in MB (default 1024): an input that needs more is a crash. */
  maxOldSpaceMb?: number;
}

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));
const START_ATTEMPTS = 5;

/**
 * Runs inputs one at a time in a child process (TypeScript source through tsx) and kills it
 * when an input overruns its deadline; the next input gets a fresh child. A child that dies
 * on its own (out of memory, abort) is reported as a crash.
 */
export class Watchdog {
  private child: ChildProcess | undefined;
  private ready: Promise<void> | undefined;
  private seq = 0;
  private stderr = '';
  private readonly maxOldSpaceMb: number;

  constructor(options: WatchdogOptions = {}) {
    this.maxOldSpaceMb = options.maxOldSpaceMb ?? 1024;
  }

  /**
   * Runs one input.
   *
   * @param target - Target name.
   * @param input - The input (structured-clone serialisable).
   * @param deadlineMs - Wall-clock time after which the child is killed and the input is a hang.
   * @returns The child's answer, or a `hang`/`crash` reply made here.
   */
  async run(target: string, input: unknown, deadlineMs: number): Promise<RunReply> {
    const child = await this.start();
    const seq = ++this.seq;
    const started = performance.now();
    return new Promise<RunReply>((resolve) => {
      const finish = (reply: RunReply) => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(reply);
      };
      const onMessage = (reply: RunReply) => {
        if (reply.seq === seq) finish(reply);
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
        this.forget(child);
        const tail = this.stderr.trim().split('\n').slice(-3).join(' | ').slice(0, 400);
        finish({
          seq,
          kind: 'crash',
          step: target,
          message: `child exited (${signal ?? `code ${code}`})${tail ? `: ${tail}` : ''}`,
          ms: performance.now() - started,
        });
      };
      const timer = setTimeout(() => {
        child.off('exit', onExit);
        this.kill(child);
        finish({
          seq,
          kind: 'hang',
          step: target,
          message: `no answer within ${Math.round(deadlineMs)} ms (killed)`,
          ms: performance.now() - started,
        });
      }, deadlineMs);
      child.on('message', onMessage);
      child.once('exit', onExit);
      this.stderr = '';
      child.send({ seq, target, input } satisfies RunRequest);
    });
  }

  /** Stops the child. */
  close(): void {
    if (this.child) this.kill(this.child);
  }

  private async start(): Promise<ChildProcess> {
    // The work tree is shared with people editing source; a child that fails to load a
    // half-saved file gets a few more tries before the run gives up.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.spawn();
      } catch (error) {
        if (attempt >= START_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, 2_000 * attempt));
      }
    }
  }

  private spawn(): Promise<ChildProcess> {
    if (this.child && this.ready) {
      const child = this.child;
      return this.ready.then(() => child);
    }
    const child = fork(CHILD, [], {
      execArgv: [
        '--conditions=@intelshare/source',
        '--import',
        'tsx',
        `--max-old-space-size=${this.maxOldSpaceMb}`,
      ],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      this.stderr = (this.stderr + text).slice(-4000);
    });
    this.child = child;
    this.ready = new Promise<void>((resolve, reject) => {
      const onReady = (message: unknown) => {
        if ((message as { ready?: boolean }).ready) {
          child.off('message', onReady);
          child.off('exit', onEarlyExit);
          resolve();
        }
      };
      const onEarlyExit = () => {
        this.forget(child);
        reject(new Error(`The fuzz child process did not start: ${this.stderr.slice(-2000)}`));
      };
      child.on('message', onReady);
      child.once('exit', onEarlyExit);
    });
    return this.ready.then(() => child);
  }

  private kill(child: ChildProcess): void {
    this.forget(child);
    child.kill('SIGKILL');
  }

  private forget(child: ChildProcess): void {
    if (this.child === child) {
      this.child = undefined;
      this.ready = undefined;
    }
  }
}
