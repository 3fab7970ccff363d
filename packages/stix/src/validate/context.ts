import type { StixIssue, StixIssueCode } from '../model/issue';
import { joinPath } from '../model/issue';

/** Size and depth bounds applied to input, so hostile feeds cannot exhaust memory or stack. */
export interface StixLimits {
  /** Largest accepted input in bytes (UTF-8) for `parseStix`, or per object for streams. Default 512 MiB. */
  maxBytes?: number;
  /** Deepest nesting of arrays/objects inside one STIX object. Default 64. */
  maxDepth?: number;
  /** Longest accepted string, in UTF-16 code units. Default 8 MiB. */
  maxStringLength?: number;
}

export const DEFAULT_LIMITS: Required<StixLimits> = {
  maxBytes: 512 * 1024 * 1024,
  maxDepth: 64,
  maxStringLength: 8 * 1024 * 1024,
};

/** Options shared by `parseStix`, `parseStixStream` and `validateStixObject`. */
export interface ValidateOptions {
  /** `strict` (default): spec MUSTs are errors and objects with errors are dropped; `lenient`: they are warnings and objects are kept. */
  mode?: 'strict' | 'lenient';
  /** Accept custom object types, custom properties and custom extensions (default `false`). */
  allowCustom?: boolean;
  /** Size and depth bounds. */
  limits?: StixLimits;
}

const SHAPE_CODES: ReadonlySet<StixIssueCode> = new Set<StixIssueCode>([
  'INVALID_TYPE',
  'INVALID_VALUE',
  'INVALID_SPEC_VERSION',
  'MISSING_PROPERTY',
  'INVALID_ID',
  'ID_TYPE_MISMATCH',
  'INVALID_TLP',
]);

/**
 * Mutable state of one validation run. Internal: checkers push issues here; paths are
 * only built when an issue is raised, to keep the hot path allocation-free.
 */
export class ValidationContext {
  readonly issues: StixIssue[] = [];
  readonly must: 'error' | 'warning';
  readonly allowCustom: boolean;
  readonly maxDepth: number;
  readonly maxStringLength: number;
  /** Errors raised so far (any severity `error`). */
  errors = 0;
  /**
   * Issues that say a value has the wrong type or shape: such values are reported without
   * being walked, so the engine then scans the object for forbidden keys.
   */
  shapeIssues = 0;
  /** Set when an object's extensions declare a `toplevel-property-extension`. */
  toplevelExtension = false;

  constructor(options: ValidateOptions = {}) {
    this.must = options.mode === 'lenient' ? 'warning' : 'error';
    this.allowCustom = options.allowCustom === true;
    this.maxDepth = options.limits?.maxDepth ?? DEFAULT_LIMITS.maxDepth;
    this.maxStringLength = options.limits?.maxStringLength ?? DEFAULT_LIMITS.maxStringLength;
  }

  /** A broken spec MUST: an error in strict mode, a warning in lenient mode. */
  fail(code: StixIssueCode, parent: string, key: string | number | null, message: string): void {
    this.push(this.must, code, parent, key, message);
  }

  /** Always an error, whatever the mode (unusable input, security problems). */
  fatal(code: StixIssueCode, parent: string, key: string | number | null, message: string): void {
    this.push('error', code, parent, key, message);
  }

  /** A SHOULD or an open-vocabulary miss. */
  warn(code: StixIssueCode, parent: string, key: string | number | null, message: string): void {
    this.push('warning', code, parent, key, message);
  }

  push(
    severity: 'error' | 'warning',
    code: StixIssueCode,
    parent: string,
    key: string | number | null,
    message: string,
  ): void {
    if (severity === 'error') this.errors++;
    if (SHAPE_CODES.has(code)) this.shapeIssues++;
    this.issues.push({
      severity,
      code,
      path: key === null ? parent : joinPath(parent, key),
      message,
    });
  }
}
