import type { PatternPosition } from './pattern-error';

// The typed syntax tree of a STIX pattern (STIX 2.1 §9, grammar in Part 5 / Appendix A).
// Every node carries `loc`, the position of its first character in the source text.

/** A literal constant (STIX 2.1 §9.2 Table "Literal types"). */
export type PatternLiteral =
  | { kind: 'string'; value: string; loc: PatternPosition }
  | { kind: 'int'; value: number; loc: PatternPosition }
  | { kind: 'float'; value: number; loc: PatternPosition }
  | { kind: 'boolean'; value: boolean; loc: PatternPosition }
  /** `t'...'`: the RFC 3339 text as written (UTC, `Z`). */
  | { kind: 'timestamp'; value: string; loc: PatternPosition }
  /** `h'...'`: the hex digits as written. */
  | { kind: 'hex'; value: string; loc: PatternPosition }
  /** `b'...'`: the base64 text as written. */
  | { kind: 'binary'; value: string; loc: PatternPosition };

/** One step of an object path after the object type: a property name or a list index. */
export type PathStep =
  | { kind: 'property'; name: string }
  /** `[n]` or `[*]` (`'*'`). */
  | { kind: 'index'; index: number | '*' };

/** An object path such as `file:extensions.'windows-pebinary-ext'.sections[*].entropy`. */
export interface ObjectPath {
  kind: 'path';
  /** The SCO type before the colon. */
  objectType: string;
  /** The first step is always a property. */
  steps: PathStep[];
  loc: PatternPosition;
}

/** The comparison operators that take a literal (STIX 2.1 §9.5). */
export type ComparisonOperator =
  | '='
  | '!='
  | '>'
  | '<'
  | '>='
  | '<='
  | 'IN'
  | 'LIKE'
  | 'MATCHES'
  | 'ISSUBSET'
  | 'ISSUPERSET';

/** `path [NOT] op literal`; for `IN` the value is a set (list of literals). */
export interface ComparisonTest {
  kind: 'comparison';
  path: ObjectPath;
  operator: ComparisonOperator;
  negated: boolean;
  value: PatternLiteral | PatternLiteral[];
  loc: PatternPosition;
}

/** `EXISTS path`. */
export interface ExistsTest {
  kind: 'exists';
  path: ObjectPath;
  loc: PatternPosition;
}

/** `left AND right` / `left OR right` inside one observation expression. */
export interface ComparisonBinary {
  kind: 'comparison-op';
  operator: 'AND' | 'OR';
  left: ComparisonExpression;
  right: ComparisonExpression;
  loc: PatternPosition;
}

/** Anything between the square brackets of an observation expression. */
export type ComparisonExpression = ComparisonTest | ExistsTest | ComparisonBinary;

/** A qualifier (STIX 2.1 §9.6). */
export type Qualifier =
  | { kind: 'within'; seconds: number; loc: PatternPosition }
  | { kind: 'start-stop'; start: string; stop: string; loc: PatternPosition }
  | { kind: 'repeats'; times: number; loc: PatternPosition };

/** `[ comparison expression ]`. */
export interface Observation {
  kind: 'observation';
  comparison: ComparisonExpression;
  loc: PatternPosition;
}

/** `left AND|OR|FOLLOWEDBY right` across observations. */
export interface ObservationBinary {
  kind: 'observation-op';
  operator: 'AND' | 'OR' | 'FOLLOWEDBY';
  left: ObservationExpression;
  right: ObservationExpression;
  loc: PatternPosition;
}

/** An observation expression followed by a qualifier. */
export interface QualifiedObservation {
  kind: 'qualified';
  expression: ObservationExpression;
  qualifier: Qualifier;
  loc: PatternPosition;
}

/** An observation expression: simple, combined or qualified. */
export type ObservationExpression = Observation | ObservationBinary | QualifiedObservation;

/** A whole parsed STIX pattern. */
export interface Pattern {
  kind: 'pattern';
  expression: ObservationExpression;
  loc: PatternPosition;
}
