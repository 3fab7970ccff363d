import { declaredExtensionTypes, extensionsProp, sdoCommon, timestampOrder } from '../model/common';
import type { StixIssue } from '../model/issue';
import { joinPath } from '../model/issue';
import {
  compileObjectCheck,
  isIdentifier,
  isPlainObject,
  specVersionOptional,
  TYPE_NAME_RE,
  truncate,
} from '../model/props';
import { STIX_TYPES } from '../model/schemas';
import { type ValidateOptions, ValidationContext } from './context';
import { removeForbiddenKeys } from './forbidden-keys';
import { checkStixPattern } from './pattern';
import { checkSelectors } from './selectors';
import { checkUuidVersion } from './uuid-version';

/** Options of {@link validateStixObject}. */
export type ValidateStixObjectOptions = ValidateOptions;

// Custom objects: the common properties are checked when present; everything else is the
// custom type's own business (STIX 2.1 §11.2).
const { spec_version: _sv, created: _c, modified: _m, ...customCommonProps } = sdoCommon();
const customObjectCheck = compileObjectCheck(
  {
    ...customCommonProps,
    spec_version: specVersionOptional(),
    created: sdoCommon().created,
    modified: sdoCommon().modified,
    extensions: extensionsProp(),
  },
  [timestampOrder('created', 'modified', false)],
  true,
);

const NEW_OBJECT_EXTENSIONS = ['new-sdo', 'new-sco', 'new-sro'];

/**
 * Validates one value as a STIX 2.1 object and returns every issue found, each with a
 * stable code and a JSON path relative to the object. Never throws on bad input.
 *
 * @param object - Any value, typically a parsed STIX object.
 * @param options - `mode`, `allowCustom` and `limits`, as for `parseStix`.
 * @returns The issues; an object is valid when none has severity `error`.
 *
 * @example
 * ```ts
 * import { validateStixObject } from '@intelshare/stix';
 *
 * const issues = validateStixObject({ type: 'indicator', id: 'indicator--bad' });
 * console.log(issues.map((issue) => `${issue.path}: ${issue.code}`));
 * ```
 * @see /stix/validation/
 */
export function validateStixObject(
  object: unknown,
  options: ValidateStixObjectOptions = {},
): StixIssue[] {
  assertOptions(options);
  const ctx = new ValidationContext(options);
  validateInto(object, ctx, '');
  return ctx.issues;
}

/** @internal Validates into a shared context; returns false when an error was raised. */
export function validateInto(o: unknown, ctx: ValidationContext, path: string): boolean {
  const before = ctx.errors;
  const shapeBefore = ctx.shapeIssues;
  checkObject(o, ctx, path);
  // STIX 2.1 leaves no place for these keys; a wrongly-typed value was not walked by the
  // checkers, so it may still hold one (issue: lenient mode would keep it).
  if (ctx.shapeIssues !== shapeBefore) removeForbiddenKeys(o, ctx, path);
  return ctx.errors === before;
}

function checkObject(o: unknown, ctx: ValidationContext, path: string): void {
  if (!isPlainObject(o)) {
    ctx.fatal('INVALID_TYPE', path, null, 'A STIX object must be a JSON object.');
    return;
  }
  const type = o.type;
  if (typeof type !== 'string') {
    ctx.fatal(
      type === undefined ? 'MISSING_PROPERTY' : 'INVALID_TYPE',
      path,
      'type',
      'Every STIX object needs a string `type`.',
    );
    return;
  }
  const id = o.id;
  if (typeof id !== 'string') {
    ctx.fatal(
      id === undefined ? 'MISSING_PROPERTY' : 'INVALID_TYPE',
      path,
      'id',
      'Every STIX object needs a string `id`.',
    );
    return;
  }
  // STIX 2.1 §2.9: `type--UUID` with the prefix equal to the object's type.
  const idValid = isIdentifier(id);
  if (!idValid) {
    ctx.fatal(
      'INVALID_ID',
      path,
      'id',
      `\`${truncate(id)}\` is not a STIX identifier (\`type--UUID\` with an RFC 4122 UUID).`,
    );
  } else if (
    !id.startsWith(type) ||
    id.charCodeAt(type.length) !== 45 ||
    id.charCodeAt(type.length + 1) !== 45
  ) {
    ctx.fatal(
      'ID_TYPE_MISMATCH',
      path,
      'id',
      `The id prefix must be the object's type \`${truncate(type)}\`.`,
    );
  }
  const extensionTypes =
    o.extensions === undefined ? undefined : declaredExtensionTypes(o.extensions);
  const def = STIX_TYPES.get(type);
  if (def && idValid) checkUuidVersion(o, id, def.kind, def.idContributing, ctx, path);
  if (def) {
    ctx.toplevelExtension = extensionTypes?.has('toplevel-property-extension') === true;
    def.check(o, ctx, path, '');
    if (extensionTypes !== undefined && NEW_OBJECT_EXTENSIONS.some((t) => extensionTypes.has(t)))
      newObjectExtensionOnKnownType(o.extensions as Record<string, unknown>, type, ctx, path);
    // STIX 2.1 §4.7: an indicator whose `pattern_type` is `stix` MUST carry a pattern in
    // the STIX Patterning language (Part 5), so its syntax is part of the object's validity.
    if (type === 'indicator' && o.pattern_type === 'stix' && typeof o.pattern === 'string') {
      checkStixPattern(o.pattern, ctx, path);
    }
  } else {
    if (!TYPE_NAME_RE.test(type)) {
      ctx.fail(
        'INVALID_VALUE',
        path,
        'type',
        'Type names must be 3-250 characters of a-z, 0-9 and single hyphens.',
      );
    }
    const declared =
      extensionTypes !== undefined && NEW_OBJECT_EXTENSIONS.some((t) => extensionTypes.has(t));
    if (!ctx.allowCustom && !declared) {
      ctx.fail(
        'CUSTOM_OBJECT',
        path,
        'type',
        `Unknown object type \`${truncate(type)}\`; pass \`allowCustom: true\` to accept custom objects.`,
      );
    }
    // A custom object's other properties are its own, not custom properties.
    ctx.toplevelExtension = true;
    customObjectCheck(o, ctx, path, '');
  }
  if (o.granular_markings !== undefined) checkSelectors(o, ctx, path);
  ctx.toplevelExtension = false;
}

/**
 * STIX 2.1 §7.3: `new-sdo`, `new-sco` and `new-sro` extensions define new object types, so
 * one cannot be what an object of a type defined by the specification uses.
 */
function newObjectExtensionOnKnownType(
  extensions: Record<string, unknown>,
  type: string,
  ctx: ValidationContext,
  path: string,
): void {
  for (const name of Object.keys(extensions)) {
    const value = extensions[name];
    if (!isPlainObject(value) || typeof value.extension_type !== 'string') continue;
    if (!NEW_OBJECT_EXTENSIONS.includes(value.extension_type)) continue;
    ctx.fail(
      'INVALID_EXTENSION',
      joinPath(joinPath(path, 'extensions'), name),
      'extension_type',
      `A \`${value.extension_type}\` extension defines a new object type; \`${truncate(type)}\` is a STIX 2.1 type (STIX 2.1 §7.3).`,
    );
  }
}

export function assertOptions(options: unknown): asserts options is ValidateOptions {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('`options` must be an object.');
  const o = options as ValidateOptions;
  if (o.mode !== undefined && o.mode !== 'strict' && o.mode !== 'lenient')
    throw new TypeError("`mode` must be 'strict' or 'lenient'.");
  if (o.allowCustom !== undefined && typeof o.allowCustom !== 'boolean')
    throw new TypeError('`allowCustom` must be a boolean.');
  if (o.limits !== undefined) {
    if (typeof o.limits !== 'object' || o.limits === null)
      throw new TypeError('`limits` must be an object.');
    for (const key of ['maxBytes', 'maxDepth', 'maxStringLength'] as const) {
      const value = o.limits[key];
      if (value !== undefined && (typeof value !== 'number' || !(value > 0)))
        throw new TypeError(`\`limits.${key}\` must be a positive number.`);
    }
  }
}
