/**
 * The STIX patterning language (STIX 2.1 Part 5): parse, print, validate, match, index.
 * @packageDocumentation
 */
export type {
  ComparisonBinary,
  ComparisonExpression,
  ComparisonOperator,
  ComparisonTest,
  ExistsTest,
  ObjectPath,
  Observation,
  ObservationBinary,
  ObservationExpression,
  PathStep,
  Pattern,
  PatternLiteral,
  QualifiedObservation,
  Qualifier,
} from './ast';
export type { IpNetwork } from './cidr';
export { isSubnetOf, parseIpNetwork } from './cidr';
export { patternFromObservables } from './from-observables';
export type {
  Correlation,
  IndexMatchOptions,
  IndicatorAddResult,
  IndicatorLike,
  IndicatorMatch,
} from './indicator-index';
export { IndicatorIndex, matchStream } from './indicator-index';
export { compileLike } from './like';
export type {
  MatchPatternOptions,
  ObservedDataLike,
  PatternMatchResult,
} from './matcher';
export { CompiledPattern, compilePattern, matchPattern } from './matcher';
export { PATTERN_COMPARISON_OPERATORS } from './operators';
export type { ParsePatternOptions } from './parser';
export { parsePattern } from './parser';
export type { PatternPosition } from './pattern-error';
export { isPatternError, PatternError } from './pattern-error';
export { printLiteral, printPath, printPattern } from './printer';
export { compileRegex } from './regex';
export type { PropertyKind } from './sco-properties';
export { SCO_PROPERTIES } from './sco-properties';
export { stripLocations } from './strip-locations';
export type { PatternIssue, PatternValidation } from './validator';
export { validatePattern } from './validator';
