/**
 * The comparison operators of STIX patterning (STIX 2.1 §9.5, Table 9.5).
 *
 * @example
 * ```ts
 * import { PATTERN_COMPARISON_OPERATORS } from '@intelshare/stix/patterns';
 *
 * PATTERN_COMPARISON_OPERATORS.includes('LIKE'); // true
 * ```
 */
export const PATTERN_COMPARISON_OPERATORS = [
  '=',
  '!=',
  '>',
  '<',
  '>=',
  '<=',
  'IN',
  'LIKE',
  'MATCHES',
  'ISSUBSET',
  'ISSUPERSET',
  'EXISTS',
] as const;
