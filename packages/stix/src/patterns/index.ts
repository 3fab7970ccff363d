/**
 * The STIX patterning language (STIX 2.1 Part 5).
 * @packageDocumentation
 */
export { PATTERN_COMPARISON_OPERATORS } from './operators';
