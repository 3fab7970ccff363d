import { type CliIo, processIo } from './cli-io';
import { type Style, styleFor } from './style';

/** Everything a subcommand needs from the outside world, resolved once by `main`. */
export interface Context {
  /** Writes to stdout and waits for it to flush. */
  out(text: string): Promise<void>;
  /** Writes to stderr and waits for it to flush. */
  err(text: string): Promise<void>;
  stdin(): AsyncIterable<Uint8Array>;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  env: Readonly<Record<string, string | undefined>>;
  /** Colours for stdout. */
  style: Style;
  /** Colours for stderr. */
  errStyle: Style;
  signal: AbortSignal | undefined;
}

export function createContext(io: CliIo | undefined): Context {
  const base = processIo();
  const stdout = io?.stdout ?? base.stdout;
  const stderr = io?.stderr ?? base.stderr;
  const env = io?.env ?? (io ? {} : base.env);
  const stdoutIsTTY = io ? io.stdoutIsTTY === true : base.stdoutIsTTY;
  const stderrIsTTY = io ? io.stderrIsTTY === true : base.stderrIsTTY;
  return {
    out: async (text) => {
      await stdout(text);
    },
    err: async (text) => {
      await stderr(text);
    },
    stdin: io?.stdin ?? base.stdin,
    stdoutIsTTY,
    stderrIsTTY,
    env,
    style: styleFor(stdoutIsTTY, env),
    errStyle: styleFor(stderrIsTTY, env),
    signal: io?.signal,
  };
}
