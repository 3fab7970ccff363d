import { Readable } from 'node:stream';

/**
 * Where the command reads and writes; injectable so embedders can capture output.
 * Only `stdout` and `stderr` are required; the rest default to the process's own.
 */
export interface CliIo {
  /** Writes to standard output; may return a promise that settles once the text is flushed. */
  stdout: (text: string) => void | Promise<void>;
  /** Writes to standard error. */
  stderr: (text: string) => void | Promise<void>;
  /** Standard input as bytes, read when a command is given `-` as a file. */
  stdin?: () => AsyncIterable<Uint8Array>;
  /** Whether standard output is a terminal (enables colour and human layout). */
  stdoutIsTTY?: boolean;
  /** Whether standard error is a terminal (enables colour and progress). */
  stderrIsTTY?: boolean;
  /** Environment variables consulted (`NO_COLOR`, `FORCE_COLOR`, `INTELSHARE_*`). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Ends long-running commands such as `serve` when aborted. */
  signal?: AbortSignal;
}

/** Writes to a Node stream, waiting for `drain` so huge outputs never pile up in memory. */
function streamWriter(stream: NodeJS.WriteStream): (text: string) => void | Promise<void> {
  return (text) => {
    if (stream.write(text)) return;
    return new Promise<void>((resolve, reject) => {
      const onDrain = () => {
        stream.off('error', onError);
        resolve();
      };
      const onError = (error: Error) => {
        stream.off('drain', onDrain);
        reject(error);
      };
      stream.once('drain', onDrain);
      stream.once('error', onError);
    });
  };
}

/** The real process's standard streams and environment. */
export function processIo(): Required<Omit<CliIo, 'signal'>> {
  return {
    stdout: streamWriter(process.stdout),
    stderr: streamWriter(process.stderr),
    stdin: () => Readable.from(process.stdin) as AsyncIterable<Uint8Array>,
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    env: process.env,
  };
}
