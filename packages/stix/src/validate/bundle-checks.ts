import { joinPath } from '../model/issue';
import { isPlainObject, TIMESTAMP_RE } from '../model/props';
import { STIX_TYPES } from '../model/schemas';
import { compareTimestamps } from '../model/timestamp';
import type { ValidationContext } from './context';

/**
 * Checks that need the whole input rather than one object: duplicate objects (STIX 2.1
 * §3.6) and the use of extensions against extension-definition objects carried in the same
 * input (§7.3). Internal to `parseStix`; one instance per parse.
 *
 * Cost on the hot path: one lookup per object in an {@link IdTable} (a pre-sized open-
 * addressing table, about twice cheaper than a `Map` of 100 000 fresh id strings); no
 * second pass over the input (extension use is checked at the end, for the objects that
 * have `extensions`). The comparisons only run for ids seen twice, which valid bundles
 * rarely have.
 */
export class BundleChecks {
  /** id → index of its first occurrence. */
  private readonly seen: IdTable;
  /** Index of an id's first occurrence → indices of its further versions (rare). */
  private readonly versions = new Map<number, number[]>();
  /** Objects that were replaced before validation (STIX 2.0 upgrade), by index. */
  private readonly replaced = new Map<number, Record<string, unknown>>();
  /** extension-definition id → the `extension_types` it declares (all its versions). */
  private readonly definitions = new Map<string, Set<string>>();
  /** Indices of objects with `extensions`, checked once every definition is known. */
  private readonly withExtensions: number[] = [];

  constructor(
    private readonly list: readonly unknown[],
    private readonly prefix: string,
  ) {
    this.seen = new IdTable(list.length);
  }

  /**
   * Runs the bundle-level checks on the object at `index` (already validated on its own).
   * `o` is the object as validated (it differs from the input after a 2.0 upgrade).
   */
  check(o: Record<string, unknown>, index: number, ctx: ValidationContext, path: string): void {
    if (o !== this.list[index]) this.replaced.set(index, o);
    const id = o.id;
    if (typeof id === 'string') this.checkDuplicate(o, id, index, ctx, path);
    if (o.type === 'extension-definition') addDefinition(this.definitions, o);
    if (o.extensions !== undefined) this.withExtensions.push(index);
  }

  /**
   * Checks extension use once every extension-definition of the input is known (a
   * definition may follow its use). Returns the objects that got an error here, which
   * strict mode leaves out.
   */
  finish(ctx: ValidationContext): Set<unknown> | undefined {
    if (this.definitions.size === 0) return undefined;
    let failed: Set<unknown> | undefined;
    for (const index of this.withExtensions) {
      const o = this.objectAt(index);
      if (o === undefined || !isPlainObject(o.extensions)) continue;
      const before = ctx.errors;
      this.checkExtensionUse(o.extensions, ctx, joinPath(this.prefix, index));
      if (ctx.errors !== before) {
        failed ??= new Set();
        failed.add(o);
      }
    }
    return failed;
  }

  /**
   * STIX 2.1 §3.6: "A version of a STIX Object is identified uniquely by the combination of
   * its **id** and **modified** properties", and "Every representation ... of a version of
   * an object ... MUST always have the same set of properties and the same values for each
   * property". So in one bundle:
   * - the same id with different `modified` values is several versions: legitimate;
   * - the same version twice with identical content is a redundant copy: a warning
   *   (`DUPLICATE_OBJECT`), and the object is kept;
   * - the same version twice with different content breaks that MUST: `DUPLICATE_CONFLICT`,
   *   an error (a warning in lenient mode); §3.6 leaves undefined which copy a consumer
   *   should believe, so the later one is dropped in strict mode.
   * A version is the id alone for objects without `modified` (marking definitions, custom
   * objects without it). SCOs are different: §3.6 says "SCOs are not versioned" (they have
   * no `modified`), and deterministic ids (§2.9, §3.4) give every
   * description of one observable the same id, so two copies that differ in other
   * properties (a domain-name with and without `resolves_to_refs`) are expected and meant
   * to be merged: for SCOs `DUPLICATE_CONFLICT` is a warning, keyed on the id alone.
   * Timestamps are compared as instants, so `…00Z` and `…00.000Z` are the same version.
   */
  private checkDuplicate(
    o: Record<string, unknown>,
    id: string,
    index: number,
    ctx: ValidationContext,
    path: string,
  ): void {
    const first = this.seen.firstIndex(id, index, this.idAt);
    if (first < 0) return;
    const versioned = isVersioned(o);
    const more = this.versions.get(first);
    for (const j of more === undefined ? [first] : [first, ...more]) {
      const other = this.objectAt(j);
      if (other === undefined || (versioned && !sameVersion(o.modified, other.modified))) continue;
      const where = joinPath(this.prefix, j);
      if (jsonEqual(o, other, 0)) {
        ctx.warn(
          'DUPLICATE_OBJECT',
          path,
          'id',
          `duplicate of ${where}: the same object version appears twice (STIX 2.1 §3.6).`,
        );
      } else {
        const message = versioned
          ? `duplicate of ${where} with different content: one version (id and modified) must always have the same properties and values (STIX 2.1 §3.6).`
          : `duplicate of ${where} with different content: the same observable is described twice (SCOs are not versioned, STIX 2.1 §3.6).`;
        if (versioned) ctx.fail('DUPLICATE_CONFLICT', path, 'id', message);
        else ctx.warn('DUPLICATE_CONFLICT', path, 'id', message);
      }
      return;
    }
    // A further version of the same object.
    if (more === undefined) this.versions.set(first, [index]);
    else more.push(index);
  }

  private readonly idAt = (index: number): unknown => this.objectAt(index)?.id;

  private objectAt(index: number): Record<string, unknown> | undefined {
    const o = this.replaced.get(index) ?? this.list[index];
    return isPlainObject(o) ? o : undefined;
  }

  /**
   * STIX 2.1 §7.3.1: an extension-definition's `extension_types` says which extension types
   * it contains, so an object whose `extensions` entry for that definition names another
   * `extension_type` uses the extension in a way its normative definition does not declare.
   * Only checked when the definition travels in the same input; a definition published
   * elsewhere is not fetched.
   */
  private checkExtensionUse(
    extensions: Record<string, unknown>,
    ctx: ValidationContext,
    path: string,
  ): void {
    for (const name of Object.keys(extensions)) {
      const declared = this.definitions.get(name);
      if (declared === undefined) continue;
      const entry = extensions[name];
      if (!isPlainObject(entry)) continue;
      const type = entry.extension_type;
      if (typeof type !== 'string' || declared.has(type)) continue;
      ctx.fail(
        'INVALID_EXTENSION',
        joinPath(joinPath(path, 'extensions'), name),
        'extension_type',
        `\`${type.slice(0, 40)}\` is not among the \`extension_types\` (${[...declared].join(', ')}) of the extension definition in this bundle (STIX 2.1 §7.3.1).`,
      );
    }
  }
}

/** Records the `extension_types` of an extension-definition (every version counts). */
function addDefinition(definitions: Map<string, Set<string>>, o: Record<string, unknown>): void {
  const id = o.id;
  const types = o.extension_types;
  if (typeof id !== 'string' || !Array.isArray(types)) return;
  let set = definitions.get(id);
  if (set === undefined) {
    set = new Set();
    definitions.set(id, set);
  }
  for (const type of types) if (typeof type === 'string') set.add(type);
}

/**
 * Whether `modified` identifies versions of this object: not for SCOs (STIX 2.1 §3.6), nor
 * for custom objects without the `created`/`modified` pair of versioned objects.
 */
function isVersioned(o: Record<string, unknown>): boolean {
  const type = o.type;
  if (typeof type !== 'string') return false;
  const kind = STIX_TYPES.get(type)?.kind;
  if (kind !== undefined) return kind !== 'sco';
  return o.created !== undefined;
}

/** Same `modified` (both absent, or the same instant). */
function sameVersion(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  return TIMESTAMP_RE.test(a) && TIMESTAMP_RE.test(b) && compareTimestamps(a, b) === 0;
}

/** Deeper than any object that passes `limits.maxDepth` (at most 64 by default). */
const MAX_EQUAL_DEPTH = 256;

/**
 * Structural equality of two parsed JSON values; key order does not matter (JSON objects
 * are unordered). Bounded: beyond `MAX_EQUAL_DEPTH` levels the values count as different.
 */
export function jsonEqual(a: unknown, b: unknown, depth: number): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (depth > MAX_EQUAL_DEPTH) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i], depth + 1)) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = Object.keys(ra);
  if (keys.length !== Object.keys(rb).length) return false;
  for (const key of keys) {
    if (!Object.hasOwn(rb, key) || !jsonEqual(ra[key], rb[key], depth + 1)) return false;
  }
  return true;
}

/** Longest probe sequence before the table gives up on its hash (see {@link IdTable}). */
const MAX_PROBES = 32;
/** Characters hashed, from the end of the id: 48 random (v4) or hashed (v5) UUID bits. */
const HASHED_CHARS = 12;

/**
 * A set of ids mapping each to the index of its first occurrence: open addressing over one
 * `Int32Array` of (hash, index + 1) pairs sized once for the whole input (load factor at
 * most 1/2), hashing the last {@link HASHED_CHARS} characters of the id with a per-instance
 * seed. It is several times cheaper than a `Map` of fresh id strings. Ids come from the
 * feed, so an attacker can make them collide (the hash ignores most of the id): a probe
 * sequence longer than {@link MAX_PROBES} moves every entry to a `Map` (V8's seeded string
 * hash over the whole id), which bounds the damage to a `Map`'s cost.
 */
export class IdTable {
  /** Slot s holds the hash at 2s and the index + 1 of the first occurrence at 2s + 1 (0 = empty). */
  private readonly table: Int32Array;
  private readonly mask: number;
  private readonly seed = (Math.random() * 0x100000000) | 0;
  private fallback: Map<string, number> | undefined;

  constructor(expected: number) {
    let capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    this.table = new Int32Array(capacity * 2);
    this.mask = capacity - 1;
  }

  /** Whether the table gave up on its hash and moved to a `Map` (tests). */
  get degraded(): boolean {
    return this.fallback !== undefined;
  }

  /**
   * Returns the index of the first occurrence of `id`, or -1 after recording `index` as it.
   * `idAt` gives the id of a recorded index (the table keeps no strings).
   */
  firstIndex(id: string, index: number, idAt: (index: number) => unknown): number {
    if (this.fallback !== undefined) return fromMap(this.fallback, id, index);
    let h = this.seed;
    for (let i = Math.max(0, id.length - HASHED_CHARS); i < id.length; i++)
      h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
    h ^= h >>> 15;
    const table = this.table;
    let slot = h & this.mask;
    for (let probes = 0; probes < MAX_PROBES; probes++) {
      const stored = table[2 * slot + 1]!;
      if (stored === 0) {
        table[2 * slot] = h;
        table[2 * slot + 1] = index + 1;
        return -1;
      }
      if (table[2 * slot] === h && idAt(stored - 1) === id) return stored - 1;
      slot = (slot + 1) & this.mask;
    }
    const map = new Map<string, number>();
    for (let s = 1; s < table.length; s += 2) {
      const stored = table[s]!;
      const storedId = stored === 0 ? undefined : idAt(stored - 1);
      if (typeof storedId === 'string') map.set(storedId, stored - 1);
    }
    this.fallback = map;
    return fromMap(map, id, index);
  }
}

function fromMap(map: Map<string, number>, id: string, index: number): number {
  const first = map.get(id);
  if (first !== undefined) return first;
  map.set(id, index);
  return -1;
}
