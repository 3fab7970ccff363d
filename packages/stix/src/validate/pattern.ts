import { parsePattern } from '../patterns/parser';
import { isPatternError } from '../patterns/pattern-error';
import type { ValidationContext } from './context';

/**
 * Checks the syntax of an indicator's STIX pattern and reports a failure at
 * `<path>.pattern` with the parser's line and column. Semantics (unknown properties and
 * the like) are left to `validatePattern` in `@intelshare/stix/patterns`.
 */
export function checkStixPattern(pattern: string, ctx: ValidationContext, path: string): void {
  try {
    parsePattern(pattern);
  } catch (error) {
    if (!isPatternError(error)) throw error;
    ctx.fail('INVALID_PATTERN', path, 'pattern', error.message);
  }
}
