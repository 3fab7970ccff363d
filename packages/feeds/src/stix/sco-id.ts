import { canonicalize, generateScoId, uuidV5 } from '@intelshare/stix';

// intelshare's own namespace for deterministic SDO ids derived from feed content.
const FEED_NAMESPACE = '6a1b3e6e-7c1f-5d2c-9f3e-2b8f0c4a91d7';

/**
 * The deterministic id of a STIX cyber-observable (STIX 2.1 §2.9).
 *
 * @param type - The SCO type, e.g. `ipv4-addr`.
 * @param contributing - Its id-contributing properties, e.g. `{ value: '10.0.0.1' }`.
 */
export function scoId(type: string, contributing: Record<string, unknown>): string {
  // STIX 2.1 §2.9 (one preferred hash for `hashes`, RFC 8785 JSON) lives in @intelshare/stix.
  return generateScoId({ ...contributing, type });
}

/** A deterministic SDO id: the same `parts` always give the same id, so re-polls do not duplicate. */
export function derivedId(type: string, ...parts: readonly string[]): string {
  return `${type}--${uuidV5(FEED_NAMESPACE, canonicalize([type, ...parts]))}`;
}

/** STIX 2.1 Part 5 §4.1: string literals are single-quoted with `\\` and `'` escaped. */
export function quoteStixString(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}
