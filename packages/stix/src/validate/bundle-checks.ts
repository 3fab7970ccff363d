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
 * Cost on the hot path: one `Map` lookup and insert per object keyed by its `id` (no string
 * is built), plus one property read per object for the extension-definition pre-pass. The
 * comparisons only run for ids seen twice, which valid bundles rarely have.
 */
export class BundleChecks {
  /** id → index of its first occurrence, or the indices of each distinct version. */
  private readonly seen = new Map<string, number | number[]>();
  /** Objects that were replaced before validation (STIX 2.0 upgrade), by index. */
  private readonly replaced = new Map<number, Record<string, unknown>>();
  /** extension-definition id → the `extension_types` it declares (all its versions). */
  private readonly definitions: Map<string, Set<string>>;

  constructor(
    private readonly list: readonly unknown[],
    private readonly prefix: string,
  ) {
    this.definitions = collectExtensionDefinitions(list);
  }

  /**
   * Runs the bundle-level checks on the object at `index` (already validated on its own).
   * `o` is the object as validated (it differs from the input after a 2.0 upgrade).
   */
  check(o: Record<string, unknown>, index: number, ctx: ValidationContext, path: string): void {
    if (o !== this.list[index]) this.replaced.set(index, o);
    const id = o.id;
    if (typeof id === 'string') this.checkDuplicate(o, id, index, ctx, path);
    if (this.definitions.size > 0 && isPlainObject(o.extensions))
      this.checkExtensionUse(o.extensions, ctx, path);
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
    const previous = this.seen.get(id);
    if (previous === undefined) {
      this.seen.set(id, index);
      return;
    }
    const versioned = isVersioned(o);
    const indices = typeof previous === 'number' ? [previous] : previous;
    for (const j of indices) {
      const other = this.objectAt(j);
      if (other === undefined || (versioned && !sameVersion(o.modified, other.modified))) continue;
      const first = joinPath(this.prefix, j);
      if (jsonEqual(o, other, 0)) {
        ctx.warn(
          'DUPLICATE_OBJECT',
          path,
          'id',
          `duplicate of ${first}: the same object version appears twice (STIX 2.1 §3.6).`,
        );
      } else {
        const message = versioned
          ? `duplicate of ${first} with different content: one version (id and modified) must always have the same properties and values (STIX 2.1 §3.6).`
          : `duplicate of ${first} with different content: the same observable is described twice (SCOs are not versioned, STIX 2.1 §3.6).`;
        if (versioned) ctx.fail('DUPLICATE_CONFLICT', path, 'id', message);
        else ctx.warn('DUPLICATE_CONFLICT', path, 'id', message);
      }
      return;
    }
    // A further version of the same object.
    if (typeof previous === 'number') this.seen.set(id, [previous, index]);
    else previous.push(index);
  }

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

/** Finds the extension-definition objects of the input (one property read per object). */
function collectExtensionDefinitions(list: readonly unknown[]): Map<string, Set<string>> {
  const definitions = new Map<string, Set<string>>();
  for (let i = 0; i < list.length; i++) {
    const o = list[i];
    if (!isPlainObject(o) || o.type !== 'extension-definition') continue;
    const id = o.id;
    const types = o.extension_types;
    if (typeof id !== 'string' || !Array.isArray(types)) continue;
    let set = definitions.get(id);
    if (set === undefined) {
      set = new Set();
      definitions.set(id, set);
    }
    for (const type of types) if (typeof type === 'string') set.add(type);
  }
  return definitions;
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
