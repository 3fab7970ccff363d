/**
 * Compares two STIX timestamps exactly, sub-second digits included (`Date` keeps only
 * milliseconds, and plain string comparison puts `…00Z` after `…00.000Z`).
 * Both must already match the STIX timestamp format.
 *
 * @param a - A STIX timestamp.
 * @param b - Another STIX timestamp.
 * @returns negative when `a` is earlier, 0 when equal, positive when later.
 * @example
 * ```ts
 * import { compareTimestamps } from '@intelshare/stix';
 *
 * compareTimestamps('2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00Z'); // 0
 * ```
 * @see /stix/versioning/
 */
export function compareTimestamps(a: string, b: string): number {
  // STIX 2.1 §3.2: `YYYY-MM-DDTHH:mm:ss[.s+]Z`; the first 19 characters are fixed-width.
  const head = a.slice(0, 19) < b.slice(0, 19) ? -1 : a.slice(0, 19) > b.slice(0, 19) ? 1 : 0;
  if (head !== 0) return head;
  const fa = a.length > 20 ? a.slice(20, -1) : '';
  const fb = b.length > 20 ? b.slice(20, -1) : '';
  const width = Math.max(fa.length, fb.length);
  const pa = fa.padEnd(width, '0');
  const pb = fb.padEnd(width, '0');
  return pa < pb ? -1 : pa > pb ? 1 : 0;
}

/** Formats a `Date` as a STIX timestamp with millisecond precision (STIX 2.1 §3.2). */
export function formatTimestamp(date: Date): string {
  return date.toISOString();
}
