import { IntelshareError } from '../errors/intelshare-error';
import type { ComparisonExpression, ObservationExpression, Pattern, Qualifier } from './ast';
import { comparisonOperands, observationOperands } from './chains';
import { evaluateTest, type PreparedTest, prepareTest, timestampMs } from './evaluate-comparison';
import type { JsonObject, ReferenceResolver } from './object-path';
import { type ParsePatternOptions, parsePattern } from './parser';
import { PatternError } from './pattern-error';

/** The shape of an observed-data object the matcher reads (STIX 2.1 §4.14). */
export interface ObservedDataLike {
  id?: string;
  first_observed?: string;
  last_observed?: string;
  number_observed?: number;
  /** STIX 2.0-style embedded objects, keyed by reference. */
  objects?: Record<string, unknown>;
  /** STIX 2.1 references to SCOs passed in `scos`. */
  object_refs?: readonly string[];
  [key: string]: unknown;
}

/** Options for {@link matchPattern} and {@link CompiledPattern.match}. */
export interface MatchPatternOptions {
  /** SCOs that `object_refs` (and `*_ref` properties) point to, by `id`. */
  scos?: Iterable<JsonObject> | ReadonlyMap<string, JsonObject>;
  /** Most candidate bindings kept per sub-expression. Default 10,000. */
  maxBindings?: number;
  /**
   * Most evaluation steps (an observation tested against an observation expression, a
   * pair of bindings combined, a binding kept) before matching stops with
   * `truncated: true`. Default 1,000,000, so a pattern of thousands of observation
   * expressions cannot make one call run for minutes.
   */
  maxWork?: number;
}

/** The outcome of matching a pattern against observed data. */
export interface PatternMatchResult {
  /** Whether the pattern matched. */
  matched: boolean;
  /** The observed-data ids of the first binding that matched (a sighting's evidence). */
  evidence: string[];
  /** Every binding found (each a list of observed-data ids), up to `maxBindings`. */
  bindings: string[][];
  /** True when the binding or work limit was hit, so more bindings may exist. */
  truncated: boolean;
}

/** One observation ready for matching: its times, multiplicity and root objects. */
export interface PreparedObservation {
  ref: string;
  first: number;
  last: number;
  count: number;
  roots: JsonObject[];
  resolve: ReferenceResolver;
}

interface Binding {
  members: number[];
  /** Earliest first_observed of the members. */
  first: number;
  /** Latest last_observed of the members. */
  last: number;
  /** Latest first_observed of the members (for WITHIN). */
  latestFirst: number;
  /** Earliest last_observed of the members (for WITHIN). */
  earliestLast: number;
  count: number;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toScoMap(scos: MatchPatternOptions['scos']): ReadonlyMap<string, JsonObject> | undefined {
  if (!scos) return undefined;
  if (scos instanceof Map) return scos as ReadonlyMap<string, JsonObject>;
  const map = new Map<string, JsonObject>();
  for (const sco of scos as Iterable<JsonObject>) {
    if (isObject(sco) && typeof sco.id === 'string') map.set(sco.id, sco);
  }
  return map;
}

/**
 * Reads one observed-data object into a {@link PreparedObservation}.
 *
 * @throws {IntelshareError} `VALIDATION_FAILED` naming the bad property.
 */
export function prepareObservation(
  observed: ObservedDataLike,
  index: number,
  scos: ReadonlyMap<string, JsonObject> | undefined,
): PreparedObservation {
  const path = `observations[${index}]`;
  if (!isObject(observed)) {
    throw new IntelshareError('VALIDATION_FAILED', 'Observed data must be an object.', { path });
  }
  const first = timestampMs(observed.first_observed);
  const last = observed.last_observed === undefined ? first : timestampMs(observed.last_observed);
  if (Number.isNaN(first)) {
    throw new IntelshareError('VALIDATION_FAILED', '`first_observed` must be a timestamp.', {
      path: `${path}.first_observed`,
    });
  }
  if (Number.isNaN(last) || last < first) {
    throw new IntelshareError(
      'VALIDATION_FAILED',
      '`last_observed` must be a timestamp not before `first_observed`.',
      { path: `${path}.last_observed` },
    );
  }
  const count = observed.number_observed ?? 1;
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new IntelshareError(
      'VALIDATION_FAILED',
      '`number_observed` must be a positive integer.',
      {
        path: `${path}.number_observed`,
      },
    );
  }
  const embedded = isObject(observed.objects) ? observed.objects : undefined;
  const roots: JsonObject[] = [];
  if (embedded) {
    for (const key of Object.keys(embedded)) {
      const obj = embedded[key];
      if (isObject(obj)) roots.push(obj);
    }
  }
  if (Array.isArray(observed.object_refs)) {
    for (const ref of observed.object_refs) {
      const obj = typeof ref === 'string' ? scos?.get(ref) : undefined;
      if (obj) roots.push(obj);
    }
  }
  const resolve: ReferenceResolver = (ref) => {
    if (embedded && Object.hasOwn(embedded, ref)) {
      const obj = embedded[ref];
      return isObject(obj) ? obj : undefined;
    }
    return scos?.get(ref);
  };
  return {
    ref: typeof observed.id === 'string' ? observed.id : path,
    first,
    last,
    count,
    roots,
    resolve,
  };
}

/** A comparison expression compiled for evaluation: chains flattened, tests prepared. */
type CompiledComparison =
  | { kind: 'test'; type: string; prepared: PreparedTest }
  | { kind: 'AND' | 'OR'; operands: CompiledComparison[] };

/** An observation expression compiled for evaluation: chains flattened. */
type CompiledObservation =
  /** `leaf`: the ordinal of this observation expression, for cached results. */
  | { kind: 'observation'; comparison: CompiledComparison; leaf: number }
  | { kind: 'AND' | 'OR' | 'FOLLOWEDBY'; operands: CompiledObservation[] }
  | { kind: 'qualified'; inner: CompiledObservation; qualifier: Qualifier };

/** Limits and counters of one evaluation. */
interface EvaluationState {
  truncated: boolean;
  /** Most bindings kept per sub-expression. */
  max: number;
  /** Steps spent so far: one per observation tested, per pair combined, per binding kept. */
  work: number;
  /** Most steps one evaluation may spend. */
  maxWork: number;
  /** Cached observation-expression results per observation, when the caller has them. */
  leafResults: readonly Uint8Array[] | undefined;
}

/** Spends `n` steps; false once the budget is gone (the evaluation then winds down). */
function spend(state: EvaluationState, n = 1): boolean {
  state.work += n;
  if (state.work > state.maxWork) {
    state.truncated = true;
    return false;
  }
  return true;
}

/** The outcome of one budgeted evaluation, for the indicator index. */
export interface BudgetedMatch {
  result: PatternMatchResult;
  /** Steps spent. */
  work: number;
  /** Whether the step budget ran out (the result may then miss bindings). */
  exhausted: boolean;
}

function rethrowOverflow(error: unknown): never {
  // Only a hand-built tree deeper than any the parser returns gets here.
  if (error instanceof RangeError) {
    throw new PatternError('LIMIT_EXCEEDED', 'Pattern tree is nested too deeply', {
      offset: 0,
      line: 1,
      column: 1,
    });
  }
  throw error;
}

/**
 * A pattern compiled once (regexes, LIKE, CIDR prepared) to match many times; made by
 * {@link compilePattern}.
 *
 * @example
 * ```ts
 * import { compilePattern } from '@intelshare/stix/patterns';
 *
 * const compiled = compilePattern("[file:hashes.MD5 = '44d88612fea8a8f36de82e1278abb02f']");
 * compiled.ast.expression.kind; // 'observation'
 * ```
 */
export class CompiledPattern {
  /** The parsed pattern. */
  readonly ast: Pattern;
  private readonly root: CompiledObservation;
  private readonly comparisons = new Map<ComparisonExpression, CompiledComparison>();
  /** The observation expressions in compile order (the same order for every compile). */
  private readonly leaves: CompiledComparison[] = [];

  /** Use {@link compilePattern}. */
  constructor(ast: Pattern) {
    this.ast = ast;
    try {
      this.root = this.compileObservation(ast.expression);
    } catch (error) {
      rethrowOverflow(error);
    }
  }

  // Recursion here follows nesting only (brackets, parentheses, qualifiers), which the
  // parser bounds; chains of one operator become one list of operands.
  private compileObservation(e: ObservationExpression): CompiledObservation {
    switch (e.kind) {
      case 'observation': {
        const comparison = this.compileComparison(e.comparison);
        this.comparisons.set(e.comparison, comparison);
        this.leaves.push(comparison);
        return { kind: 'observation', comparison, leaf: this.leaves.length - 1 };
      }
      case 'qualified':
        return {
          kind: 'qualified',
          inner: this.compileObservation(e.expression),
          qualifier: e.qualifier,
        };
      case 'observation-op':
        return {
          kind: e.operator,
          operands: observationOperands(e).map((o) => this.compileObservation(o)),
        };
      default:
        throw new PatternError(
          'PATTERN_SYNTAX',
          `Unknown observation expression kind \`${String((e as { kind?: unknown }).kind)}\``,
          { offset: 0, line: 1, column: 1 },
        );
    }
  }

  private compileComparison(c: ComparisonExpression): CompiledComparison {
    if (c.kind === 'comparison-op') {
      return {
        kind: c.operator,
        operands: comparisonOperands(c).map((o) => this.compileComparison(o)),
      };
    }
    return { kind: 'test', type: c.path.objectType, prepared: prepareTest(c) };
  }

  /**
   * Matches the pattern against a set of observed-data objects.
   *
   * @param observations - Observed-data objects (`objects` embedded or `object_refs`).
   * @param options - SCOs for `object_refs`, binding and work limits.
   * @returns Whether it matched, and the observed-data ids that are the evidence.
   */
  match(
    observations: readonly ObservedDataLike[],
    options: MatchPatternOptions = {},
  ): PatternMatchResult {
    const scos = toScoMap(options.scos);
    const prepared = observations.map((o, i) => prepareObservation(o, i, scos));
    return this.evaluate(prepared, options.maxBindings ?? 10_000, options.maxWork ?? 1_000_000)
      .result;
  }

  /** Matches already prepared observations (used by the indicator index). */
  matchPrepared(
    observations: readonly PreparedObservation[],
    maxBindings = 10_000,
  ): PatternMatchResult {
    return this.evaluate(observations, maxBindings, 1_000_000).result;
  }

  /**
   * Matches prepared observations within a step budget and says what it spent; the
   * indicator index bounds each indicator's cost per observation with it.
   *
   * @internal
   */
  evaluate(
    observations: readonly PreparedObservation[],
    maxBindings: number,
    maxWork: number,
    leafResults?: readonly Uint8Array[],
    listBindings = true,
  ): BudgetedMatch {
    const state: EvaluationState = {
      truncated: false,
      max: maxBindings,
      work: 0,
      maxWork,
      leafResults,
    };
    let bindings: Binding[];
    try {
      bindings = this.bindings(this.root, observations, state);
    } catch (error) {
      rethrowOverflow(error);
    }
    const result: PatternMatchResult = {
      matched: bindings.length > 0,
      evidence: bindings.length > 0 ? bindings[0]!.members.map((i) => observations[i]!.ref) : [],
      bindings: listBindings ? bindings.map((b) => b.members.map((i) => observations[i]!.ref)) : [],
      truncated: state.truncated,
    };
    return { result, work: state.work, exhausted: state.work > state.maxWork };
  }

  /**
   * Which observation expressions one observation satisfies (1) or not (0), by ordinal:
   * the indicator index computes this once per buffered observation and passes it to
   * {@link CompiledPattern.evaluate}, so re-evaluating a buffer reads bytes instead of
   * testing objects again.
   *
   * @internal
   */
  leafResults(obs: PreparedObservation): Uint8Array {
    const out = new Uint8Array(this.leaves.length);
    for (let i = 0; i < this.leaves.length; i++) {
      out[i] = evalComparison(this.leaves[i]!, obs) === undefined ? 0 : 1;
    }
    return out;
  }

  /** How many observation expressions the pattern has. @internal */
  get leafCount(): number {
    return this.leaves.length;
  }

  /**
   * Decides a pattern that is one plain observation expression (no qualifiers) on one
   * observation, without the binding machinery; the indicator index uses it on its hot path.
   */
  matchesSingle(obs: PreparedObservation): boolean {
    const root = this.root;
    return root.kind === 'observation' && evalComparison(root.comparison, obs) !== undefined;
  }

  /**
   * Tells whether one observation expression's comparison holds for one observation.
   *
   * @internal
   */
  matchesObservation(e: ComparisonExpression, obs: PreparedObservation): boolean {
    const compiled = this.comparisons.get(e) ?? this.compileComparison(e);
    return evalComparison(compiled, obs) !== undefined;
  }

  private bindings(
    e: CompiledObservation,
    obs: readonly PreparedObservation[],
    state: EvaluationState,
  ): Binding[] {
    switch (e.kind) {
      case 'observation': {
        const out: Binding[] = [];
        // With cached results the caller is the indicator index, whose newest observation
        // is last: newest first, so bindings with it are found within the limits.
        const cache = state.leafResults;
        const n = obs.length;
        for (let k = 0; k < n; k++) {
          if (!spend(state)) break;
          const i = cache ? n - 1 - k : k;
          const o = obs[i]!;
          const cached = cache?.[i];
          if (cached ? cached[e.leaf] === 1 : evalComparison(e.comparison, o) !== undefined) {
            out.push({
              members: [i],
              first: o.first,
              last: o.last,
              latestFirst: o.first,
              earliestLast: o.last,
              count: o.count,
            });
            if (out.length >= state.max) {
              state.truncated = true;
              break;
            }
          }
        }
        return out;
      }
      case 'OR': {
        const all: Binding[] = [];
        for (const operand of e.operands) {
          if (state.work > state.maxWork) break;
          for (const b of this.bindings(operand, obs, state)) all.push(b);
        }
        return dedupe(all, state);
      }
      case 'AND':
      case 'FOLLOWEDBY': {
        let acc = this.bindings(e.operands[0]!, obs, state);
        for (let k = 1; k < e.operands.length && acc.length > 0; k++) {
          const right = this.bindings(e.operands[k]!, obs, state);
          acc = combine(acc, right, e.kind, state);
        }
        return acc;
      }
      case 'qualified': {
        const inner = this.bindings(e.inner, obs, state);
        const q = e.qualifier;
        if (q.kind === 'within') {
          // STIX 2.1 §9.6 WITHIN: each observation happened at some instant between its
          // first_observed and last_observed; the binding fits when instants can be chosen
          // n seconds apart at most, i.e. the latest first_observed is no more than n
          // seconds after the earliest last_observed.
          const span = q.seconds * 1000;
          return inner.filter((b) => b.latestFirst - b.earliestLast <= span);
        }
        if (q.kind === 'start-stop') {
          // §9.6 START/STOP: first_observed ≥ start and last_observed < stop. A window that
          // holds no observation leaves no binding: a non-match, not an error.
          const start = Date.parse(q.start);
          const stop = Date.parse(q.stop);
          return inner.filter((b) => b.first >= start && b.last < stop);
        }
        return repeats(inner, q.times, state);
      }
    }
  }
}

/**
 * The root objects that satisfy a comparison expression in one observation, or
 * undefined when it does not hold. AND of tests on the same object type must be
 * satisfied by the same object (STIX 2.1 §9.4: paths in one observation expression
 * refer to one object of that type).
 */
function evalComparison(e: CompiledComparison, obs: PreparedObservation): JsonObject[] | undefined {
  if (e.kind === 'test') {
    let hits: JsonObject[] | undefined;
    for (const root of obs.roots) {
      if (root.type === e.type && evaluateTest(e.prepared, root, obs.resolve)) {
        if (hits) hits.push(root);
        else hits = [root];
      }
    }
    return hits;
  }
  let acc = evalComparison(e.operands[0]!, obs);
  if (e.kind === 'AND') {
    for (let k = 1; k < e.operands.length; k++) {
      if (!acc) return undefined;
      const right = evalComparison(e.operands[k]!, obs);
      if (!right) return undefined;
      acc = andObjects(acc, right);
    }
    return acc;
  }
  for (let k = 1; k < e.operands.length; k++) {
    const right = evalComparison(e.operands[k]!, obs);
    if (!right) continue;
    if (!acc) {
      acc = right;
      continue;
    }
    const seen = new Set(acc);
    acc = [...acc, ...right.filter((o) => !seen.has(o))];
  }
  return acc;
}

/** AND inside one observation: objects of a type both sides test must satisfy both. */
function andObjects(left: JsonObject[], right: JsonObject[]): JsonObject[] | undefined {
  const leftTypes = new Set(left.map((o) => o.type));
  const rightTypes = new Set(right.map((o) => o.type));
  const rightSet = new Set(right);
  const out: JsonObject[] = [];
  const satisfied = new Set<unknown>();
  for (const o of left) {
    if (!rightTypes.has(o.type)) out.push(o);
    else if (rightSet.has(o)) {
      out.push(o);
      satisfied.add(o.type);
    }
  }
  for (const o of right) if (!leftTypes.has(o.type)) out.push(o);
  for (const t of leftTypes) if (rightTypes.has(t) && !satisfied.has(t)) return undefined;
  return out.length > 0 ? out : undefined;
}

/** AND / FOLLOWEDBY across observations: pairs of disjoint bindings, within the budget. */
function combine(
  left: Binding[],
  right: Binding[],
  operator: 'AND' | 'FOLLOWEDBY',
  state: EvaluationState,
): Binding[] {
  const out: Binding[] = [];
  if (right.length === 0) return out;
  const seen = new Set<string>();
  outer: for (const l of left) {
    for (const r of right) {
      if (!spend(state)) break outer;
      // STIX 2.1 §9.5: each observation expression binds distinct observations.
      if (!disjoint(l.members, r.members)) continue;
      // FOLLOWEDBY: everything on the left ends no later than the right begins.
      if (operator === 'FOLLOWEDBY' && l.last > r.first) continue;
      const merged = merge(l, r);
      const key = merged.members.join(',');
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(merged);
      if (out.length >= state.max) {
        state.truncated = true;
        break outer;
      }
    }
  }
  return out;
}

function disjoint(a: readonly number[], b: readonly number[]): boolean {
  for (const x of a) if (b.includes(x)) return false;
  return true;
}

function merge(a: Binding, b: Binding): Binding {
  return {
    members: mergeSorted(a.members, b.members),
    first: Math.min(a.first, b.first),
    last: Math.max(a.last, b.last),
    latestFirst: Math.max(a.latestFirst, b.latestFirst),
    earliestLast: Math.min(a.earliestLast, b.earliestLast),
    count: 1,
  };
}

/** Merges two ascending lists of observation indexes (members are kept sorted). */
function mergeSorted(a: readonly number[], b: readonly number[]): number[] {
  const out = new Array<number>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i]! < b[j]! ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}

function dedupe(list: Binding[], state: EvaluationState): Binding[] {
  const seen = new Set<string>();
  const out: Binding[] = [];
  for (const b of list) {
    const key = b.members.join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(b);
    if (out.length >= state.max) {
      state.truncated = true;
      break;
    }
  }
  return out;
}

/**
 * §9.6 REPEATS n TIMES: n distinct matches of the inner expression. An observed-data
 * counts `number_observed` times. For each starting binding (in time order) the
 * earliest disjoint followers are taken until n is reached, which gives the tightest
 * window from that start, so a WITHIN qualifier outside still finds it.
 */
function repeats(inner: Binding[], n: number, state: EvaluationState): Binding[] {
  const sorted = [...inner].sort((a, b) => a.first - b.first || a.last - b.last);
  const out: Binding[] = [];
  outer: for (let s = 0; s < sorted.length; s++) {
    const start = sorted[s]!;
    const taken = new Set(start.members);
    const members = [...start.members];
    let { first, last, latestFirst, earliestLast } = start;
    let total = start.count;
    for (let j = s + 1; j < sorted.length && total < n; j++) {
      if (!spend(state)) break outer;
      const next = sorted[j]!;
      if (next.members.some((m) => taken.has(m))) continue;
      for (const m of next.members) {
        taken.add(m);
        members.push(m);
      }
      first = Math.min(first, next.first);
      last = Math.max(last, next.last);
      latestFirst = Math.max(latestFirst, next.latestFirst);
      earliestLast = Math.min(earliestLast, next.earliestLast);
      total += next.count;
    }
    const acc: Binding = {
      members: members.sort((x, y) => x - y),
      first,
      last,
      latestFirst,
      earliestLast,
      count: 1,
    };
    if (total >= n) {
      out.push(acc);
      if (out.length >= state.max) {
        state.truncated = true;
        break;
      }
    }
  }
  return out;
}

/**
 * Compiles a pattern (text or syntax tree) for repeated matching.
 *
 * @param pattern - Pattern text or a tree from {@link parsePattern}.
 * @param options - Parser limits.
 * @returns The compiled pattern.
 * @throws {PatternError} On syntax errors or an unsupported/unsafe `MATCHES` regex.
 *
 * @example
 * ```ts
 * import { compilePattern } from '@intelshare/stix/patterns';
 *
 * const compiled = compilePattern("[domain-name:value LIKE '%.example.com']");
 * compiled.match([
 *   {
 *     id: 'observed-data--1',
 *     first_observed: '2026-01-01T00:00:00Z',
 *     last_observed: '2026-01-01T00:00:00Z',
 *     number_observed: 1,
 *     objects: { '0': { type: 'domain-name', value: 'www.example.com' } },
 *   },
 * ]).matched; // true
 * ```
 * @see https://intelshare.dev/patterns/matching/
 */
export function compilePattern(
  pattern: string | Pattern,
  options: ParsePatternOptions = {},
): CompiledPattern {
  return new CompiledPattern(
    typeof pattern === 'string' ? parsePattern(pattern, options) : pattern,
  );
}

/**
 * Matches one pattern against observed data, honouring observation operators (AND, OR,
 * FOLLOWEDBY) and qualifiers (WITHIN, START/STOP, REPEATS), and returns the ids of the
 * observed data that are the evidence.
 *
 * @param pattern - Pattern text or syntax tree.
 * @param observations - Observed-data objects.
 * @param options - SCOs for `object_refs`, binding limit.
 * @returns The match result.
 * @throws {PatternError} When the pattern is invalid.
 * @throws {IntelshareError} `VALIDATION_FAILED` when an observed-data object is malformed.
 *
 * @example
 * ```ts
 * import { matchPattern } from '@intelshare/stix/patterns';
 *
 * const result = matchPattern("[ipv4-addr:value ISSUBSET '198.51.100.0/24']", [
 *   {
 *     id: 'observed-data--a',
 *     first_observed: '2026-01-01T00:00:00Z',
 *     last_observed: '2026-01-01T00:00:00Z',
 *     number_observed: 1,
 *     objects: { '0': { type: 'ipv4-addr', value: '198.51.100.7' } },
 *   },
 * ]);
 * result.evidence; // ['observed-data--a']
 * ```
 * @see https://intelshare.dev/patterns/matching/
 */
export function matchPattern(
  pattern: string | Pattern,
  observations: readonly ObservedDataLike[],
  options: MatchPatternOptions = {},
): PatternMatchResult {
  return compilePattern(pattern).match(observations, options);
}
