import { FeedValidationError } from '../errors/feed-validation-error';

const decoder = new TextDecoder();
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
// One linear scan: the deep walk below runs only when one of the names appears quoted.
const SUSPECT = /"(?:__proto__|constructor|prototype)"/;

/**
 * Parses JSON from bytes and rejects any object key that could pollute prototypes when a
 * consumer later merges the value (`__proto__`, `constructor`, `prototype`). The deep scan
 * only runs when the text contains such a key, so clean input pays one substring search.
 */
export function parseJsonBytes(bytes: Uint8Array | string, what: string): unknown {
  const text = typeof bytes === 'string' ? bytes : decoder.decode(bytes);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new FeedValidationError('INVALID_JSON', `${what} is not valid JSON (${message}).`, [], {
      cause,
    });
  }
  if (SUSPECT.test(text)) {
    const path = findForbiddenKey(value, '$');
    if (path)
      throw new FeedValidationError('VALIDATION_FAILED', `${what} contains a forbidden key.`, [
        { path, message: 'keys `__proto__`, `constructor` and `prototype` are rejected' },
      ]);
  }
  return value;
}

function findForbiddenKey(value: unknown, path: string): string | undefined {
  const stack: [unknown, string][] = [[value, path]];
  while (stack.length > 0) {
    const [item, at] = stack.pop()!;
    if (typeof item !== 'object' || item === null) continue;
    if (Array.isArray(item)) {
      for (let i = 0; i < item.length; i++) stack.push([item[i], `${at}[${i}]`]);
      continue;
    }
    for (const key of Object.keys(item)) {
      if (FORBIDDEN_KEYS.has(key)) return `${at}.${key}`;
      stack.push([(item as Record<string, unknown>)[key], `${at}.${key}`]);
    }
  }
  return undefined;
}
