/**
 * The exit codes of `intelshare`, stable so scripts can branch on them.
 *
 * @example
 * ```ts
 * import { EXIT_CODES, main } from '@intelshare/cli';
 *
 * const code = await main(['--version']);
 * if (code === EXIT_CODES.usage) console.error('bad arguments');
 * ```
 */
export const EXIT_CODES = {
  /** Everything worked (and, where it applies, the input was valid or matched). */
  ok: 0,
  /** The input was invalid, nothing matched, or a policy denied the request. */
  invalid: 1,
  /** The command line itself was wrong: unknown command or option, missing argument. */
  usage: 2,
  /** Reading a file, stdin or the network failed. */
  io: 3,
} as const;

/** One of the values of {@link EXIT_CODES}. */
export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];
