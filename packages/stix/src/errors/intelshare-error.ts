const marker = Symbol.for('intelshare.error');

/**
 * The stable codes every intelshare error carries, so callers can branch on them.
 * Packages add their own codes to this union as they grow.
 */
export type IntelshareErrorCode =
  | 'INVALID_ARGUMENT'
  | 'INVALID_JSON'
  | 'VALIDATION_FAILED'
  | 'LIMIT_EXCEEDED'
  | 'PATTERN_SYNTAX'
  | 'PATTERN_UNSUPPORTED'
  | 'REGEX_UNSAFE'
  | 'POLICY_INVALID'
  | 'POLICY_DENIED'
  | 'AUDIT_TAMPERED'
  | 'HTTP_ERROR'
  | 'TAXII_ERROR'
  | 'NETWORK_ERROR'
  | 'TIMEOUT'
  | 'ABORTED'
  | 'FEED_FORMAT'
  | 'STORAGE_ERROR'
  | (string & {});

/** Options for {@link IntelshareError}. */
export interface IntelshareErrorOptions {
  /** The error that caused this one, kept for debugging. */
  cause?: unknown;
  /** Where in the input the problem is, as a JSON path such as `objects[3].pattern`. */
  path?: string;
}

/**
 * The base class of every error intelshare throws. Branch on {@link IntelshareError.code};
 * use {@link isIntelshareError} rather than `instanceof`, which fails when two copies of
 * the package are installed.
 *
 * @example
 * ```ts
 * import { IntelshareError, isIntelshareError } from '@intelshare/stix';
 *
 * try {
 *   throw new IntelshareError('INVALID_JSON', 'Unexpected end of input.', { path: 'objects[3]' });
 * } catch (error) {
 *   if (isIntelshareError(error)) console.log(error.code, error.path);
 * }
 * ```
 */
export class IntelshareError extends Error {
  /** A stable, machine-readable code. */
  readonly code: IntelshareErrorCode;
  /** Where in the input the problem is, when it is about input. */
  readonly path: string | undefined;

  constructor(code: IntelshareErrorCode, message: string, options: IntelshareErrorOptions = {}) {
    super(options.path ? `${options.path}: ${message}` : message, { cause: options.cause });
    this.name = 'IntelshareError';
    this.code = code;
    this.path = options.path;
    Object.defineProperty(this, marker, { value: true });
  }
}

/**
 * Tells whether a value is an {@link IntelshareError} from any copy of any intelshare package.
 *
 * @example
 * ```ts
 * import { isIntelshareError } from '@intelshare/stix';
 *
 * isIntelshareError(new Error('x')); // false
 * ```
 */
export function isIntelshareError(value: unknown): value is IntelshareError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[marker] === true
  );
}
