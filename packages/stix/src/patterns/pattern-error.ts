import { IntelshareError, type IntelshareErrorCode } from '../errors/intelshare-error';

/** Where in a pattern's text something is: 0-based offset, 1-based line and column. */
export interface PatternPosition {
  /** 0-based UTF-16 offset into the pattern text. */
  offset: number;
  /** 1-based line. */
  line: number;
  /** 1-based column (UTF-16 units). */
  column: number;
}

/**
 * The error every pattern function throws for bad input: a syntax error, an exceeded
 * limit, an unsafe regular expression or an unsupported feature, with its position.
 *
 * @example
 * ```ts
 * import { parsePattern, isPatternError } from '@intelshare/stix/patterns';
 *
 * try {
 *   parsePattern("[file:name = 'x'");
 * } catch (error) {
 *   if (isPatternError(error)) console.log(error.code, error.line, error.column);
 * }
 * ```
 */
export class PatternError extends IntelshareError {
  /** 0-based offset of the problem in the pattern text. */
  readonly offset: number;
  /** 1-based line of the problem. */
  readonly line: number;
  /** 1-based column of the problem. */
  readonly column: number;

  constructor(
    code: IntelshareErrorCode,
    message: string,
    position: PatternPosition,
    options: { path?: string; cause?: unknown } = {},
  ) {
    const where = `line ${position.line}, column ${position.column}`;
    super(code, `${message} (at ${where})`, options);
    this.name = 'PatternError';
    this.offset = position.offset;
    this.line = position.line;
    this.column = position.column;
  }
}

/**
 * Tells whether a value is a {@link PatternError} (it carries `line`, `column` and `offset`).
 *
 * @param value - Anything caught.
 * @returns `true` for pattern errors from any copy of the package.
 *
 * @example
 * ```ts
 * import { isPatternError } from '@intelshare/stix/patterns';
 *
 * isPatternError(new Error('x')); // false
 * ```
 */
export function isPatternError(value: unknown): value is PatternError {
  return (
    value instanceof Error &&
    (value as { name?: unknown }).name === 'PatternError' &&
    typeof (value as { offset?: unknown }).offset === 'number' &&
    typeof (value as { code?: unknown }).code === 'string'
  );
}
