import { TaxiiHttpError } from '../errors/taxii-http-error';

// STIX 2.1 §3.2 / TAXII 2.1 §3.2: timestamps are RFC 3339 in UTC with a `Z`, any sub-second
// precision. The pattern is linear (no nested quantifiers) and input length is bounded first.
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,12}))?Z$/;

interface TimestampParts {
  epochMs: number;
  fraction: string;
  wholeSeconds: string;
}

function parts(value: string): TimestampParts | undefined {
  if (value.length > 40) return undefined;
  const m = TIMESTAMP.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac = ''] = m;
  const epochMs = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!);
  const check = new Date(epochMs);
  // Reject calendar overflow such as 2021-02-30 that Date.UTC would silently roll over.
  if (
    Number.isNaN(epochMs) ||
    check.getUTCFullYear() !== +y! ||
    check.getUTCMonth() !== +mo! - 1 ||
    check.getUTCDate() !== +d! ||
    +h! > 23 ||
    +mi! > 59 ||
    +s! > 60
  ) {
    return undefined;
  }
  return { epochMs, fraction: frac, wholeSeconds: value.slice(0, 19) };
}

/** Whether a string is a STIX/TAXII timestamp (UTC, `Z`, optional fraction). */
export function isTimestamp(value: unknown): value is string {
  return typeof value === 'string' && parts(value) !== undefined;
}

/**
 * Microseconds since the epoch, rounded down: the server's `date_added` resolution, so
 * `added_after` compares exactly with stored values.
 */
export function timestampToMicros(value: string, parameter: string): number {
  const p = parts(value);
  if (!p) {
    throw new TaxiiHttpError(
      400,
      'Invalid timestamp.',
      `\`${parameter}\` must be an RFC 3339 UTC timestamp such as 2024-01-31T12:00:00.000Z.`,
    );
  }
  return p.epochMs * 1000 + Number(p.fraction.slice(0, 6).padEnd(6, '0'));
}

/** Formats microseconds since the epoch as a TAXII timestamp with six fraction digits. */
export function microsToTimestamp(micros: number): string {
  const ms = Math.floor(micros / 1000);
  const iso = new Date(ms).toISOString();
  const frac = String(micros % 1_000_000).padStart(6, '0');
  return `${iso.slice(0, 19)}.${frac}Z`;
}

/**
 * A key that sorts STIX timestamps of any precision correctly as plain strings
 * (`…00Z` and `…00.5Z` do not): the fraction padded to nine digits, the `Z` dropped.
 * Storages index and compare versions by this key.
 */
export function versionKey(value: string): string | undefined {
  const p = parts(value);
  if (!p) return undefined;
  return `${p.wholeSeconds}.${p.fraction.padEnd(9, '0')}`;
}
