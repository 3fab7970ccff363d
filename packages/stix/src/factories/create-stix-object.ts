import { IntelshareError } from '../errors/intelshare-error';
import { generateScoId } from '../ids/sco-id';
import { STIX_TYPES, type StixObjectBase, type StixType, type StixTypeMap } from '../model/schemas';
import type { ValidateOptions } from '../validate/context';
import { validateStixObject } from '../validate/validate-object';

/** Drops keys while keeping index signatures (the built-in `Omit` loses known keys of loose types). */
type OmitKeys<T, K extends PropertyKey> = { [P in keyof T as P extends K ? never : P]: T[P] };

/** Properties a factory fills in unless given: `id`, `spec_version`, `created`, `modified`. */
type Generated = 'type' | 'id' | 'spec_version' | 'created' | 'modified';

/** The input of a factory for type `T`: its properties, with generated ones optional. */
export type StixObjectInput<T extends StixType> = OmitKeys<StixTypeMap[T], Generated> &
  Partial<Pick<StixTypeMap[T], Extract<keyof StixTypeMap[T], Exclude<Generated, 'type'>>>>;

/** Options of the factories. */
export interface CreateStixObjectOptions extends Pick<ValidateOptions, 'allowCustom'> {
  /** The time to use for `created`/`modified` (default now). */
  now?: Date;
}

/**
 * Creates a valid STIX 2.1 object of the given type: fills `id` (random UUIDv4, or the
 * deterministic UUIDv5 for SCOs), `spec_version`, and `created`/`modified` (SDOs, SROs and
 * meta objects), then validates it in strict mode.
 *
 * @param type - A STIX 2.1 type name such as `indicator`.
 * @param props - The object's properties; generated ones may be given to override.
 * @param options - `now` to fix the timestamps, `allowCustom` to permit custom properties.
 * @returns The new object, with `type` first.
 * @throws {IntelshareError} `VALIDATION_FAILED` with every issue in the message when the result is not valid.
 *
 * @example
 * ```ts
 * import { createStixObject } from '@intelshare/stix';
 *
 * const indicator = createStixObject('indicator', {
 *   pattern: "[ipv4-addr:value = '198.51.100.1']",
 *   pattern_type: 'stix',
 *   valid_from: '2026-01-01T00:00:00Z',
 * });
 * ```
 * @see /stix/modelling/
 */
export function createStixObject<T extends StixType>(
  type: T,
  props: StixObjectInput<T>,
  options: CreateStixObjectOptions = {},
): StixTypeMap[T] {
  const def = STIX_TYPES.get(type);
  if (!def)
    throw new TypeError(
      `\`${String(type)}\` is not a STIX 2.1 type; build custom objects by hand.`,
    );
  if (typeof props !== 'object' || props === null)
    throw new TypeError('`props` must be an object.');
  const input = props as Record<string, unknown>;
  const object: Record<string, unknown> = { type, spec_version: input.spec_version ?? '2.1' };
  if (def.kind === 'sco') {
    object.id = input.id ?? generateScoId({ ...input, type });
  } else {
    object.id = input.id ?? `${type}--${crypto.randomUUID()}`;
    const now = (options.now ?? new Date()).toISOString();
    object.created = input.created ?? now;
    // STIX 2.1 §7.2.1: marking definitions are never versioned, so they have no `modified`.
    if (type !== 'marking-definition') object.modified = input.modified ?? input.created ?? now;
  }
  for (const key of Object.keys(input)) {
    if (key === 'type' || Object.hasOwn(object, key)) continue;
    // Own `__proto__`/`constructor` keys stay own properties, so validation rejects them.
    Object.defineProperty(object, key, {
      value: input[key],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return assertValid(object, options) as StixTypeMap[T];
}

/** @internal Throws `VALIDATION_FAILED` when `object` has errors. */
export function assertValid(
  object: Record<string, unknown>,
  options: Pick<ValidateOptions, 'allowCustom'> = {},
): StixObjectBase {
  const issues = validateStixObject(object, { allowCustom: options.allowCustom === true });
  const errors = issues.filter((issue) => issue.severity === 'error');
  if (errors.length > 0) {
    const first = errors[0]!;
    throw new IntelshareError(
      'VALIDATION_FAILED',
      `${first.message}${
        errors.length > 1
          ? ` (and ${errors.length - 1} more issue(s): ${errors
              .slice(1)
              .map((e) => `${e.path}: ${e.code}`)
              .join(', ')})`
          : ''
      }`,
      { path: first.path, cause: errors },
    );
  }
  return object as StixObjectBase;
}

function factory<T extends StixType>(type: T) {
  return (props: StixObjectInput<T>, options?: CreateStixObjectOptions): StixTypeMap[T] =>
    createStixObject(type, props, options);
}

/**
 * Creates an Indicator (STIX 2.1 §4.7); see {@link createStixObject}.
 *
 * @param props - The indicator's properties (`pattern`, `pattern_type`, `valid_from` required).
 * @param options - `now`, `allowCustom`.
 * @returns A valid indicator.
 * @example
 * ```ts
 * import { createIndicator } from '@intelshare/stix';
 *
 * createIndicator({ pattern: "[url:value = 'http://x.example/']", pattern_type: 'stix', valid_from: '2026-01-01T00:00:00Z' });
 * ```
 */
export const createIndicator = factory('indicator');
/**
 * Creates a Malware SDO (STIX 2.1 §4.11); see {@link createStixObject}.
 *
 * @param props - `is_family` required, `name` required for families.
 * @param options - `now`, `allowCustom`.
 * @returns A valid malware object.
 * @example
 * ```ts
 * import { createMalware } from '@intelshare/stix';
 *
 * createMalware({ name: 'Poison Ivy', is_family: true });
 * ```
 */
export const createMalware = factory('malware');
/**
 * Creates an Identity (STIX 2.1 §4.5); see {@link createStixObject}.
 *
 * @param props - `name` required.
 * @param options - `now`, `allowCustom`.
 * @returns A valid identity.
 * @example
 * ```ts
 * import { createIdentity } from '@intelshare/stix';
 *
 * createIdentity({ name: 'ACME CERT', identity_class: 'organization' });
 * ```
 */
export const createIdentity = factory('identity');
/**
 * Creates a Relationship (STIX 2.1 §5.1); see {@link createStixObject}.
 *
 * @param props - `relationship_type`, `source_ref`, `target_ref` required.
 * @param options - `now`, `allowCustom`.
 * @returns A valid relationship.
 * @example
 * ```ts
 * import { createRelationship } from '@intelshare/stix';
 *
 * createRelationship({
 *   relationship_type: 'indicates',
 *   source_ref: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
 *   target_ref: 'malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b',
 * });
 * ```
 */
export const createRelationship = factory('relationship');
/**
 * Creates a Sighting (STIX 2.1 §5.2); see {@link createStixObject}.
 *
 * @param props - `sighting_of_ref` required.
 * @param options - `now`, `allowCustom`.
 * @returns A valid sighting.
 * @example
 * ```ts
 * import { createSighting } from '@intelshare/stix';
 *
 * createSighting({ sighting_of_ref: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', count: 3 });
 * ```
 */
export const createSighting = factory('sighting');
/**
 * Creates a Report (STIX 2.1 §4.16); see {@link createStixObject}.
 *
 * @param props - `name`, `published`, `object_refs` required.
 * @param options - `now`, `allowCustom`.
 * @returns A valid report.
 * @example
 * ```ts
 * import { createReport } from '@intelshare/stix';
 *
 * createReport({ name: 'Weekly', published: '2026-01-01T00:00:00Z', object_refs: ['indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f'] });
 * ```
 */
export const createReport = factory('report');
/**
 * Creates a Marking Definition (STIX 2.1 §7.2.1); see {@link createStixObject}.
 *
 * @param props - `definition_type` + `definition`, or `extensions`.
 * @param options - `now`, `allowCustom`.
 * @returns A valid marking definition.
 * @example
 * ```ts
 * import { createMarkingDefinition } from '@intelshare/stix';
 *
 * createMarkingDefinition({ definition_type: 'statement', definition: { statement: 'Copyright 2026 ACME' } });
 * ```
 */
export const createMarkingDefinition = factory('marking-definition');
