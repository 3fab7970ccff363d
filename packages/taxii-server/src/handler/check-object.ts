import { validateStixObject } from '@intelshare/stix';
import type { NewObject } from '../storage/taxii-storage';
import { isTimestamp, versionKey } from '../time/timestamps';

// STIX 2.1 §2.9: `type--UUID`; the type is 3–250 chars of [a-z0-9-].
const ID =
  /^([a-z0-9][a-z0-9-]{1,248}[a-z0-9])--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function hasForbiddenKey(value: unknown, depth: number): boolean {
  if (depth > 64) return true;
  if (Array.isArray(value)) return value.some((v) => hasForbiddenKey(v, depth + 1));
  if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) return true;
      if (hasForbiddenKey((value as Record<string, unknown>)[key], depth + 1)) return true;
    }
  }
  return false;
}

/** The outcome of checking one posted object: what to store, or why it fails. */
export type CheckedObject =
  | { ok: true; object: NewObject }
  | { ok: false; id: string | undefined; version: string | undefined; message: string };

/**
 * Checks the STIX 2.1 common-property rules the server relies on to index an object:
 * `type`, `id` (`type--UUIDv4-ish`, type matching), `spec_version` 2.1, `created` /
 * `modified` timestamps with `modified >= created` (STIX 2.1 §3.2), no prototype keys.
 */
export function checkObject(value: unknown, index: number, allowCustom = false): CheckedObject {
  const at = `objects[${index}]`;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return {
      ok: false,
      id: undefined,
      version: undefined,
      message: `${at}: must be a JSON object.`,
    };
  }
  const o = value as Record<string, unknown>;
  const id = typeof o.id === 'string' ? o.id : undefined;
  const rawVersion =
    typeof o.modified === 'string'
      ? o.modified
      : typeof o.created === 'string'
        ? o.created
        : undefined;
  const fail = (message: string): CheckedObject => ({
    ok: false,
    id,
    version: rawVersion,
    message: message.startsWith(':') ? `${at}${message}` : `${at}.${message}`,
  });
  if (hasForbiddenKey(o, 0)) {
    return fail(': property names `__proto__`, `constructor` and `prototype` are not allowed.');
  }
  if (typeof o.type !== 'string') return fail('type: required string is missing.');
  if (id === undefined) return fail('id: required string is missing.');
  const m = ID.exec(id);
  if (!m) return fail(`id: \`${id.slice(0, 80)}\` is not a STIX identifier (type--UUID).`);
  if (m[1] !== o.type)
    return fail(`id: the prefix \`${m[1]}\` does not match type \`${o.type.slice(0, 80)}\`.`);
  if (o.spec_version !== '2.1') return fail('spec_version: must be "2.1" (STIX 2.1 §3.1).');
  for (const key of ['created', 'modified'] as const) {
    if (o[key] !== undefined && !isTimestamp(o[key])) {
      return fail(`${key}: must be an RFC 3339 UTC timestamp ending in Z.`);
    }
  }
  if (o.modified !== undefined && o.created === undefined)
    return fail('created: required when `modified` is present.');
  const createdKey = typeof o.created === 'string' ? versionKey(o.created) : undefined;
  const modifiedKey = typeof o.modified === 'string' ? versionKey(o.modified) : undefined;
  // Full STIX 2.1 validation (strict): every spec MUST of the object's type.
  const errors = validateStixObject(o, { mode: 'strict', allowCustom }).filter(
    (issue) => issue.severity === 'error',
  );
  if (errors.length > 0) {
    const shown = errors
      .slice(0, 5)
      .map((issue) => `${at}${issue.path ? `.${issue.path}` : ''}: ${issue.message}`);
    const more = errors.length > 5 ? ` (and ${errors.length - 5} more)` : '';
    return { ok: false, id, version: rawVersion, message: `${shown.join('; ')}${more}` };
  }
  if (createdKey && modifiedKey && modifiedKey < createdKey)
    return fail('modified: must not be earlier than `created`.');
  return {
    ok: true,
    object: {
      id,
      type: o.type,
      specVersion: '2.1',
      version: rawVersion ?? null,
      versionKey: rawVersion ? versionKey(rawVersion)! : '',
      body: JSON.stringify(o),
    },
  };
}
