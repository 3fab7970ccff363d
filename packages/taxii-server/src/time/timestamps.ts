import { TaxiiHttpError } from '../errors/taxii-http-error';

// STIX 2.1 §3.2 / TAXII 2.1 §3.2: timestamps are RFC 3339 in UTC with a `Z`, any sub-second
// precision: `YYYY-MM-DDTHH:MM:SS[.fraction]Z`, here with 1 to 12 fraction digits. Read
// character by character (no regex, no `Date` object): every page request parses one and
// every stored object several.
const WHOLE_SECONDS_LENGTH = 19;
const MAX_FRACTION_DIGITS = 12;
const ZERO = 0x30;

interface TimestampParts {
  epochMs: number;
  fraction: string;
  wholeSeconds: string;
}

/** The value of `count` ASCII digits at `at`, or -1 if any of them is not a digit. */
function digits(value: string, at: number, count: number): number {
  let n = 0;
  for (let i = at; i < at + count; i++) {
    const d = value.charCodeAt(i) - ZERO;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function parts(value: string): TimestampParts | undefined {
  const length = value.length;
  if (length < WHOLE_SECONDS_LENGTH + 1 || length > WHOLE_SECONDS_LENGTH + 2 + MAX_FRACTION_DIGITS)
    return undefined;
  if (
    value.charCodeAt(4) !== 0x2d || // -
    value.charCodeAt(7) !== 0x2d ||
    value.charCodeAt(10) !== 0x54 || // T
    value.charCodeAt(13) !== 0x3a || // :
    value.charCodeAt(16) !== 0x3a ||
    value.charCodeAt(length - 1) !== 0x5a // Z
  ) {
    return undefined;
  }
  let fraction = '';
  if (length > WHOLE_SECONDS_LENGTH + 1) {
    // `.` and at least one digit between the seconds and the `Z`
    if (value.charCodeAt(WHOLE_SECONDS_LENGTH) !== 0x2e) return undefined;
    const start = WHOLE_SECONDS_LENGTH + 1;
    if (length - 1 === start || digits(value, start, length - 1 - start) < 0) return undefined;
    fraction = value.slice(start, length - 1);
  }
  const year = digits(value, 0, 4);
  const month = digits(value, 5, 2);
  const day = digits(value, 8, 2);
  const hour = digits(value, 11, 2);
  const minute = digits(value, 14, 2);
  const second = digits(value, 17, 2);
  // The calendar rules this server has always applied (via `Date.UTC` and a read-back):
  // no roll-over such as 2021-02-30; a leap second `:60` only where it stays in its day;
  // years 0000–0099 are refused (`Date.UTC` reads them as 1900–1999).
  if (
    year < 100 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(year, month) ||
    hour < 0 ||
    hour > 23 ||
    minute < 0 ||
    minute > 59 ||
    second < 0 ||
    second > 60 ||
    (second === 60 && hour === 23 && minute === 59)
  ) {
    return undefined;
  }
  return {
    epochMs: Date.UTC(year, month - 1, day, hour, minute, second),
    fraction,
    wholeSeconds: value.slice(0, WHOLE_SECONDS_LENGTH),
  };
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

const MICROS_PER_DAY = 86_400_000_000;
const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0'));

// `YYYY-MM-DDT` of the day last formatted: the two headers of a page, a manifest's entries
// and a write's versions almost always fall on the same day.
let cachedDay = Number.NaN;
let cachedDayPrefix = '';

/** The format as it has always been written, for values outside the fast path's range. */
function microsToTimestampByDate(micros: number): string {
  const ms = Math.floor(micros / 1000);
  const iso = new Date(ms).toISOString();
  const frac = String(micros % 1_000_000).padStart(6, '0');
  return `${iso.slice(0, 19)}.${frac}Z`;
}

/** Formats microseconds since the epoch as a TAXII timestamp with six fraction digits. */
export function microsToTimestamp(micros: number): string {
  // Whole microseconds from 1970 on, up to 2^53 (year 2255): what `date_added` holds.
  // Anything else takes the `Date` path, which writes what it always wrote.
  if (!(Number.isSafeInteger(micros) && micros >= 0)) {
    return microsToTimestampByDate(micros);
  }
  const day = Math.floor(micros / MICROS_PER_DAY);
  if (day !== cachedDay) {
    cachedDayPrefix = new Date(day * 86_400_000).toISOString().slice(0, 11);
    cachedDay = day;
  }
  const ofDay = micros - day * MICROS_PER_DAY;
  const second = Math.floor(ofDay / 1_000_000);
  const fraction = ofDay - second * 1_000_000;
  const millis = Math.floor(fraction / 1000);
  return `${cachedDayPrefix}${TWO_DIGITS[Math.floor(second / 3600)]}:${TWO_DIGITS[Math.floor(second / 60) % 60]}:${TWO_DIGITS[second % 60]}.${THREE_DIGITS[millis]}${THREE_DIGITS[fraction - millis * 1000]}Z`;
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
