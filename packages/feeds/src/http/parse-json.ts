import { FeedValidationError } from '../errors/feed-validation-error';

const decoder = new TextDecoder();
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
// The deep walk below runs only when a quoted `__proto__` or `prototype` appears: those are
// the keys every pollution path needs (`constructor` is only dangerous with a nested
// `prototype`). Two substring searches are ~4x cheaper than JSON.parse; a regex was slower.
// Both keys contain `proto`, whose first letter is rarer than `"`: one cheap search rules out
// almost every document before the two exact ones.
// A key spelled with JSON escapes (`"\u005f_proto__"`) parses to `__proto__` without
// containing it literally, so any `\u` escape sends the document through the deep walk too.
const mayPollute = (text: string) =>
  text.includes('\\u') ||
  (text.includes('proto') && (text.includes('"__proto__"') || text.includes('"prototype"')));

/**
 * Parses JSON from bytes and rejects documents whose keys could pollute prototypes when a
 * consumer later merges them: any `__proto__` or `prototype` key (and, in such documents,
 * `constructor` keys too). Clean input pays two substring searches, not a deep walk.
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
  if (mayPollute(text)) {
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
