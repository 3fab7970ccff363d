import { IntelshareError } from '../errors/intelshare-error';
import { assertValid } from '../factories/create-stix-object';
import { TIMESTAMP_RE } from '../model/props';
import { STIX_TYPES, type StixObjectBase } from '../model/schemas';
import { compareTimestamps } from '../model/timestamp';

/** STIX 2.1 §3.6: properties a new version must not change. */
const FIXED = ['type', 'id', 'created', 'created_by_ref', 'spec_version'] as const;

/**
 * Creates a new version of an SDO, SRO or versionable meta object (STIX 2.1 §3.6): the
 * same `id` and `created`, the changes applied, and `modified` set to now (or just after
 * the previous `modified` when the clock is behind).
 *
 * @param object - The current version.
 * @param changes - Properties to set; `undefined` removes one.
 * @param options - `now` to fix the new `modified`; `allowCustom` for custom properties.
 * @returns The new version (the input is not modified).
 * @throws {IntelshareError} `INVALID_ARGUMENT` for SCOs, marking definitions, revoked objects or changes to fixed properties; `VALIDATION_FAILED` when the result is invalid.
 *
 * @example
 * ```ts
 * import { createMalware, newVersion } from '@intelshare/stix';
 *
 * const v1 = createMalware({ name: 'Poison Ivy', is_family: true });
 * const v2 = newVersion(v1, { description: 'A RAT.' });
 * ```
 * @see /stix/versioning/
 */
export function newVersion<T extends StixObjectBase>(
  object: T,
  changes: Partial<Record<keyof T | (string & {}), unknown>>,
  options: { now?: Date; allowCustom?: boolean } = {},
): T {
  if (typeof object !== 'object' || object === null)
    throw new TypeError('`object` must be a STIX object.');
  if (typeof changes !== 'object' || changes === null)
    throw new TypeError('`changes` must be an object.');
  const kind = STIX_TYPES.get(object.type)?.kind;
  if (
    kind === 'sco' ||
    object.type === 'marking-definition' ||
    typeof object.modified !== 'string'
  ) {
    throw new IntelshareError(
      'INVALID_ARGUMENT',
      `Objects of type \`${object.type}\` cannot be versioned (STIX 2.1 §3.6).`,
      { path: 'type' },
    );
  }
  if (object.revoked === true) {
    throw new IntelshareError(
      'INVALID_ARGUMENT',
      'A revoked object cannot get new versions (STIX 2.1 §3.6.2).',
      { path: 'revoked' },
    );
  }
  for (const key of FIXED) {
    if (key in changes && changes[key] !== object[key]) {
      throw new IntelshareError(
        'INVALID_ARGUMENT',
        `\`${key}\` cannot change between versions (STIX 2.1 §3.6).`,
        { path: key },
      );
    }
  }
  const next: Record<string, unknown> = { ...object };
  for (const [key, value] of Object.entries(changes)) {
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
    if (value === undefined) delete next[key];
    else next[key] = value;
  }
  if (!('modified' in changes) || changes.modified === undefined)
    next.modified = nextModified(object.modified, options.now ?? new Date());
  else if (
    typeof changes.modified === 'string' &&
    TIMESTAMP_RE.test(changes.modified) &&
    compareTimestamps(changes.modified, object.modified) <= 0
  ) {
    throw new IntelshareError(
      'INVALID_ARGUMENT',
      '`modified` of a new version must be later than the current one.',
      { path: 'modified' },
    );
  }
  return assertValid(next, options) as T;
}

function nextModified(previous: string, now: Date): string {
  const candidate = now.toISOString();
  if (!TIMESTAMP_RE.test(previous) || compareTimestamps(candidate, previous) > 0) return candidate;
  // The clock is behind the last version: step 1 ms past it.
  return new Date(Date.parse(previous) + 1).toISOString();
}

/**
 * Revokes an object (STIX 2.1 §3.6.2): a new version with `revoked: true`.
 *
 * @param object - The current version.
 * @param options - `now` to fix `modified`.
 * @returns The revoked version.
 * @throws {IntelshareError} `INVALID_ARGUMENT` when the object cannot be versioned or is already revoked.
 *
 * @example
 * ```ts
 * import { createIdentity, revoke } from '@intelshare/stix';
 *
 * const revoked = revoke(createIdentity({ name: 'Old Org' }));
 * ```
 * @see /stix/versioning/
 */
export function revoke<T extends StixObjectBase>(
  object: T,
  options: { now?: Date; allowCustom?: boolean } = {},
): T {
  return newVersion(object, { revoked: true } as Partial<Record<keyof T, unknown>>, options);
}

/**
 * Orders two versions of the same object by `modified` (exactly, sub-seconds included),
 * then by `created`. Objects without `modified` (SCOs, marking definitions) compare equal.
 *
 * @param a - One version.
 * @param b - Another version.
 * @returns Negative when `a` is older, 0 when the same version, positive when newer.
 *
 * @example
 * ```ts
 * import { compareVersions } from '@intelshare/stix';
 *
 * const base = { type: 'tool', id: 'tool--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', created: '2026-01-01T00:00:00Z' };
 * compareVersions({ ...base, modified: '2026-01-01T00:00:00.1Z' }, { ...base, modified: '2026-01-01T00:00:00Z' }); // > 0
 * ```
 * @see /stix/versioning/
 */
export function compareVersions(a: StixObjectBase, b: StixObjectBase): number {
  const byModified = compareOptional(a.modified, b.modified);
  return byModified !== 0 ? byModified : compareOptional(a.created, b.created);
}

function compareOptional(a: unknown, b: unknown): number {
  if (
    typeof a !== 'string' ||
    typeof b !== 'string' ||
    !TIMESTAMP_RE.test(a) ||
    !TIMESTAMP_RE.test(b)
  )
    return 0;
  return Math.sign(compareTimestamps(a, b));
}

/**
 * Keeps only the latest version of each object (by `id`), in order of first appearance.
 *
 * @param objects - Any collection of objects, possibly with several versions each.
 * @returns One object per id: the one with the greatest `modified`.
 *
 * @example
 * ```ts
 * import { latestVersions, parseStix } from '@intelshare/stix';
 *
 * const latest = latestVersions(parseStix('[]').objects);
 * ```
 * @see /stix/versioning/
 */
export function latestVersions<T extends StixObjectBase>(objects: Iterable<T>): T[] {
  const latest = new Map<string, T>();
  for (const object of objects) {
    const current = latest.get(object.id);
    if (current === undefined || compareVersions(object, current) > 0)
      latest.set(object.id, object);
  }
  return [...latest.values()];
}
