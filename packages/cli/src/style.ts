/** ANSI styling that is a no-op when colour is off. */
export interface Style {
  readonly enabled: boolean;
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
  bold(text: string): string;
  dim(text: string): string;
}

const wrap = (open: number, close: number) => (text: string) =>
  `\u001b[${open}m${text}\u001b[${close}m`;

const COLOURED: Style = {
  enabled: true,
  red: wrap(31, 39),
  yellow: wrap(33, 39),
  green: wrap(32, 39),
  bold: wrap(1, 22),
  dim: wrap(2, 22),
};

const identity = (text: string) => text;
const PLAIN: Style = {
  enabled: false,
  red: identity,
  yellow: identity,
  green: identity,
  bold: identity,
  dim: identity,
};

/**
 * Colour only on a terminal, never when `NO_COLOR` is set to anything non-empty
 * (https://no-color.org), and on request with `FORCE_COLOR` (any value but `0`).
 * Five escape codes do not justify a dependency.
 */
export function styleFor(isTTY: boolean, env: Readonly<Record<string, string | undefined>>): Style {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return PLAIN;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return COLOURED;
  if (env.TERM === 'dumb') return PLAIN;
  return isTTY ? COLOURED : PLAIN;
}
