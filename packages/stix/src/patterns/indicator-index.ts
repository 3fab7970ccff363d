import { RE2Set } from 're2js';
import type { ComparisonExpression, PatternLiteral } from './ast';
import { comparisonOperands, comparisonTests, observationLeaves } from './chains';
import { bitAt, type IpNetwork, parseIpNetwork } from './cidr';
import { binaryEncoding } from './evaluate-comparison';
import { ExactTable } from './exact-table';
import { Ipv4PrefixTable } from './ipv4-prefix-table';
import {
  CompiledPattern,
  type ObservedDataLike,
  type PreparedObservation,
  prepareObservation,
} from './matcher';
import { nfc } from './nfc';
import type { JsonObject } from './object-path';
import { parsePattern } from './parser';
import { isPatternError } from './pattern-error';

/** The indicator properties the index reads (STIX 2.1 §4.7). */
export interface IndicatorLike {
  id: string;
  pattern: string;
  pattern_type?: string;
  valid_from?: string;
  valid_until?: string;
  revoked?: boolean;
  modified?: string;
  [key: string]: unknown;
}

/** One indicator that fired on an observation. */
export interface IndicatorMatch {
  /** The indicator's id. */
  indicatorId: string;
  /** The indicator as added. */
  indicator: IndicatorLike;
  /** The observed-data ids that are the evidence (for a sighting's `observed_data_refs`). */
  evidence: string[];
}

/** What {@link IndicatorIndex.add} did. */
export interface IndicatorAddResult {
  /** How many indicators were added or replaced. */
  added: number;
  /** Indicators not added, with the reason (bad pattern, revoked, older version...). */
  skipped: { id: string; reason: string }[];
}

/** Options for {@link IndicatorIndex.match}. */
export interface IndexMatchOptions {
  /** SCOs that `object_refs` point to. */
  scos?: ReadonlyMap<string, JsonObject>;
  /**
   * State from {@link IndicatorIndex.createCorrelation}: patterns that need several
   * observations (AND/FOLLOWEDBY across observations, REPEATS) are then evaluated over
   * the recent observations that touched them.
   */
  correlation?: Correlation;
}

/**
 * Buffers of recent observations per multi-observation indicator, with the bounds that
 * keep one indicator from slowing the others down.
 */
export interface Correlation {
  /** Most observations kept per indicator (oldest dropped first). */
  readonly maxPerIndicator: number;
  /**
   * Most evaluation steps one indicator may spend on one observation (a buffered
   * observation read for an observation expression, a pair of bindings combined or a
   * following binding tried is one step), besides testing the new observation against
   * each of its observation expressions once. An indicator that runs out stops there:
   * it fires only if a binding was found within its budget.
   */
  readonly maxWorkPerObservation: number;
  /** Most partial bindings kept per sub-expression while correlating. */
  readonly maxBindings: number;
  /** Ids of indicators that ran out of their budget at least once, for monitoring. */
  readonly overBudget: Set<string>;
  /** Correlated evaluations run and the steps they took, in total. */
  readonly stats: { evaluations: number; work: number };
  /** @internal */
  readonly buffers: Map<CompiledIndicator, CorrelationBuffer>;
}

/** The recent observations of one indicator, with which observation expressions each satisfies. */
interface CorrelationBuffer {
  observations: PreparedObservation[];
  leafResults: Uint8Array[];
}

/** Default {@link Correlation.maxWorkPerObservation}. */
const CORRELATION_WORK = 2048;
/** Default {@link Correlation.maxBindings}. */
const CORRELATION_BINDINGS = 32;
/** Budget of a multi-observation pattern evaluated on one observation alone. */
const SINGLE_OBSERVATION_WORK = 100_000;

interface Trie {
  children: Map<number, Trie> | undefined;
  entries: CompiledIndicator[] | undefined;
}

interface BitNode {
  zero: BitNode | undefined;
  one: BitNode | undefined;
  entries: CompiledIndicator[] | undefined;
}

type Bucket = CompiledIndicator | CompiledIndicator[];

interface RegexGroup {
  entries: CompiledIndicator[];
  sources: string[];
  /** undefined: to be built on next use; null: the set could not be built, test each. */
  set: RE2Set | null | undefined;
}

class PathIndex {
  readonly steps: string[];
  readonly first: string;
  /** `=` / `IN` literals: the hot path, so a fingerprint table rather than a `Map`. */
  readonly eq = new ExactTable<Bucket>();
  prefix: Trie | undefined;
  suffix: Trie | undefined;
  cidr4: Ipv4PrefixTable<CompiledIndicator> | undefined;
  cidr6: BitNode | undefined;
  /** `MATCHES` regexes on this path, run together as one RE2 set (a pre-filter). */
  regex: RegexGroup | undefined;
  constructor(steps: string[]) {
    this.steps = steps;
    this.first = steps[0]!;
  }
}

interface TypeIndex {
  paths: PathIndex[];
  byKey: Map<string, PathIndex>;
  fallback: CompiledIndicator[];
}

/** @internal An indicator compiled into the index. */
export interface CompiledIndicator {
  id: string;
  source: IndicatorLike;
  validFrom: number;
  validUntil: number;
  modified: number;
  /** A trigger hit is a match: no verification needed. */
  direct: boolean;
  /** Needs more than one observation (AND/FOLLOWEDBY across observations, qualifiers). */
  multi: boolean;
  /** The pattern as added (the caller may later mutate `source`). */
  pattern: string;
  stamp: number;
}

type Anchor =
  | { kind: 'eq'; type: string; steps: string[]; value: string | number | boolean }
  | { kind: 'prefix' | 'suffix'; type: string; steps: string[]; value: string }
  | { kind: 'cidr'; type: string; steps: string[]; net: IpNetwork }
  | { kind: 'regex'; type: string; steps: string[]; source: string };

const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const EMPTY: readonly IndicatorMatch[] = Object.freeze([]);
const COMPILED_CACHE_SIZE = 4096;
const NO_OBSERVATION: ObservedDataLike = Object.freeze({});
const NO_OPTIONS: IndexMatchOptions = Object.freeze({});

function simpleSteps(e: ComparisonExpression): string[] | undefined {
  if (e.kind === 'comparison-op') return undefined;
  // Binary properties compare as bytes, so they are verified one by one.
  if (binaryEncoding(e) !== undefined) return undefined;
  const steps: string[] = [];
  for (const s of e.path.steps) {
    if (s.kind !== 'property' || UNSAFE_KEYS.has(s.name)) return undefined;
    // References need the observation's object map, so they are verified, not indexed.
    if (s.name.endsWith('_ref') || s.name.endsWith('_refs')) return undefined;
    steps.push(s.name);
  }
  return steps;
}

function exactValue(lit: PatternLiteral): string | number | boolean | undefined {
  // Strings are indexed in NFC, as the matcher compares them (STIX 2.1 §9.5).
  if (lit.kind === 'string') return nfc(lit.value);
  return lit.kind === 'int' || lit.kind === 'float' || lit.kind === 'boolean'
    ? lit.value
    : undefined;
}

/**
 * The index keys a comparison expression needs: every observation that satisfies it
 * hits at least one anchor. `exact` says a hit is already a match.
 */
function anchorsOf(e: ComparisonExpression): { anchors: Anchor[]; exact: boolean } | undefined {
  if (e.kind === 'comparison-op') {
    // A chain is read as a list of operands, so its length costs no stack.
    const operands = comparisonOperands(e).map(anchorsOf);
    if (e.operator === 'OR') {
      const anchors: Anchor[] = [];
      let exact = true;
      for (const found of operands) {
        if (!found) return undefined;
        for (const anchor of found.anchors) anchors.push(anchor);
        exact &&= found.exact;
      }
      return { anchors, exact };
    }
    let pick: { anchors: Anchor[]; exact: boolean } | undefined;
    for (const found of operands) {
      if (found && (!pick || found.anchors.length < pick.anchors.length)) pick = found;
    }
    return pick ? { anchors: pick.anchors, exact: false } : undefined;
  }
  if (e.kind === 'exists' || e.negated) return undefined;
  const steps = simpleSteps(e);
  if (!steps) return undefined;
  const type = e.path.objectType;
  if (e.operator === '=' || e.operator === 'IN') {
    const lits = Array.isArray(e.value) ? e.value : [e.value];
    const anchors: Anchor[] = [];
    for (const lit of lits) {
      const value = exactValue(lit);
      if (value === undefined) return undefined;
      anchors.push({ kind: 'eq', type, steps, value });
    }
    return { anchors, exact: true };
  }
  const lit = e.value as PatternLiteral;
  if (lit.kind !== 'string') return undefined;
  const text = nfc(lit.value);
  if (e.operator === 'LIKE' && !text.includes('_')) {
    const parts = text.split('%');
    if (parts.length === 1)
      return { anchors: [{ kind: 'eq', type, steps, value: text }], exact: true };
    if (parts.length === 2 && parts[1] === '') {
      return { anchors: [{ kind: 'prefix', type, steps, value: parts[0]! }], exact: true };
    }
    if (parts.length === 2 && parts[0] === '') {
      return { anchors: [{ kind: 'suffix', type, steps, value: parts[1]! }], exact: true };
    }
    return undefined;
  }
  if (e.operator === 'MATCHES') {
    // The set only pre-filters; a hit is verified with the compiled pattern.
    return { anchors: [{ kind: 'regex', type, steps, source: text }], exact: false };
  }
  if (e.operator === 'ISSUBSET') {
    const net = parseIpNetwork(lit.value);
    return net ? { anchors: [{ kind: 'cidr', type, steps, net }], exact: true } : undefined;
  }
  return undefined;
}

interface Trigger {
  anchors: Anchor[] | undefined;
  types: Set<string>;
}

/** The triggers of a pattern (one per observation expression) and whether a hit is a match. */
function triggersOf(ast: ReturnType<typeof parsePattern>): {
  triggers: Trigger[];
  direct: boolean;
} {
  const single = ast.expression.kind === 'observation';
  const triggers: Trigger[] = [];
  let direct = false;
  for (const comparison of observationLeaves(ast.expression)) {
    const found = anchorsOf(comparison);
    const types = new Set(comparisonTests(comparison).map((test) => test.path.objectType));
    triggers.push({ anchors: found?.anchors, types });
    if (single && found?.exact) direct = true;
  }
  return { triggers, direct };
}

function time(text: unknown, fallback: number): number {
  if (typeof text !== 'string') return fallback;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? Number.NaN : ms;
}

function pushEntry(
  list: CompiledIndicator[] | undefined,
  ind: CompiledIndicator,
): CompiledIndicator[] {
  if (list) {
    list.push(ind);
    return list;
  }
  return [ind];
}

function removeFrom(list: CompiledIndicator[], ind: CompiledIndicator): void {
  const i = list.indexOf(ind);
  if (i >= 0) {
    list[i] = list[list.length - 1]!;
    list.pop();
  }
}

/** Parses a dotted IPv4 address into a uint32 without allocating; -1 when it is not one. */
function ipv4ToInt(s: string): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && part === 0) return -1;
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return -1;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + part;
}

/**
 * An index of many STIX indicators that finds, for each observation, every indicator
 * that fires without trying each pattern: seeded fingerprint hash tables for `=`/`IN`
 * on (type, path, value), character tries for `LIKE 'abc%'`/`LIKE '%abc'`, one table
 * per prefix length for IPv4 `ISSUBSET` blocks (a bit trie for IPv6), an RE2 set for
 * `MATCHES`, and a per-type fallback list for the rest (candidates are then verified
 * with the full matcher). Adding and removing is incremental; `valid_from`,
 * `valid_until` and `revoked` are respected.
 *
 * @example
 * ```ts
 * import { IndicatorIndex } from '@intelshare/stix/patterns';
 *
 * const index = new IndicatorIndex();
 * index.add([
 *   {
 *     type: 'indicator',
 *     id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
 *     pattern: "[ipv4-addr:value = '198.51.100.1']",
 *     pattern_type: 'stix',
 *     valid_from: '2026-01-01T00:00:00Z',
 *   },
 * ]);
 * const matches = index.match({
 *   id: 'observed-data--1',
 *   first_observed: '2026-02-01T00:00:00Z',
 *   last_observed: '2026-02-01T00:00:00Z',
 *   number_observed: 1,
 *   objects: { '0': { type: 'ipv4-addr', value: '198.51.100.1' } },
 * });
 * matches[0]?.indicatorId; // 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f'
 * ```
 * @see https://intelshare.dev/patterns/matching/
 */
export class IndicatorIndex {
  private readonly types = new Map<string, TypeIndex>();
  private readonly byId = new Map<string, CompiledIndicator>();
  private stamp = 0;
  private readonly run = new MatchRun(this);

  /** How many indicators the index holds. */
  get size(): number {
    return this.byId.size;
  }

  /**
   * Tells whether an indicator id is in the index.
   *
   * @param id - The indicator id.
   * @returns `true` when present.
   */
  has(id: string): boolean {
    return this.byId.has(id);
  }

  /**
   * Adds indicators (or newer versions of ones already present). Bad patterns, other
   * pattern types, revoked or older versions are skipped and reported, never thrown.
   *
   * @param indicators - One indicator or many.
   * @returns How many were added and which were skipped, with reasons.
   */
  add(indicators: IndicatorLike | Iterable<IndicatorLike>): IndicatorAddResult {
    const list: Iterable<IndicatorLike> =
      Symbol.iterator in Object(indicators) && !('pattern' in (indicators as object))
        ? (indicators as Iterable<IndicatorLike>)
        : [indicators as IndicatorLike];
    const result: IndicatorAddResult = { added: 0, skipped: [] };
    for (const indicator of list) {
      const reason = this.addOne(indicator);
      if (reason === undefined) result.added++;
      else
        result.skipped.push({ id: typeof indicator?.id === 'string' ? indicator.id : '', reason });
    }
    return result;
  }

  /**
   * Removes an indicator.
   *
   * @param id - The indicator id.
   * @returns `true` when it was present.
   */
  remove(id: string): boolean {
    const ind = this.byId.get(id);
    if (!ind) return false;
    this.unregister(ind);
    this.byId.delete(id);
    return true;
  }

  /**
   * Creates correlation state for patterns that need several observations; pass it to
   * {@link IndicatorIndex.match} for every observation of a stream.
   *
   * Each indicator's share is bounded, so one costly indicator cannot slow the others:
   * `maxPerIndicator` observations buffered (default 256), and per observation one test
   * of the new observation against each observation expression of the pattern, then at
   * most `maxWorkPerObservation` evaluation steps (default 2,048) with at most
   * `maxBindings` partial bindings per sub-expression (default 32). Indicators that hit
   * the step bound are listed in `overBudget`.
   *
   * @param options - The bounds above.
   * @returns Fresh state.
   * @example
   * ```ts
   * import { IndicatorIndex } from '@intelshare/stix/patterns';
   *
   * const index = new IndicatorIndex();
   * const correlation = index.createCorrelation({ maxWorkPerObservation: 1000 });
   * correlation.stats; // { evaluations: 0, work: 0 }
   * ```
   */
  createCorrelation(
    options: {
      maxPerIndicator?: number;
      maxWorkPerObservation?: number;
      maxBindings?: number;
    } = {},
  ): Correlation {
    return {
      maxPerIndicator: options.maxPerIndicator ?? 256,
      maxWorkPerObservation: options.maxWorkPerObservation ?? CORRELATION_WORK,
      maxBindings: options.maxBindings ?? CORRELATION_BINDINGS,
      overBudget: new Set(),
      stats: { evaluations: 0, work: 0 },
      buffers: new Map(),
    };
  }

  private addOne(indicator: IndicatorLike): string | undefined {
    if (typeof indicator !== 'object' || indicator === null || typeof indicator.id !== 'string') {
      return 'not an indicator with an `id`';
    }
    const existing = this.byId.get(indicator.id);
    const modified = time(indicator.modified, 0);
    if (existing && modified < existing.modified)
      return 'an equal or newer version is already indexed';
    if (indicator.revoked === true) {
      if (existing) this.remove(indicator.id);
      return 'revoked';
    }
    if (indicator.pattern_type !== undefined && indicator.pattern_type !== 'stix') {
      return `pattern_type \`${String(indicator.pattern_type)}\` is not stix`;
    }
    if (typeof indicator.pattern !== 'string') return '`pattern` must be a string';
    const validFrom = time(indicator.valid_from, Number.NEGATIVE_INFINITY);
    const validUntil = time(indicator.valid_until, Number.POSITIVE_INFINITY);
    if (Number.isNaN(validFrom) || Number.isNaN(validUntil)) {
      return '`valid_from`/`valid_until` must be timestamps';
    }
    let ast: ReturnType<typeof parsePattern>;
    try {
      ast = parsePattern(indicator.pattern, { maxLength: 65_536, locations: false });
    } catch (error) {
      if (isPatternError(error)) return `pattern: ${error.message}`;
      throw error;
    }
    const root = ast.expression;
    const single = root.kind === 'observation';
    const ind: CompiledIndicator = {
      id: indicator.id,
      source: indicator,
      validFrom,
      validUntil,
      modified,
      direct: false,
      multi: !single,
      pattern: indicator.pattern,
      stamp: 0,
    };
    const { triggers, direct } = triggersOf(ast);
    if (!direct) {
      try {
        // Compiled now to reject a bad regex at once; kept only in a bounded cache, since
        // a million compiled trees would dominate memory and verification is rare.
        this.cacheCompiled(ind, new CompiledPattern(ast));
      } catch (error) {
        if (isPatternError(error)) return `pattern: ${error.message}`;
        throw error;
      }
    }
    ind.direct = direct;
    if (existing) this.remove(existing.id);
    this.registerAll(ind, triggers, true);
    this.byId.set(ind.id, ind);
    return undefined;
  }

  /**
   * Registers (or unregisters) an indicator under its triggers. Registrations are not
   * stored per indicator, to keep a million indicators small; removal recomputes them
   * from the pattern instead.
   */
  private registerAll(ind: CompiledIndicator, triggers: Trigger[], add: boolean): void {
    for (const trigger of triggers) {
      if (trigger.anchors) {
        for (const anchor of trigger.anchors) {
          if (add) this.register(ind, anchor);
          else this.unregisterAnchor(ind, anchor);
        }
      } else {
        for (const type of trigger.types) {
          const ti = this.typeIndex(type);
          if (add) ti.fallback.push(ind);
          else removeFrom(ti.fallback, ind);
        }
      }
    }
  }

  private typeIndex(type: string): TypeIndex {
    let ti = this.types.get(type);
    if (!ti) {
      ti = { paths: [], byKey: new Map(), fallback: [] };
      this.types.set(type, ti);
    }
    return ti;
  }

  private register(ind: CompiledIndicator, anchor: Anchor): void {
    const ti = this.typeIndex(anchor.type);
    const key = anchor.steps.join('\u0000');
    let pi = ti.byKey.get(key);
    if (!pi) {
      pi = new PathIndex(anchor.steps);
      ti.byKey.set(key, pi);
      ti.paths.push(pi);
    }
    switch (anchor.kind) {
      case 'eq': {
        const bucket = pi.eq.get(anchor.value);
        if (bucket === undefined) pi.eq.set(anchor.value, ind);
        else if (Array.isArray(bucket)) bucket.push(ind);
        else if (bucket !== ind) pi.eq.set(anchor.value, [bucket, ind]);
        return;
      }
      case 'prefix':
      case 'suffix': {
        const rootTrie: Trie = (anchor.kind === 'prefix' ? pi.prefix : pi.suffix) ?? {
          children: undefined,
          entries: undefined,
        };
        if (anchor.kind === 'prefix') pi.prefix = rootTrie;
        else pi.suffix = rootTrie;
        let node = rootTrie;
        const s = anchor.value;
        for (let k = 0; k < s.length; k++) {
          const c = anchor.kind === 'prefix' ? s.charCodeAt(k) : s.charCodeAt(s.length - 1 - k);
          node.children ??= new Map();
          let next = node.children.get(c);
          if (!next) {
            next = { children: undefined, entries: undefined };
            node.children.set(c, next);
          }
          node = next;
        }
        node.entries = pushEntry(node.entries, ind);
        return;
      }
      case 'regex': {
        pi.regex ??= { entries: [], sources: [], set: undefined };
        pi.regex.entries.push(ind);
        pi.regex.sources.push(anchor.source);
        pi.regex.set = undefined;
        return;
      }
      case 'cidr': {
        if (anchor.net.version === 4) {
          pi.cidr4 ??= new Ipv4PrefixTable();
          pi.cidr4.add(anchor.net.words[0]!, anchor.net.prefix, ind);
          return;
        }
        pi.cidr6 ??= { zero: undefined, one: undefined, entries: undefined };
        let node: BitNode = pi.cidr6;
        for (let bit = 0; bit < anchor.net.prefix; bit++) {
          if (bitAt(anchor.net.words, bit) === 1) {
            node.one ??= { zero: undefined, one: undefined, entries: undefined };
            node = node.one;
          } else {
            node.zero ??= { zero: undefined, one: undefined, entries: undefined };
            node = node.zero;
          }
        }
        node.entries = pushEntry(node.entries, ind);
        return;
      }
    }
  }

  private unregister(ind: CompiledIndicator): void {
    this.compiledCache.delete(ind);
    this.registerAll(
      ind,
      triggersOf(parsePattern(ind.pattern, { maxLength: 65_536, locations: false })).triggers,
      false,
    );
  }

  private unregisterAnchor(ind: CompiledIndicator, anchor: Anchor): void {
    const pi = this.types.get(anchor.type)?.byKey.get(anchor.steps.join('\u0000'));
    if (!pi) return;
    if (anchor.kind === 'eq') {
      const bucket = pi.eq.get(anchor.value);
      if (bucket === ind) pi.eq.delete(anchor.value);
      else if (Array.isArray(bucket)) {
        removeFrom(bucket, ind);
        if (bucket.length === 1) pi.eq.set(anchor.value, bucket[0]!);
        else if (bucket.length === 0) pi.eq.delete(anchor.value);
      }
      return;
    }
    if (anchor.kind === 'regex') {
      const group = pi.regex;
      const i = group ? group.entries.indexOf(ind) : -1;
      if (group && i >= 0) {
        group.entries.splice(i, 1);
        group.sources.splice(i, 1);
        group.set = undefined;
      }
      return;
    }
    if (anchor.kind === 'cidr') {
      if (anchor.net.version === 4) {
        pi.cidr4?.remove(anchor.net.words[0]!, anchor.net.prefix, ind);
        return;
      }
      let node: BitNode | undefined = pi.cidr6;
      for (let bit = 0; node && bit < anchor.net.prefix; bit++) {
        node = bitAt(anchor.net.words, bit) ? node.one : node.zero;
      }
      if (node?.entries) removeFrom(node.entries, ind);
      return;
    }
    let node: Trie | undefined = anchor.kind === 'prefix' ? pi.prefix : pi.suffix;
    const v = anchor.value;
    for (let k = 0; node && k < v.length; k++) {
      node = node.children?.get(
        anchor.kind === 'prefix' ? v.charCodeAt(k) : v.charCodeAt(v.length - 1 - k),
      );
    }
    if (node?.entries) removeFrom(node.entries, ind);
  }

  /**
   * Finds every indicator that fires on one observed-data object. Single-observation
   * patterns are decided here; patterns that need several observations fire only with
   * a `correlation` (see {@link IndicatorIndex.createCorrelation}) or when one observed
   * data satisfies them alone.
   *
   * @param observed - An observed-data object (`objects` embedded, or `object_refs` with `scos`).
   * @param options - SCOs and correlation state.
   * @returns The matches (a shared empty array when none).
   */
  match(
    observed: ObservedDataLike,
    options: IndexMatchOptions = NO_OPTIONS,
  ): readonly IndicatorMatch[] {
    // One reusable run object: a miss allocates nothing.
    const run = this.run;
    run.reset(observed, options, ++this.stamp);
    const objects = observed.objects;
    if (objects !== null && typeof objects === 'object') {
      // Object.values is several times faster than for...in on the numeric keys ('0', '1')
      // embedded objects use, and reads own enumerable properties only.
      const values = Object.values(objects);
      for (let i = 0; i < values.length; i++) {
        const obj = values[i];
        if (obj !== null && typeof obj === 'object') this.scan(obj as JsonObject, run);
      }
    }
    const refs = observed.object_refs;
    const scos = options.scos;
    if (refs && scos) {
      for (let i = 0; i < refs.length; i++) {
        const obj = scos.get(refs[i]!);
        if (obj) this.scan(obj, run);
      }
    }
    return run.finish();
  }

  private scan(obj: JsonObject, run: MatchRun): void {
    const ti = this.types.get(obj.type as string);
    if (!ti) return;
    const paths = ti.paths;
    for (let p = 0; p < paths.length; p++) {
      const pi = paths[p]!;
      let value: unknown = obj[pi.first];
      for (let s = 1; s < pi.steps.length && value !== undefined; s++) {
        value =
          value !== null && typeof value === 'object'
            ? (value as JsonObject)[pi.steps[s]!]
            : undefined;
      }
      if (value === undefined || value === null) continue;
      if (Array.isArray(value)) {
        for (const item of value) this.probe(pi, item, run);
      } else {
        this.probe(pi, value, run);
      }
    }
    const fallback = ti.fallback;
    for (let i = 0; i < fallback.length; i++) run.consider(fallback[i]!);
  }

  private probe(pi: PathIndex, observed: unknown, run: MatchRun): void {
    const kind = typeof observed;
    // Strings are looked up in NFC, the form literals are indexed in (STIX 2.1 §9.5).
    const value = kind === 'string' ? nfc(observed as string) : observed;
    if (pi.eq.size > 0 && (kind === 'string' || kind === 'number' || kind === 'boolean')) {
      const bucket = pi.eq.get(value as string | number | boolean);
      if (bucket !== undefined) {
        if (Array.isArray(bucket)) for (let i = 0; i < bucket.length; i++) run.consider(bucket[i]!);
        else run.consider(bucket);
      }
    }
    if (kind !== 'string') return;
    const text = value as string;
    if (pi.regex && pi.regex.entries.length > 0) probeRegex(pi.regex, text, run);
    if (pi.prefix) walkTrie(pi.prefix, text, false, run);
    if (pi.suffix) walkTrie(pi.suffix, text, true, run);
    if (pi.cidr4 || pi.cidr6) {
      const v4 = ipv4ToInt(text);
      if (v4 >= 0) {
        pi.cidr4?.visitContaining(v4, 32, run);
        return;
      }
      const net = parseIpNetwork(text);
      if (net?.version === 4) pi.cidr4?.visitContaining(net.words[0]!, net.prefix, run);
      else if (net && pi.cidr6) {
        let node: BitNode | undefined = pi.cidr6;
        for (let bit = 0; node; bit++) {
          if (node.entries) for (const ind of node.entries) run.consider(ind);
          if (bit === net.prefix) break;
          node = bitAt(net.words, bit) ? node.one : node.zero;
        }
      }
    }
  }

  private readonly compiledCache = new Map<CompiledIndicator, CompiledPattern>();

  private cacheCompiled(ind: CompiledIndicator, compiled: CompiledPattern): CompiledPattern {
    if (this.compiledCache.size >= COMPILED_CACHE_SIZE) {
      this.compiledCache.delete(this.compiledCache.keys().next().value!);
    }
    this.compiledCache.set(ind, compiled);
    return compiled;
  }

  /** @internal The compiled pattern of an indicator, from the bounded cache or compiled again. */
  compiledFor(ind: CompiledIndicator): CompiledPattern {
    const hit = this.compiledCache.get(ind);
    if (hit) {
      // Refresh its place in the least-recently-used order.
      this.compiledCache.delete(ind);
      this.compiledCache.set(ind, hit);
      return hit;
    }
    return this.cacheCompiled(
      ind,
      new CompiledPattern(parsePattern(ind.pattern, { maxLength: 65_536, locations: false })),
    );
  }

  /** @internal */
  isCurrent(ind: CompiledIndicator): boolean {
    return this.byId.get(ind.id) === ind;
  }
}

function probeRegex(group: RegexGroup, value: string, run: MatchRun): void {
  if (group.set === undefined) {
    try {
      const set = new RE2Set(RE2Set.UNANCHORED);
      for (const source of group.sources) set.add(source);
      set.compile();
      group.set = set;
    } catch {
      group.set = null;
    }
  }
  if (group.set) {
    let hits: number[];
    try {
      hits = group.set.match(value);
    } catch {
      // The set ran out of DFA memory: fall back to verifying each regex.
      group.set = null;
      for (const ind of group.entries) run.consider(ind);
      return;
    }
    for (const i of hits) run.consider(group.entries[i]!);
  } else {
    for (const ind of group.entries) run.consider(ind);
  }
}

function walkTrie(root: Trie, value: string, reverse: boolean, run: MatchRun): void {
  let node: Trie | undefined = root;
  const n = value.length;
  for (let k = 0; node; k++) {
    if (node.entries) for (const ind of node.entries) run.consider(ind);
    if (k === n || !node.children) break;
    node = node.children.get(reverse ? value.charCodeAt(n - 1 - k) : value.charCodeAt(k));
  }
}

/** The per-observation state of one `match` call; allocates only when something hits. */
class MatchRun {
  private matches: IndicatorMatch[] | undefined;
  private pending: CompiledIndicator[] | undefined;
  private first = Number.NaN;
  private last = Number.NaN;
  private prepared: PreparedObservation | undefined;
  private observed: ObservedDataLike = NO_OBSERVATION;
  private options: IndexMatchOptions = NO_OPTIONS;
  private stamp = 0;

  constructor(private readonly index: IndicatorIndex) {}

  reset(observed: ObservedDataLike, options: IndexMatchOptions, stamp: number): void {
    this.observed = observed;
    this.options = options;
    this.stamp = stamp;
    this.matches = undefined;
    this.pending = undefined;
    this.first = Number.NaN;
    this.last = Number.NaN;
    this.prepared = undefined;
  }

  consider(ind: CompiledIndicator): void {
    if (ind.stamp === this.stamp) return;
    ind.stamp = this.stamp;
    if (!this.inWindow(ind)) return;
    if (ind.direct) this.push(ind, [this.ref()]);
    else if (this.pending) this.pending.push(ind);
    else this.pending = [ind];
  }

  private ref(): string {
    return typeof this.observed.id === 'string' ? this.observed.id : 'observations[0]';
  }

  // STIX 2.1 §4.7: an indicator applies from valid_from (inclusive) until valid_until (exclusive).
  private inWindow(ind: CompiledIndicator): boolean {
    if (ind.validFrom === Number.NEGATIVE_INFINITY && ind.validUntil === Number.POSITIVE_INFINITY)
      return true;
    if (Number.isNaN(this.first)) {
      this.first = time(this.observed.first_observed, Number.NaN);
      this.last = time(this.observed.last_observed, this.first);
      if (Number.isNaN(this.first)) return false;
    }
    return this.last >= ind.validFrom && this.first < ind.validUntil;
  }

  private push(ind: CompiledIndicator, evidence: string[]): void {
    const match: IndicatorMatch = { indicatorId: ind.id, indicator: ind.source, evidence };
    if (this.matches) this.matches.push(match);
    else this.matches = [match];
  }

  finish(): readonly IndicatorMatch[] {
    if (this.pending) {
      this.prepared ??= prepareObservation(this.observed, 0, this.options.scos);
      for (const ind of this.pending) {
        const compiled = this.index.compiledFor(ind);
        const correlation = this.options.correlation;
        if (ind.multi && correlation && this.index.isCurrent(ind)) {
          let buffer = correlation.buffers.get(ind);
          if (!buffer) {
            buffer = { observations: [], leafResults: [] };
            correlation.buffers.set(ind, buffer);
          }
          // Each observation is tested against the pattern's observation expressions once,
          // when it arrives; re-evaluations of the buffer read the cached results.
          buffer.observations.push(this.prepared);
          buffer.leafResults.push(compiled.leafResults(this.prepared));
          if (buffer.observations.length > correlation.maxPerIndicator) {
            buffer.observations.shift();
            buffer.leafResults.shift();
          }
          // Each indicator's cost per observation is bounded, so one hostile pattern
          // (say ten AND-ed observation expressions) cannot stall the stream.
          const evaluation = compiled.evaluate(
            buffer.observations,
            correlation.maxBindings,
            correlation.maxWorkPerObservation,
            buffer.leafResults,
            false,
          );
          const { result, exhausted } = evaluation;
          // The step that found the budget gone was not taken. Testing the new observation
          // against each observation expression comes on top: it is bounded by the size of
          // the pattern, and without it nothing could be decided.
          const work =
            Math.min(evaluation.work, correlation.maxWorkPerObservation) + compiled.leafCount;
          correlation.stats.evaluations++;
          correlation.stats.work += work;
          if (exhausted) correlation.overBudget.add(ind.id);
          if (result.matched) this.push(ind, result.evidence);
        } else if (!ind.multi) {
          if (compiled.matchesSingle(this.prepared)) this.push(ind, [this.prepared.ref]);
        } else {
          const { result } = compiled.evaluate(
            [this.prepared],
            CORRELATION_BINDINGS,
            SINGLE_OBSERVATION_WORK,
          );
          if (result.matched) this.push(ind, [this.prepared.ref]);
        }
      }
    }
    const matches = this.matches ?? EMPTY;
    // Drop references so the run does not keep the observation alive.
    this.observed = NO_OBSERVATION;
    this.options = NO_OPTIONS;
    this.prepared = undefined;
    this.matches = undefined;
    this.pending = undefined;
    return matches;
  }
}

/**
 * Matches a stream of observed-data against an index and yields each observation that
 * fired with its matches. Patterns that span observations are correlated over the
 * recent observations that touched them.
 *
 * @param index - The indicator index.
 * @param source - Observed-data objects, sync or async.
 * @param options - SCOs for `object_refs`, observations kept per indicator.
 * @returns An async iterator of `{ observation, matches }`.
 *
 * @example
 * ```ts
 * import { IndicatorIndex, matchStream } from '@intelshare/stix/patterns';
 *
 * const index = new IndicatorIndex();
 * index.add({
 *   id: 'indicator--0b3a2ab1-97ff-4a1c-91e0-5c1b6e7f7d11',
 *   pattern: "[domain-name:value = 'evil.example'] REPEATS 2 TIMES",
 *   pattern_type: 'stix',
 * });
 * const seen = (id: string) => ({
 *   id,
 *   first_observed: '2026-01-01T00:00:00Z',
 *   last_observed: '2026-01-01T00:00:00Z',
 *   number_observed: 1,
 *   objects: { '0': { type: 'domain-name', value: 'evil.example' } },
 * });
 * for await (const { matches } of matchStream(index, [seen('observed-data--1'), seen('observed-data--2')])) {
 *   console.log(matches[0]?.evidence); // ['observed-data--1', 'observed-data--2']
 * }
 * ```
 * @see https://intelshare.dev/patterns/matching/
 */
export async function* matchStream(
  index: IndicatorIndex,
  source: Iterable<ObservedDataLike> | AsyncIterable<ObservedDataLike>,
  options: { scos?: ReadonlyMap<string, JsonObject>; maxPerIndicator?: number } = {},
): AsyncGenerator<{ observation: ObservedDataLike; matches: readonly IndicatorMatch[] }> {
  const correlation = index.createCorrelation(
    options.maxPerIndicator === undefined ? {} : { maxPerIndicator: options.maxPerIndicator },
  );
  const matchOptions: IndexMatchOptions = options.scos
    ? { scos: options.scos, correlation }
    : { correlation };
  for await (const observation of source) {
    const matches = index.match(observation, matchOptions);
    if (matches.length > 0) yield { observation, matches };
  }
}
