import { TLP1_MARKING_IDS, TLP2_MARKING_IDS } from '@intelshare/policy';

/** TLP 2.0 level names in the order of restriction (FIRST TLP 2.0). */
export const TLP_ORDER = ['clear', 'green', 'amber', 'amber+strict', 'red'] as const;
export type TlpName = (typeof TLP_ORDER)[number] | 'unmarked';

const TLP_BY_MARKING = new Map<string, TlpName>([
  [TLP2_MARKING_IDS['TLP:CLEAR'], 'clear'],
  [TLP2_MARKING_IDS['TLP:GREEN'], 'green'],
  [TLP2_MARKING_IDS['TLP:AMBER'], 'amber'],
  [TLP2_MARKING_IDS['TLP:AMBER+STRICT'], 'amber+strict'],
  [TLP2_MARKING_IDS['TLP:RED'], 'red'],
  // TLP 1.0 ids read as their TLP 2.0 equivalents (WHITE → CLEAR).
  [TLP1_MARKING_IDS['TLP:WHITE'], 'clear'],
  [TLP1_MARKING_IDS['TLP:GREEN'], 'green'],
  [TLP1_MARKING_IDS['TLP:AMBER'], 'amber'],
  [TLP1_MARKING_IDS['TLP:RED'], 'red'],
]);

/** The most restrictive TLP level among an object's `object_marking_refs`. */
export function tlpOf(object: Record<string, unknown>): TlpName {
  const refs = object.object_marking_refs;
  let best = -1;
  if (Array.isArray(refs)) {
    for (const ref of refs) {
      const level = typeof ref === 'string' ? TLP_BY_MARKING.get(ref) : undefined;
      if (level && level !== 'unmarked') best = Math.max(best, TLP_ORDER.indexOf(level));
    }
  }
  return best < 0 ? 'unmarked' : TLP_ORDER[best]!;
}

/** Reads the quoted literal starting at `quote` (STIX patterns escape `'` and `\\` with `\\`). */
function literalAt(text: string, quote: number): { value: string; end: number } {
  let out = '';
  let i = quote + 1;
  for (; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\' && i + 1 < text.length) {
      out += text[++i];
      continue;
    }
    if (ch === "'") break;
    out += ch;
  }
  return { value: out.slice(0, 2000), end: i };
}

/** The object path just before a comparison operator ending at `before` (e.g. `ipv4-addr:value`). */
function pathBefore(text: string, before: number): string {
  let i = before - 1;
  while (i >= 0 && text[i] === ' ') i--;
  while (i >= 0 && '=!<>'.includes(text[i]!)) i--; // the operator
  while (i >= 0 && text[i] === ' ') i--;
  const end = i + 1;
  while (i >= 0 && !' ([]'.includes(text[i]!)) i--;
  return text.slice(i + 1, end);
}

/**
 * The object type and the value an indicator pattern is about, e.g. `ipv4-addr` and
 * `203.0.113.5` for `[ipv4-addr:value = '203.0.113.5']`: the first literal compared to a
 * `value` or `hashes` property, else the first literal. A linear scan (no regular
 * expression), so hostile patterns cost at most one pass; empty strings when the
 * pattern has no comparison.
 */
export function patternFacts(pattern: string): { iocType: string; value: string } {
  const text = pattern.length > 10_000 ? pattern.slice(0, 10_000) : pattern;
  let first: { value: string; path: string } | undefined;
  for (let quote = text.indexOf("'"); quote >= 0; ) {
    const literal = literalAt(text, quote);
    // A literal right after `.` is part of a path (`hashes.'SHA-256'`), not a compared value.
    if (text[quote - 1] === '.') {
      quote = text.indexOf("'", literal.end + 1);
      continue;
    }
    const path = pathBefore(text, quote);
    first ??= { value: literal.value, path };
    const property = path.slice(path.indexOf(':') + 1);
    if (property.endsWith('value') || property.startsWith('hashes.')) {
      return {
        iocType: path.slice(0, Math.max(0, path.indexOf(':'))).slice(0, 100),
        value: literal.value,
      };
    }
    quote = text.indexOf("'", literal.end + 1);
  }
  if (!first) return { iocType: '', value: '' };
  return {
    iocType: first.path.slice(0, Math.max(0, first.path.indexOf(':'))).slice(0, 100),
    value: first.value,
  };
}

/** `modified`, else `created`, else '' (SCOs have neither). */
export function versionOf(object: Record<string, unknown>): string {
  if (typeof object.modified === 'string') return object.modified;
  if (typeof object.created === 'string') return object.created;
  return '';
}

/** A short display name for any STIX object. */
export function displayName(object: Record<string, unknown>): string | undefined {
  for (const key of ['name', 'value', 'path', 'pattern', 'body', 'content']) {
    const value = object[key];
    if (typeof value === 'string' && value.length > 0) return value.slice(0, 300);
  }
  return undefined;
}
