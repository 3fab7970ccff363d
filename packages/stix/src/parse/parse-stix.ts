import type { StixIssue } from '../model/issue';
import { joinPath } from '../model/issue';
import { isPlainObject, UUID_RE } from '../model/props';
import type { StixObject } from '../model/schemas';
import { BundleChecks } from '../validate/bundle-checks';
import { DEFAULT_LIMITS, type ValidateOptions, ValidationContext } from '../validate/context';
import { checkUuidVersion } from '../validate/uuid-version';
import { assertOptions, validateInto } from '../validate/validate-object';
import { looksLikeStix20, upgradeObject } from './upgrade';

/** Options of {@link parseStix}. */
export interface ParseStixOptions extends ValidateOptions {
  /** Upgrade STIX 2.0 input to 2.1 (default `true`). */
  upgrade?: boolean;
}

/** What {@link parseStix} returns. */
export interface ParseStixResult {
  /** The objects that passed (in strict mode) or could be kept (in lenient mode), in input order. */
  objects: StixObject[];
  /** Every issue found, with its JSON path into the input. */
  issues: StixIssue[];
  /** True when no issue has severity `error`. */
  valid: boolean;
  /** What the input was: a bundle, a bare array of objects, or one object. */
  source: 'bundle' | 'array' | 'object';
  /** The bundle's id, for bundle input. */
  bundleId?: string;
  /** The STIX version of the input (2.0 input is upgraded unless `upgrade: false`). */
  specVersion: '2.1' | '2.0';
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Parses and validates STIX 2.1 (or 2.0) content: a bundle, a bare array of objects, or
 * one object, given as JSON text, UTF-8 bytes, or an already-parsed value. Never throws on
 * bad input: malformed JSON, wrong shapes and spec violations come back as issues with a
 * code and a path such as `objects[3].pattern`.
 *
 * @param input - JSON text, UTF-8 bytes, or a parsed JSON value.
 * @param options - `mode` (`strict` default), `allowCustom`, `upgrade`, `limits`.
 * @returns The valid objects, every issue, and what the input was.
 * @throws {TypeError} Only for misuse of the API (bad options).
 *
 * @example
 * ```ts
 * import { parseStix } from '@intelshare/stix';
 *
 * const result = parseStix('{"type":"bundle","id":"bundle--6f1e8c2a-4d3b-4a51-9c2e-1f0a9b8c7d6e","objects":[]}');
 * if (!result.valid) for (const issue of result.issues) console.log(issue.path, issue.code, issue.message);
 * ```
 * @see /stix/validation/
 */
export function parseStix(
  input: string | Uint8Array | unknown,
  options: ParseStixOptions = {},
): ParseStixResult {
  assertOptions(options);
  if (options.upgrade !== undefined && typeof options.upgrade !== 'boolean')
    throw new TypeError('`upgrade` must be a boolean.');
  const ctx = new ValidationContext(options);
  const maxBytes = options.limits?.maxBytes ?? DEFAULT_LIMITS.maxBytes;
  let value: unknown = input;
  if (typeof input === 'string' || input instanceof Uint8Array) {
    const text = readText(input, maxBytes, ctx);
    if (text === undefined) return emptyResult(ctx, 'object');
    try {
      value = JSON.parse(text);
    } catch (error) {
      ctx.fatal('INVALID_JSON', '', null, `Input is not valid JSON: ${(error as Error).message}`);
      return emptyResult(ctx, 'object');
    }
  }
  return parseValue(value, ctx, options.upgrade !== false);
}

function readText(
  input: string | Uint8Array,
  maxBytes: number,
  ctx: ValidationContext,
): string | undefined {
  // A UTF-16 string of n units is at least n bytes in UTF-8.
  const size = typeof input === 'string' ? input.length : input.byteLength;
  if (size > maxBytes) {
    ctx.fatal(
      'LIMIT_EXCEEDED',
      '',
      null,
      `Input of ${size} bytes exceeds \`limits.maxBytes\` (${maxBytes}).`,
    );
    return undefined;
  }
  if (typeof input === 'string') return input;
  try {
    return decoder.decode(input);
  } catch {
    ctx.fatal('INVALID_JSON', '', null, 'Input is not valid UTF-8.');
    return undefined;
  }
}

function parseValue(value: unknown, ctx: ValidationContext, upgrade: boolean): ParseStixResult {
  let list: unknown[];
  let prefix: string;
  let source: ParseStixResult['source'];
  let bundleId: string | undefined;
  let bundle20 = false;
  if (Array.isArray(value)) {
    list = value;
    prefix = '';
    source = 'array';
  } else if (isPlainObject(value) && (value.type === 'bundle' || looksLikeBundle(value))) {
    source = 'bundle';
    // Some published bundles omit `type`; the wrapper carries no data, so only warn.
    if (value.type !== 'bundle')
      ctx.warn('MISSING_PROPERTY', '', 'type', 'A bundle needs `type: "bundle"`.');
    prefix = 'objects';
    bundleId = typeof value.id === 'string' ? value.id : undefined;
    bundle20 = checkBundle(value, ctx);
    const objects = value.objects;
    if (objects === undefined) list = [];
    else if (Array.isArray(objects)) list = objects;
    else {
      ctx.fatal('INVALID_TYPE', '', 'objects', '`objects` must be a list.');
      list = [];
    }
  } else if (isPlainObject(value)) {
    list = [value];
    prefix = '';
    source = 'object';
  } else {
    ctx.fatal(
      'INVALID_INPUT',
      '',
      null,
      'Input must be a STIX bundle, an array of STIX objects, or one STIX object.',
    );
    return emptyResult(ctx, 'object');
  }
  let objects: StixObject[] = [];
  let upgraded = 0;
  let is20 = bundle20;
  // Duplicates and extension use need the whole input (a single object has neither).
  const bundleChecks = list.length > 1 ? new BundleChecks(list, prefix) : undefined;
  for (let i = 0; i < list.length; i++) {
    let o = list[i];
    const path = source === 'object' ? '' : joinPath(prefix, i);
    if (isPlainObject(o) && (bundle20 || looksLikeStix20(o))) {
      is20 = true;
      if (upgrade) {
        o = upgradeObject(o);
        upgraded++;
      }
    }
    const before = ctx.errors;
    validateInto(o, ctx, path);
    if (bundleChecks !== undefined && isPlainObject(o)) bundleChecks.check(o, i, ctx, path);
    if (ctx.errors === before) objects.push(o as StixObject);
  }
  const failed = bundleChecks?.finish(ctx);
  if (failed !== undefined) objects = objects.filter((o) => !failed.has(o));
  if (upgraded > 0)
    ctx.warn('UPGRADED', '', null, `Upgraded ${upgraded} STIX 2.0 object(s) to 2.1.`);
  const result: ParseStixResult = {
    objects,
    issues: ctx.issues,
    valid: ctx.errors === 0,
    source,
    specVersion: is20 ? '2.0' : '2.1',
  };
  if (bundleId !== undefined) result.bundleId = bundleId;
  return result;
}

/** STIX 2.1 §8: a bundle has `type`, `id` (`bundle--UUID`) and optional `objects`. Returns true for a 2.0 bundle. */
export function checkBundle(bundle: Record<string, unknown>, ctx: ValidationContext): boolean {
  const id = bundle.id;
  if (typeof id !== 'string' || !id.startsWith('bundle--') || !UUID_RE.test(id.slice(8))) {
    ctx.fail('INVALID_ID', '', 'id', 'A bundle needs an `id` of the form `bundle--UUID`.');
  } else {
    checkUuidVersion(bundle, id, 'bundle', undefined, ctx, '');
  }
  for (const key of Object.keys(bundle)) {
    if (key === 'type' || key === 'id' || key === 'objects') continue;
    if (key === 'spec_version') continue;
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
      ctx.fatal('FORBIDDEN_KEY', '', key, `Key \`${key}\` is not allowed (prototype pollution).`);
      delete bundle[key];
    } else if (!ctx.allowCustom) {
      ctx.fail('CUSTOM_PROPERTY', '', key, `Unknown bundle property \`${key}\`.`);
    }
  }
  // STIX 2.0 bundles carried `spec_version: "2.0"`; 2.1 bundles have none.
  if (bundle.spec_version === '2.0') return true;
  if (bundle.spec_version !== undefined)
    ctx.fail(
      'INVALID_SPEC_VERSION',
      '',
      'spec_version',
      'STIX 2.1 bundles have no `spec_version`.',
    );
  return false;
}

function looksLikeBundle(value: Record<string, unknown>): boolean {
  return (
    value.type === undefined &&
    Array.isArray(value.objects) &&
    typeof value.id === 'string' &&
    value.id.startsWith('bundle--')
  );
}

function emptyResult(ctx: ValidationContext, source: ParseStixResult['source']): ParseStixResult {
  return { objects: [], issues: ctx.issues, valid: false, source, specVersion: '2.1' };
}
