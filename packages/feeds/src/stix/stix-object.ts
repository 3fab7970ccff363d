import type { FeedIssue } from '../errors/feed-error-issue';

/** A STIX 2.1 object as received: `type` and `id` checked, everything else kept as sent. */
export interface StixObject {
  type: string;
  id: string;
  spec_version?: string;
  created?: string;
  modified?: string;
  [property: string]: unknown;
}

const TYPE_PATTERN = /^[a-z0-9][a-z0-9-]{0,249}$/;
const ID_PATTERN =
  /^[a-z0-9-]{1,250}--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Checks the minimum every STIX 2.1 object needs to be stored and deduplicated: an object
 * with a `type` (§3.1 type-name rules) and an `id` of the form `type--UUID` (§2.9).
 *
 * @returns The first problem, or `undefined` when the object is acceptable.
 */
export function checkStixObject(
  value: unknown,
  path: string | (() => string),
): FeedIssue | undefined {
  if (isStixObject(value)) return undefined;
  return describeProblem(value, typeof path === 'string' ? path : path());
}

/** The same checks as {@link checkStixObject} without building an issue: the hot path. */
export function isStixObject(value: unknown): value is StixObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  const type = record.type;
  if (typeof type !== 'string') return false;
  // A page holds few distinct types: the regex runs once per new one.
  if (type !== lastType) {
    if (!TYPE_PATTERN.test(type)) return false;
    lastType = type;
  }
  const id = record.id;
  return (
    typeof id === 'string' &&
    id.length === type.length + 38 &&
    id.startsWith(type) &&
    id.charCodeAt(type.length) === 45 /* - */ &&
    id.charCodeAt(type.length + 1) === 45 &&
    isUuid(id, type.length + 2) &&
    (record.modified === undefined || typeof record.modified === 'string')
  );
}

let lastType = '';

/** `8-4-4-4-12` hex digits (any case) at `start`: what ID_PATTERN's tail checks, without a regex. */
function isUuid(text: string, start: number): boolean {
  for (let i = 0; i < 36; i++) {
    const code = text.charCodeAt(start + i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (code !== 45) return false;
    } else if (
      !(
        (
          (code >= 48 && code <= 57) /* 0-9 */ ||
          (code >= 97 && code <= 102) /* a-f */ ||
          (code >= 65 && code <= 70)
        ) /* A-F */
      )
    )
      return false;
  }
  return true;
}

function describeProblem(value: unknown, path: string): FeedIssue | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { path, message: 'must be a JSON object' };
  const record = value as Record<string, unknown>;
  const type = record.type;
  if (typeof type !== 'string' || !TYPE_PATTERN.test(type))
    return { path: `${path}.type`, message: 'must be a STIX type name' };
  const id = record.id;
  if (
    typeof id !== 'string' ||
    !ID_PATTERN.test(id) ||
    !id.startsWith(type) ||
    id.charCodeAt(type.length) !== 45 /* - */ ||
    id.charCodeAt(type.length + 1) !== 45 ||
    id.length !== type.length + 38
  )
    return { path: `${path}.id`, message: `must be \`${type}--<uuid>\`` };
  if (record.modified !== undefined && typeof record.modified !== 'string')
    return { path: `${path}.modified`, message: 'must be a timestamp string' };
  return undefined;
}
