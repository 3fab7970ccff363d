import { z } from 'zod';
import type { ValidationContext } from '../validate/context';
import { joinPath } from './issue';

/**
 * The building blocks of every STIX schema. Each property is described once and yields
 * both a zod schema (the source of truth for types and docs) and a hand-written checker
 * used on the hot path, because running zod per object is too slow for 100k-object
 * bundles. `test/zod-agreement.test.ts` checks that both agree.
 */

/** Checks one present value; `parent` + `key` locate it (joined only when reporting). */
export type Check = (
  value: unknown,
  ctx: ValidationContext,
  parent: string,
  key: string | number,
) => void;

/** A cross-property rule of one object (`modified >= created`, ...). */
export type Rule = (object: Record<string, unknown>, ctx: ValidationContext, path: string) => void;

/** One property: its zod schema, its fast checker, and whether it is required. */
export interface Prop<Z extends z.ZodType = z.ZodType, R extends boolean = boolean> {
  readonly zod: Z;
  readonly check: Check;
  readonly required: R;
  /** For identifiers: the object types the reference may point at (undefined = any). */
  readonly refTypes?: readonly string[] | undefined;
}

export type PropMap = Record<string, Prop>;

/** Maps a property map to the zod shape it stands for. */
export type ShapeOf<P extends PropMap> = {
  [K in keyof P]: P[K] extends Prop<infer Z, infer R>
    ? R extends true
      ? Z
      : z.ZodOptional<Z>
    : never;
};

function prop<Z extends z.ZodType>(
  zod: Z,
  check: Check,
  refTypes?: readonly string[],
): Prop<Z, false> {
  return { zod, check, required: false, refTypes };
}

/** Marks a property as required. */
export function req<Z extends z.ZodType>(p: Prop<Z, boolean>): Prop<Z, true> {
  return { ...p, required: true };
}

// ---------------------------------------------------------------------------------------
// Shared regular expressions (linear, anchored; safe on hostile input).

/** STIX 2.1 §3.2: RFC 3339, UTC, `Z`, any sub-second precision. */
export const TIMESTAMP_RE =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?Z$/;
/** STIX 2.1 §2.9: the UUID part of an identifier must be RFC 4122-compliant (hex is case-insensitive on input, RFC 4122 §3). */
export const UUID_RE =
  /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$/;
/** STIX 2.1 §2.9: `object-type--UUID`. */
export const IDENTIFIER_RE =
  /^[a-z0-9][a-z0-9-]*[a-z0-9]--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$/;
/** STIX 2.1 §3.1: type names are 3-250 characters of a-z, 0-9 and single hyphens. */
export const TYPE_NAME_RE = /^(?!.*--)[a-z0-9][a-z0-9-]{1,248}[a-z0-9]$/;
/** STIX 2.1 §3.1: property names are 3-250 characters of a-z, 0-9 and underscore. */
export const PROPERTY_NAME_RE = /^[a-z0-9_]{3,250}$/;
const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const HEX_RE = /^(?:[0-9a-fA-F]{2})*$/;

/**
 * STIX 2.1 §3.8 "Reserved Names": property names reserved "across all STIX Objects" for
 * future revisions. They MUST NOT be used as the name of any custom property nor be present
 * in conforming content, so one is an error wherever a property name is read: the top level
 * of any object (SDO, SRO, SCO, meta, custom), nested STIX types and extensions. Keys of
 * dictionaries (`hashes`, `environment_variables`, a custom property's value) are data, not
 * property names, and are not checked. `action` is also marked RESERVED on course-of-action
 * (§4.3). The STIX 2.0 list (`usernames`, `addresses`, `phone_numbers`) is not carried over:
 * 2.1 reserves `username` and `phone_number` in the singular and no longer `addresses`.
 */
export const RESERVED_PROPERTY_NAMES: ReadonlySet<string> = new Set([
  'severity',
  'username',
  'phone_number',
  'action',
]);

/**
 * Names the official OASIS STIX 2.1 JSON schemas (`common/core.json`,
 * `common/cyber-observable-core.json`) reject although §3.8 does not reserve them: the
 * schemas spell `phone_numbers` in the plural. Content using it fails the OASIS validator,
 * so it is reported, as a warning, since the normative text allows it.
 */
export const SCHEMA_RESERVED_PROPERTY_NAMES: ReadonlySet<string> = new Set(['phone_numbers']);

/**
 * Tells whether `v` is `type--UUID` (STIX 2.1 §2.9). Hand-written because the regular
 * expression backtracks over the whole UUID (its hex digits also match the type part);
 * this is the hottest check of the validator. Type-name results are memoised (bounded).
 */
export function isIdentifier(v: string): boolean {
  return identifierTypeLength(v) > 0;
}

/**
 * The length of the type part of a valid identifier, or -1 when `v` is not one. Checks
 * characters in place: no substring, no regular expression, no hashing.
 */
export function identifierTypeLength(v: string): number {
  const n = v.length;
  // Type names are 3-250 characters; `--` and a 36-character UUID follow.
  if (n < 41 || n > 288 || v.charCodeAt(n - 37) !== 45 || v.charCodeAt(n - 38) !== 45) return -1;
  if (!isUuidAt(v, n - 36)) return -1;
  const end = n - 38;
  let previous = 45; // a leading hyphen is rejected like a doubled one
  for (let i = 0; i < end; i++) {
    const c = v.charCodeAt(i);
    if (c === 45) {
      if (previous === 45) return -1;
    } else if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57))) {
      return -1;
    }
    previous = c;
  }
  return previous === 45 ? -1 : end;
}

/** `UUID_RE` without a regular expression or a substring, for the hot path. */
function isUuidAt(v: string, start: number): boolean {
  for (let i = 0; i < 36; i++) {
    const c = v.charCodeAt(start + i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return false;
    } else if (i === 14) {
      if (c < 49 || c > 56) return false; // version 1-8
    } else if (i === 19) {
      if (c !== 56 && c !== 57 && c !== 97 && c !== 98 && c !== 65 && c !== 66) return false; // variant 8, 9, a, b
    } else if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70))) {
      return false;
    }
  }
  return true;
}

const validPropertyNames = new Map<string, boolean>();

/** Tells whether `name` is a valid custom property name (STIX 2.1 §3.1), memoised (bounded). */
function isPropertyName(name: string): boolean {
  let valid = validPropertyNames.get(name);
  if (valid === undefined) {
    valid = PROPERTY_NAME_RE.test(name);
    if (validPropertyNames.size < 4096) validPropertyNames.set(name, valid);
  }
  return valid;
}

/**
 * STIX 2.1 §3.1 and §11.1: property names MUST be 3-250 characters of a-z, 0-9 and `_`
 * (an error), and custom ones SHOULD start with a letter (a warning). Returns false when
 * the name breaks the MUST.
 */
export function checkPropertyNameForm(name: string, ctx: ValidationContext, path: string): boolean {
  if (!isPropertyName(name)) {
    ctx.fail(
      'INVALID_PROPERTY_NAME',
      path,
      name,
      'Property names must be 3-250 characters of a-z, 0-9 and `_` (STIX 2.1 §3.1).',
    );
    return false;
  }
  const first = name.charCodeAt(0);
  if (first < 97 || first > 122)
    ctx.warn(
      'INVALID_PROPERTY_NAME',
      path,
      name,
      'Custom property names should start with a letter a-z (STIX 2.1 §11.1).',
    );
  return true;
}

/** Keys that must never be created from input (prototype pollution). */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set([
  '__proto__',
  'constructor',
  'prototype',
]);

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

// ---------------------------------------------------------------------------------------
// Scalars

function checkStringValue(
  v: unknown,
  ctx: ValidationContext,
  parent: string,
  key: string | number,
): v is string {
  if (typeof v !== 'string') {
    ctx.fail('INVALID_TYPE', parent, key, `Expected a string, got ${typeName(v)}.`);
    return false;
  }
  if (v.length > ctx.maxStringLength) {
    ctx.fatal(
      'LIMIT_EXCEEDED',
      parent,
      key,
      `String of ${v.length} characters exceeds \`limits.maxStringLength\` (${ctx.maxStringLength}).`,
    );
    return false;
  }
  return true;
}

/** A string. */
export function str(): Prop<z.ZodString, false> {
  return prop(z.string(), (v, ctx, p, k) => {
    checkStringValue(v, ctx, p, k);
  });
}

/** A STIX timestamp: RFC 3339 in UTC with `Z`; sub-second digits are kept as given. */
export function timestamp(): Prop<z.ZodString, false> {
  return prop(
    z.string().regex(TIMESTAMP_RE).refine(isCalendarDate, 'Not a calendar date.'),
    (v, ctx, p, k) => {
      if (!checkStringValue(v, ctx, p, k)) return;
      if (!TIMESTAMP_RE.test(v) || !isCalendarDate(v))
        ctx.fail(
          'INVALID_TIMESTAMP',
          p,
          k,
          `\`${truncate(v)}\` is not an RFC 3339 UTC timestamp ending in \`Z\`.`,
        );
    },
  );
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** RFC 3339 §5.7: the day must exist in its month (February 29 only in leap years). */
export function isCalendarDate(v: string): boolean {
  // Digits read in place (the format was already checked): this runs for every timestamp.
  const day = (v.charCodeAt(8) - 48) * 10 + v.charCodeAt(9) - 48;
  if (day <= 28) return true;
  const month = (v.charCodeAt(5) - 48) * 10 + v.charCodeAt(6) - 48;
  if (day > DAYS_IN_MONTH[month - 1]!) return false;
  if (month !== 2 || day !== 29) return true;
  const year = Number(v.slice(0, 4));
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** A boolean. */
export function bool(): Prop<z.ZodBoolean, false> {
  return prop(z.boolean(), (v, ctx, p, k) => {
    if (typeof v !== 'boolean')
      ctx.fail('INVALID_TYPE', p, k, `Expected a boolean, got ${typeName(v)}.`);
  });
}

/** An integer, optionally bounded (inclusive). */
export function int(min?: number, max?: number): Prop<z.ZodNumber, false> {
  let zod = z.number().int();
  if (min !== undefined) zod = zod.min(min);
  if (max !== undefined) zod = zod.max(max);
  return prop(zod, (v, ctx, p, k) => {
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      ctx.fail('INVALID_TYPE', p, k, `Expected an integer, got ${typeName(v)}.`);
    } else if ((min !== undefined && v < min) || (max !== undefined && v > max)) {
      ctx.fail('OUT_OF_RANGE', p, k, `${v} is outside ${min ?? '-∞'}..${max ?? '∞'}.`);
    }
  });
}

/** A floating-point number, optionally bounded (inclusive). */
export function num(min?: number, max?: number): Prop<z.ZodNumber, false> {
  let zod = z.number();
  if (min !== undefined) zod = zod.min(min);
  if (max !== undefined) zod = zod.max(max);
  return prop(zod, (v, ctx, p, k) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      ctx.fail('INVALID_TYPE', p, k, `Expected a number, got ${typeName(v)}.`);
    } else if ((min !== undefined && v < min) || (max !== undefined && v > max)) {
      ctx.fail('OUT_OF_RANGE', p, k, `${v} is outside ${min ?? '-∞'}..${max ?? '∞'}.`);
    }
  });
}

/** STIX 2.1 §2.1: base64-encoded binary data. Malformed base64 is a warning, as real feeds truncate it. */
export function binary(): Prop<z.ZodString, false> {
  return prop(z.string(), (v, ctx, p, k) => {
    if (!checkStringValue(v, ctx, p, k)) return;
    if (!BASE64_RE.test(v)) ctx.warn('INVALID_BINARY', p, k, 'Value is not valid base64.');
  });
}

/** STIX 2.1 §2.6: hex-encoded bytes (an even number of hex digits). */
export function hex(): Prop<z.ZodString, false> {
  return prop(z.string().regex(HEX_RE), (v, ctx, p, k) => {
    if (!checkStringValue(v, ctx, p, k)) return;
    if (!HEX_RE.test(v)) ctx.fail('INVALID_HEX', p, k, 'Value is not an even-length hex string.');
  });
}

/** A closed enumeration: values outside it break a spec MUST. */
export function enumOf<const T extends readonly [string, ...string[]]>(
  values: T,
): Prop<z.ZodEnum<{ [K in T[number]]: K }>, false> {
  const set = new Set<string>(values);
  return prop(z.enum(values) as z.ZodEnum<{ [K in T[number]]: K }>, (v, ctx, p, k) => {
    if (!checkStringValue(v, ctx, p, k)) return;
    if (!set.has(v))
      ctx.fail('ENUM_VALUE', p, k, `\`${truncate(v)}\` is not one of ${values.join(', ')}.`);
  });
}

/** STIX 2.1 §2.12: an open vocabulary; values outside it are allowed but warned about. */
export function vocab(name: string, values: readonly string[]): Prop<z.ZodString, false> {
  const set = new Set<string>(values);
  return prop(z.string().describe(`Open vocabulary \`${name}\`.`), (v, ctx, p, k) => {
    if (!checkStringValue(v, ctx, p, k)) return;
    if (!set.has(v))
      ctx.warn('OPEN_VOCAB', p, k, `\`${truncate(v)}\` is not in the \`${name}\` vocabulary.`);
  });
}

/** A fixed string value. */
export function literal<const T extends string>(value: T): Prop<z.ZodLiteral<T>, false> {
  return prop(z.literal(value), (v, ctx, p, k) => {
    if (v !== value) ctx.fail('INVALID_VALUE', p, k, `Expected \`${value}\`.`);
  });
}

// ---------------------------------------------------------------------------------------
// Identifiers

/** Known STIX types, filled by the registry, so refs can tell custom types from typos. */
export const knownTypes = new Set<string>();

/**
 * A reference (`*_ref`): an identifier whose type is one of `types` (any type when
 * omitted). `custom: true` also admits custom types when `allowCustom` is on.
 */
export function ref(
  types?: readonly string[],
  options: { custom?: boolean; not?: readonly string[] } = {},
): Prop<z.ZodString, false> {
  const allowed = types ? new Set(types) : undefined;
  const forbidden = options.not ? new Set(options.not) : undefined;
  const allowedList = types ?? [];
  const forbiddenList = options.not ?? [];
  return prop(
    z
      .string()
      .regex(IDENTIFIER_RE)
      .refine((v) => {
        // zod mirrors the fast check below (custom types allowed, as zod objects are loose).
        const type = v.slice(0, v.length - 38);
        if (forbidden?.has(type)) return false;
        return !allowed || allowed.has(type) || (options.custom === true && !knownTypes.has(type));
      }, 'Reference to a type not allowed here.'),
    (v, ctx, p, k) => {
      if (!checkStringValue(v, ctx, p, k)) return;
      const length = identifierTypeLength(v);
      if (length < 0) {
        ctx.fail(
          'INVALID_REF',
          p,
          k,
          `\`${truncate(v)}\` is not a STIX identifier (\`type--UUID\`).`,
        );
        return;
      }
      // Compare the type prefix in place: refs are the most frequent check of all.
      if (forbiddenList.length > 0 && startsWithType(v, length, forbiddenList)) {
        ctx.fail(
          'REF_TYPE_NOT_ALLOWED',
          p,
          k,
          `A reference here must not point at a \`${v.slice(0, length)}\`.`,
        );
      } else if (types !== undefined && !startsWithType(v, length, allowedList)) {
        const type = v.slice(0, length);
        if (options.custom && !knownTypes.has(type) && ctx.allowCustom) return;
        ctx.fail(
          'REF_TYPE_NOT_ALLOWED',
          p,
          k,
          `A reference here must point at ${allowedList.join(' or ')}, not \`${type}\`.`,
        );
      }
    },
    types,
  );
}

function startsWithType(v: string, length: number, types: readonly string[]): boolean {
  for (let i = 0; i < types.length; i++) {
    const type = types[i]!;
    if (type.length === length && v.startsWith(type)) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------
// Containers

/** A list; STIX lists must not be empty (STIX 2.1 §2.? list type: JSON schemas `minItems: 1`). */
export function list<Z extends z.ZodType>(
  item: Prop<Z, boolean>,
  options: { allowEmpty?: boolean } = {},
): Prop<z.ZodArray<Z>, false> {
  const check = item.check;
  const allowEmpty = options.allowEmpty === true;
  return prop(
    allowEmpty ? z.array(item.zod) : z.array(item.zod).min(1),
    (v, ctx, p, k) => {
      if (!Array.isArray(v)) {
        ctx.fail('INVALID_TYPE', p, k, `Expected a list, got ${typeName(v)}.`);
        return;
      }
      if (v.length === 0 && !allowEmpty) {
        ctx.fail('EMPTY_LIST', p, k, 'Lists must not be empty.');
        return;
      }
      const path = joinPath(p, k);
      for (let i = 0; i < v.length; i++) check(v[i], ctx, path, i);
    },
    item.refTypes,
  );
}

/** A list of references. */
export function refs(
  types?: readonly string[],
  options: { custom?: boolean; not?: readonly string[] } = {},
): Prop<z.ZodArray<z.ZodString>, false> {
  return list(ref(types, options));
}

/** STIX 2.1 §2.7: a dictionary with free values (walked for hostile keys and sizes). */
export function dict(): Prop<z.ZodRecord<z.ZodString, z.ZodUnknown>, false> {
  return prop(z.record(z.string(), z.unknown()), (v, ctx, p, k) => {
    if (!isPlainObject(v)) {
      ctx.fail('INVALID_TYPE', p, k, `Expected a dictionary, got ${typeName(v)}.`);
      return;
    }
    walkJson(v, ctx, p, k, 1);
  });
}

/** A dictionary whose values follow `value`. */
export function dictOf<Z extends z.ZodType>(
  value: Prop<Z, boolean>,
): Prop<z.ZodRecord<z.ZodString, Z>, false> {
  return prop(z.record(z.string(), value.zod), (v, ctx, p, k) => {
    if (!isPlainObject(v)) {
      ctx.fail('INVALID_TYPE', p, k, `Expected a dictionary, got ${typeName(v)}.`);
      return;
    }
    const path = joinPath(p, k);
    for (const key of Object.keys(v)) {
      if (FORBIDDEN_KEYS.has(key)) {
        forbidKey(v, key, ctx, path);
        continue;
      }
      value.check(v[key], ctx, path, key);
    }
  });
}

/** Any JSON value (walked for hostile keys and sizes). */
export function json(): Prop<z.ZodUnknown, false> {
  return prop(z.unknown(), (v, ctx, p, k) => walkJson(v, ctx, p, k, 1));
}

/** A nested object with known properties (`external_references[i]`, extensions, ...). */
export interface NestedObject<P extends PropMap> {
  readonly props: P;
  readonly zod: z.ZodObject<ShapeOf<P>, z.core.$loose>;
  /** Validates a value that should be this object; returns false when it is not an object. */
  readonly check: Check;
}

/** Builds a nested object from its properties and cross-property rules. */
export function nested<P extends PropMap>(props: P, rules: readonly Rule[] = []): NestedObject<P> {
  const zod = withRules(z.looseObject(shapeOf(props)), rules);
  const check = compileObjectCheck(props, rules, false);
  return { props, zod, check };
}

/** A property holding a nested object. */
export function object<P extends PropMap>(
  def: NestedObject<P>,
): Prop<z.ZodObject<ShapeOf<P>, z.core.$loose>, false> {
  return prop(def.zod, def.check);
}

/** Builds the zod shape of a property map. */
export function shapeOf<P extends PropMap>(props: P): ShapeOf<P> {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, p] of Object.entries(props)) shape[key] = p.required ? p.zod : p.zod.optional();
  return shape as ShapeOf<P>;
}

/**
 * Attaches cross-property rules to a zod object, so `schema.parse()` enforces what the
 * fast validator enforces. Rules run in strict mode with custom content allowed (zod's
 * loose objects accept unknown keys).
 */
export function withRules<S extends z.ZodType>(schema: S, rules: readonly Rule[]): S {
  if (rules.length === 0) return schema;
  return schema.superRefine((value, zctx) => {
    if (!isPlainObject(value)) return;
    const ctx = new RuleContext();
    for (const rule of rules) rule(value, ctx as unknown as ValidationContext, '');
    for (const issue of ctx.issues)
      if (issue.severity === 'error')
        zctx.addIssue({
          code: 'custom',
          message: `${issue.code}: ${issue.message}`,
          path: issue.path === '' ? [] : [issue.path],
        });
  }) as S;
}

class RuleContext {
  issues: { severity: string; code: string; path: string; message: string }[] = [];
  must = 'error';
  allowCustom = true;
  maxDepth = 64;
  maxStringLength = Number.MAX_SAFE_INTEGER;
  errors = 0;
  toplevelExtension = false;
  fail(code: string, parent: string, key: string | number | null, message: string) {
    this.push('error', code, parent, key, message);
  }
  fatal(code: string, parent: string, key: string | number | null, message: string) {
    this.push('error', code, parent, key, message);
  }
  warn(code: string, parent: string, key: string | number | null, message: string) {
    this.push('warning', code, parent, key, message);
  }
  push(
    severity: string,
    code: string,
    parent: string,
    key: string | number | null,
    message: string,
  ) {
    this.issues.push({
      severity,
      code,
      path: key === null ? parent : joinPath(parent, key),
      message,
    });
  }
}

/**
 * Compiles the fast checker of an object with known properties. Unknown properties are
 * custom content: accepted with `allowCustom`, otherwise a spec violation. `topLevel`
 * objects also honour `toplevel-property-extension`s.
 */
export function compileObjectCheck(
  props: PropMap,
  rules: readonly Rule[],
  topLevel: boolean,
): Check {
  const table: Record<string, Check> = Object.create(null);
  const required: string[] = [];
  for (const [key, p] of Object.entries(props)) {
    table[key] = p.check;
    if (p.required) required.push(key);
  }
  return (v, ctx, parent, key) => {
    if (!isPlainObject(v)) {
      ctx.fail('INVALID_TYPE', parent, key, `Expected an object, got ${typeName(v)}.`);
      return;
    }
    const path = key === '' ? parent : joinPath(parent, key);
    const keys = Object.keys(v);
    for (let i = 0; i < keys.length; i++) {
      const name = keys[i]!;
      const check = table[name];
      if (check !== undefined) check(v[name], ctx, path, name);
      else unknownProperty(v, name, ctx, path, topLevel);
    }
    for (let i = 0; i < required.length; i++) {
      const name = required[i]!;
      if (v[name] === undefined)
        ctx.fail('MISSING_PROPERTY', path, name, `Required property \`${name}\` is missing.`);
    }
    for (let i = 0; i < rules.length; i++) rules[i]!(v, ctx, path);
  };
}

/** Custom or misspelt properties (STIX 2.1 §11.1). */
export function unknownProperty(
  o: Record<string, unknown>,
  name: string,
  ctx: ValidationContext,
  path: string,
  topLevel: boolean,
): void {
  if (FORBIDDEN_KEYS.has(name)) {
    forbidKey(o, name, ctx, path);
    return;
  }
  if (RESERVED_PROPERTY_NAMES.has(name)) {
    ctx.fail(
      'RESERVED_PROPERTY',
      path,
      name,
      `\`${name}\` is reserved by STIX 2.1 (§3.8) and must not be used.`,
    );
  } else if (
    // A name that breaks the form is reported as such, not also as custom content.
    checkPropertyNameForm(name, ctx, path) &&
    !ctx.allowCustom &&
    !(topLevel && ctx.toplevelExtension)
  ) {
    ctx.fail(
      'CUSTOM_PROPERTY',
      path,
      name,
      `Unknown property \`${name}\`; pass \`allowCustom: true\` to accept custom properties.`,
    );
  }
  if (SCHEMA_RESERVED_PROPERTY_NAMES.has(name)) warnSchemaReserved(name, ctx, path);
  walkJson(o[name], ctx, path, name, 1);
}

/**
 * Checks the property names an extension's payload adds (STIX 2.1 §3.8 applies to them as
 * to any custom property); the values are walked separately.
 */
export function checkReservedNames(
  payload: Record<string, unknown>,
  ctx: ValidationContext,
  path: string,
): void {
  for (const name of Object.keys(payload)) {
    if (RESERVED_PROPERTY_NAMES.has(name))
      ctx.fail(
        'RESERVED_PROPERTY',
        path,
        name,
        `\`${name}\` is reserved by STIX 2.1 (§3.8) and must not be used.`,
      );
    else if (SCHEMA_RESERVED_PROPERTY_NAMES.has(name)) warnSchemaReserved(name, ctx, path);
  }
}

function warnSchemaReserved(name: string, ctx: ValidationContext, path: string): void {
  ctx.warn(
    'RESERVED_PROPERTY',
    path,
    name,
    `\`${name}\` is rejected by the OASIS STIX 2.1 JSON schemas (STIX 2.1 §3.8 reserves \`phone_number\`).`,
  );
}

/** Reports and removes a key that could pollute prototypes downstream. */
export function forbidKey(
  o: Record<string, unknown>,
  name: string,
  ctx: ValidationContext,
  path: string,
): void {
  ctx.fatal('FORBIDDEN_KEY', path, name, `Key \`${name}\` is not allowed (prototype pollution).`);
  delete o[name];
}

/** Walks free-form JSON for forbidden keys, oversized strings and excessive depth. */
export function walkJson(
  v: unknown,
  ctx: ValidationContext,
  parent: string,
  key: string | number,
  depth: number,
): void {
  if (typeof v === 'string') {
    if (v.length > ctx.maxStringLength)
      ctx.fatal(
        'LIMIT_EXCEEDED',
        parent,
        key,
        `String of ${v.length} characters exceeds \`limits.maxStringLength\` (${ctx.maxStringLength}).`,
      );
    return;
  }
  if (typeof v !== 'object' || v === null) return;
  if (depth > ctx.maxDepth) {
    ctx.fatal(
      'LIMIT_EXCEEDED',
      parent,
      key,
      `Nesting deeper than \`limits.maxDepth\` (${ctx.maxDepth}).`,
    );
    return;
  }
  const path = joinPath(parent, key);
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) walkJson(v[i], ctx, path, i, depth + 1);
    return;
  }
  const o = v as Record<string, unknown>;
  for (const name of Object.keys(o)) {
    if (FORBIDDEN_KEYS.has(name)) forbidKey(o, name, ctx, path);
    else walkJson(o[name], ctx, path, name, depth + 1);
  }
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function truncate(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** `spec_version` where it is optional and may be any 2.x value on custom objects. */
export function specVersionOptional(): Prop<z.ZodString, false> {
  return prop(z.string(), (v, ctx, p, k) => {
    if (v !== '2.1') ctx.fail('INVALID_SPEC_VERSION', p, k, '`spec_version` must be `2.1`.');
  });
}
