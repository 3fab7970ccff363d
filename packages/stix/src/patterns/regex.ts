import { RE2JS } from 're2js';
import { PatternError, type PatternPosition } from './pattern-error';

/** The longest MATCHES expression accepted. */
const MAX_REGEX_LENGTH = 8192;

const cache = new Map<string, RE2JS>();

/**
 * Finds PCRE features RE2 cannot run in linear time, with a single left-to-right scan
 * (tracking escapes and character classes) rather than a regex, so the check is linear too.
 */
function unsupportedFeature(source: string): string | undefined {
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      const d = source[i + 1] ?? '';
      if (!inClass && d >= '1' && d <= '9') return 'backreferences such as `\\1`';
      if (d === 'k' && source[i + 2] === '<') return 'named backreferences `\\k<name>`';
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      // A `]` right after `[` or `[^` is a literal member, not the end of the class.
      if (source[i + 1] === '^') i++;
      if (source[i + 1] === ']') i++;
      continue;
    }
    if (c === '(' && source[i + 1] === '?') {
      const d = source[i + 2];
      const e = source[i + 3];
      if (d === '=' || d === '!') return 'lookahead `(?=`/`(?!`';
      if (d === '<' && (e === '=' || e === '!')) return 'lookbehind `(?<=`/`(?<!`';
      if (d === '>') return 'atomic groups `(?>`';
      if (d === 'R' || (d !== undefined && d >= '0' && d <= '9')) return 'recursion `(?R)`';
    }
    if ((c === '*' || c === '+' || c === '?' || c === '}') && source[i + 1] === '+') {
      return 'possessive quantifiers such as `a++`';
    }
  }
  return undefined;
}

/**
 * Compiles a `MATCHES` regular expression (STIX 2.1 §9.5: PCRE syntax) with RE2, a
 * linear-time engine, so hostile input cannot cause catastrophic backtracking. PCRE
 * features RE2 cannot run in linear time are rejected with a clear error.
 *
 * @param source - The regular expression text.
 * @param at - Where the literal is in the pattern, for errors.
 * @returns The compiled RE2 program (cached).
 * @throws {PatternError} `PATTERN_UNSUPPORTED` for backreferences and lookaround,
 * `REGEX_UNSAFE` for expressions that are too large, `PATTERN_SYNTAX` when invalid.
 *
 * @example
 * ```ts
 * import { compileRegex } from '@intelshare/stix/patterns';
 *
 * compileRegex('^evil\\.(com|net)$').test('evil.net'); // true
 * ```
 */
export function compileRegex(
  source: string,
  at: PatternPosition = { offset: 0, line: 1, column: 1 },
): RE2JS {
  const hit = cache.get(source);
  if (hit) return hit;
  if (source.length > MAX_REGEX_LENGTH) {
    throw new PatternError(
      'REGEX_UNSAFE',
      `MATCHES expression is longer than ${MAX_REGEX_LENGTH} characters`,
      at,
    );
  }
  const feature = unsupportedFeature(source);
  if (feature) {
    throw new PatternError(
      'PATTERN_UNSUPPORTED',
      `MATCHES uses ${feature}, which a linear-time regex engine cannot run`,
      at,
    );
  }
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(source);
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new PatternError('PATTERN_SYNTAX', `Invalid MATCHES expression: ${message}`, at, {
      cause,
    });
  }
  if (compiled.programSize() > 50_000) {
    throw new PatternError(
      'REGEX_UNSAFE',
      'MATCHES expression compiles to too large a program',
      at,
    );
  }
  if (cache.size >= 1024) cache.delete(cache.keys().next().value!);
  cache.set(source, compiled);
  return compiled;
}
