import { IntelshareError } from '../errors/intelshare-error';
import type { ComparisonExpression, ObservationExpression, Pattern } from './ast';
import { evaluateTest, type PreparedTest, prepareTest, timestampMs } from './evaluate-comparison';
import type { JsonObject, ReferenceResolver } from './object-path';
import { type ParsePatternOptions, parsePattern } from './parser';

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
}

/** The outcome of matching a pattern against observed data. */
export interface PatternMatchResult {
  /** Whether the pattern matched. */
  matched: boolean;
  /** The observed-data ids of the first binding that matched (a sighting's evidence). */
  evidence: string[];
  /** Every binding found (each a list of observed-data ids), up to `maxBindings`. */
  bindings: string[][];
  /** True when a binding limit was hit, so more bindings may exist. */
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
  first: number;
  last: number;
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
  private readonly tests = new Map<ComparisonExpression, PreparedTest>();

  /** Use {@link compilePattern}. */
  constructor(ast: Pattern) {
    this.ast = ast;
    this.prepareAll(ast.expression);
  }

  private prepareAll(e: ObservationExpression): void {
    if (e.kind === 'observation') this.prepareComparison(e.comparison);
    else if (e.kind === 'qualified') this.prepareAll(e.expression);
    else {
      this.prepareAll(e.left);
      this.prepareAll(e.right);
    }
  }

  private prepareComparison(c: ComparisonExpression): void {
    if (c.kind === 'comparison-op') {
      this.prepareComparison(c.left);
      this.prepareComparison(c.right);
    } else {
      this.tests.set(c, prepareTest(c));
    }
  }

  /**
   * Matches the pattern against a set of observed-data objects.
   *
   * @param observations - Observed-data objects (`objects` embedded or `object_refs`).
   * @param options - SCOs for `object_refs`, binding limit.
   * @returns Whether it matched, and the observed-data ids that are the evidence.
   */
  match(
    observations: readonly ObservedDataLike[],
    options: MatchPatternOptions = {},
  ): PatternMatchResult {
    const scos = toScoMap(options.scos);
    const prepared = observations.map((o, i) => prepareObservation(o, i, scos));
    return this.matchPrepared(prepared, options.maxBindings ?? 10_000);
  }

  /** Matches already prepared observations (used by the indicator index). */
  matchPrepared(
    observations: readonly PreparedObservation[],
    maxBindings = 10_000,
  ): PatternMatchResult {
    const state = { truncated: false, max: maxBindings };
    const bindings = this.bindings(this.ast.expression, observations, state);
    return {
      matched: bindings.length > 0,
      evidence: bindings.length > 0 ? bindings[0]!.members.map((i) => observations[i]!.ref) : [],
      bindings: bindings.map((b) => b.members.map((i) => observations[i]!.ref)),
      truncated: state.truncated,
    };
  }

  /**
   * Decides a pattern that is one plain observation expression (no qualifiers) on one
   * observation, without the binding machinery; the indicator index uses it on its hot path.
   */
  matchesSingle(obs: PreparedObservation): boolean {
    const e = this.ast.expression;
    return e.kind === 'observation' && this.evalComparison(e.comparison, obs) !== undefined;
  }

  /** Tells whether the comparison expression holds for one observation. */
  matchesObservation(e: ComparisonExpression, obs: PreparedObservation): boolean {
    return this.evalComparison(e, obs) !== undefined;
  }

  /**
   * The root objects that satisfy a comparison expression in one observation, or
   * undefined when it does not hold. AND of tests on the same object type must be
   * satisfied by the same object (STIX 2.1 §9.4: paths in one observation expression
   * refer to one object of that type).
   */
  private evalComparison(
    e: ComparisonExpression,
    obs: PreparedObservation,
  ): JsonObject[] | undefined {
    if (e.kind !== 'comparison-op') {
      const prepared = this.tests.get(e)!;
      const type = e.path.objectType;
      let hits: JsonObject[] | undefined;
      for (const root of obs.roots) {
        if (root.type === type && evaluateTest(prepared, root, obs.resolve)) {
          if (hits) hits.push(root);
          else hits = [root];
        }
      }
      return hits;
    }
    const left = this.evalComparison(e.left, obs);
    if (e.operator === 'AND') {
      if (!left) return undefined;
      const right = this.evalComparison(e.right, obs);
      if (!right) return undefined;
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
    const right = this.evalComparison(e.right, obs);
    if (!left) return right;
    if (!right) return left;
    const leftSet = new Set(left);
    return [...left, ...right.filter((o) => !leftSet.has(o))];
  }

  private bindings(
    e: ObservationExpression,
    obs: readonly PreparedObservation[],
    state: { truncated: boolean; max: number },
  ): Binding[] {
    switch (e.kind) {
      case 'observation': {
        const out: Binding[] = [];
        for (let i = 0; i < obs.length; i++) {
          const o = obs[i]!;
          if (this.matchesObservation(e.comparison, o)) {
            out.push({ members: [i], first: o.first, last: o.last, count: o.count });
            if (out.length >= state.max) {
              state.truncated = true;
              break;
            }
          }
        }
        return out;
      }
      case 'observation-op': {
        const left = this.bindings(e.left, obs, state);
        if (e.operator === 'OR') {
          const right = this.bindings(e.right, obs, state);
          return dedupe([...left, ...right], state);
        }
        if (left.length === 0) return [];
        const right = this.bindings(e.right, obs, state);
        const out: Binding[] = [];
        const seen = new Set<string>();
        let work = 0;
        outer: for (const l of left) {
          for (const r of right) {
            if (++work > state.max * 100) {
              state.truncated = true;
              break outer;
            }
            // STIX 2.1 §9.5: each observation expression binds distinct observations.
            if (!disjoint(l.members, r.members)) continue;
            // FOLLOWEDBY: everything on the left ends no later than the right begins.
            if (e.operator === 'FOLLOWEDBY' && l.last > r.first) continue;
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
      case 'qualified': {
        const inner = this.bindings(e.expression, obs, state);
        const q = e.qualifier;
        if (q.kind === 'within') {
          // §9.6 WITHIN: all observations of a binding fall inside the time window.
          const span = q.seconds * 1000;
          return inner.filter((b) => b.last - b.first <= span);
        }
        if (q.kind === 'start-stop') {
          // §9.6 START/STOP: first_observed ≥ start and last_observed < stop.
          const start = Date.parse(q.start);
          const stop = Date.parse(q.stop);
          return inner.filter((b) => b.first >= start && b.last < stop);
        }
        return repeats(inner, q.times, state);
      }
    }
  }
}

function disjoint(a: readonly number[], b: readonly number[]): boolean {
  for (const x of a) if (b.includes(x)) return false;
  return true;
}

function merge(a: Binding, b: Binding): Binding {
  return {
    members: [...a.members, ...b.members].sort((x, y) => x - y),
    first: Math.min(a.first, b.first),
    last: Math.max(a.last, b.last),
    count: 1,
  };
}

function dedupe(list: Binding[], state: { truncated: boolean; max: number }): Binding[] {
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
function repeats(
  inner: Binding[],
  n: number,
  state: { truncated: boolean; max: number },
): Binding[] {
  const sorted = [...inner].sort((a, b) => a.first - b.first || a.last - b.last);
  const out: Binding[] = [];
  let work = 0;
  outer: for (let s = 0; s < sorted.length; s++) {
    const start = sorted[s]!;
    const taken = new Set(start.members);
    const members = [...start.members];
    let first = start.first;
    let last = start.last;
    let total = start.count;
    for (let j = s + 1; j < sorted.length && total < n; j++) {
      if (++work > state.max * 100) {
        state.truncated = true;
        break outer;
      }
      const next = sorted[j]!;
      if (next.members.some((m) => taken.has(m))) continue;
      for (const m of next.members) {
        taken.add(m);
        members.push(m);
      }
      first = Math.min(first, next.first);
      last = Math.max(last, next.last);
      total += next.count;
    }
    const acc: Binding = { members: members.sort((x, y) => x - y), first, last, count: 1 };
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
