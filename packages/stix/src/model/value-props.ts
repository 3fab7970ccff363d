import { z } from 'zod';
import type { ValidationContext } from '../validate/context';
import { charsetName } from './formats/charset';
import { isCountryCode } from './formats/country-code';
import { isCpe23 } from './formats/cpe';
import { isAddrSpec } from './formats/email-address';
import { isIpv4Value, isIpv6Value } from './formats/ip-address';
import { isLanguageTag } from './formats/language-tag';
import { hasRegisteredTopLevelType, isMediaTypeName } from './formats/mime-type';
import { isUri } from './formats/uri';
import type { StixIssueCode } from './issue';
import { type Prop, str, truncate } from './props';

/**
 * Strings whose value has a form the specification fixes (addresses, URIs, media types,
 * language tags...). Each yields a zod schema refined with the same test (for the MUST
 * rules) and a fast checker that reports a stable code at the value's path.
 */

const plainString = str().check;

/** A string that MUST satisfy `test`; otherwise `code` (an error in strict mode). */
function formatted(
  test: (v: string) => boolean,
  code: StixIssueCode,
  what: (v: string) => string,
): Prop<z.ZodString, false> {
  return {
    zod: z.string().refine(test, { message: `${code}` }),
    required: false,
    check(v, ctx, p, k) {
      if (typeof v !== 'string' || v.length > ctx.maxStringLength) {
        plainString(v, ctx, p, k);
        return;
      }
      if (!test(v)) ctx.fail(code, p, k, what(v));
    },
  };
}

/** STIX 2.1 §6.8: an IPv4 address or CIDR block. */
export function ipv4Value(): Prop<z.ZodString, false> {
  return formatted(
    isIpv4Value,
    'INVALID_IP_ADDRESS',
    (v) =>
      `\`${truncate(v)}\` is not an IPv4 address or CIDR block (dotted decimal without leading zeros, prefix /0-/32; STIX 2.1 §6.8).`,
  );
}

/** STIX 2.1 §6.9: an IPv6 address or CIDR block. */
export function ipv6Value(): Prop<z.ZodString, false> {
  return formatted(
    isIpv6Value,
    'INVALID_IP_ADDRESS',
    (v) =>
      `\`${truncate(v)}\` is not an IPv6 address or CIDR block (RFC 4291 text form, prefix /0-/128; STIX 2.1 §6.9).`,
  );
}

/** STIX 2.1 §6.5: an RFC 5322 addr-spec, without a display name. */
export function addrSpec(): Prop<z.ZodString, false> {
  return formatted(
    isAddrSpec,
    'INVALID_EMAIL_ADDRESS',
    (v) =>
      `\`${truncate(v)}\` is not an RFC 5322 addr-spec (\`local@domain\`, no display name; STIX 2.1 §6.5).`,
  );
}

/** STIX 2.1 §6.15, §6.1: a URI (RFC 3986). */
export function uri(): Prop<z.ZodString, false> {
  return formatted(
    isUri,
    'INVALID_URL',
    (v) => `\`${truncate(v)}\` is not a URI as RFC 3986 defines it (STIX 2.1 §6.15).`,
  );
}

/** STIX 2.1 §6.14: a CPE 2.3 formatted string. */
export function cpe23(): Prop<z.ZodString, false> {
  return formatted(
    isCpe23,
    'INVALID_CPE',
    (v) =>
      `\`${truncate(v)}\` is not a CPE 2.3 formatted string (\`cpe:2.3:part:vendor:product:...\`, 13 fields; STIX 2.1 §6.14).`,
  );
}

/** RFC 5646 language tags (`lang`, `software.languages`). */
export function languageTag(): Prop<z.ZodString, false> {
  return formatted(
    isLanguageTag,
    'INVALID_LANGUAGE_TAG',
    (v) => `\`${truncate(v)}\` is not an RFC 5646 language tag (STIX 2.1 §3.2).`,
  );
}

/** STIX 2.1 §6.3, §6.7: an IANA character-set name (the preferred MIME name when one exists). */
export function charset(): Prop<z.ZodString, false> {
  return formatted(
    (v) => charsetName(v) !== undefined,
    'INVALID_CHARSET',
    (v) =>
      `\`${truncate(v)}\` is not a name from the IANA character-set registry (its preferred MIME name where one exists, such as \`ISO-8859-1\` for \`latin1\`; STIX 2.1 §6.7).`,
  );
}

/**
 * STIX 2.1 §6.1, §6.7: a media type name (RFC 6838 form) that SHOULD be registered with
 * IANA; the form is an error, a top-level type outside the registry a warning.
 */
export function mediaType(): Prop<z.ZodString, false> {
  const form = formatted(
    isMediaTypeName,
    'INVALID_MIME_TYPE',
    (v) =>
      `\`${truncate(v)}\` is not a media type name (\`type/subtype\` of RFC 6838 §4.2, no parameters).`,
  );
  return {
    ...form,
    check(v, ctx, p, k) {
      const before = ctx.issues.length;
      form.check(v, ctx, p, k);
      if (ctx.issues.length === before && typeof v === 'string' && !hasRegisteredTopLevelType(v))
        ctx.warn(
          'UNREGISTERED_MIME_TYPE',
          p,
          k,
          `\`${truncate(v)}\` does not use a top-level type registered with IANA; it SHOULD be a registered media type (STIX 2.1 §6.7).`,
        );
    },
  };
}

/** STIX 2.1 §4.11: `country` SHOULD be an ISO 3166-1 alpha-2 code (a warning otherwise). */
export function countryCode(): Prop<z.ZodString, false> {
  return warned(
    isCountryCode,
    'INVALID_COUNTRY',
    (v) => `\`${truncate(v)}\` is not an ISO 3166-1 alpha-2 country code (STIX 2.1 §4.11).`,
  );
}

/**
 * STIX 2.1 §2.8: `kill_chain_name` and `phase_name` SHOULD be all lowercase, with hyphens
 * between words instead of spaces or underscores.
 */
export function lowercaseHyphenated(): Prop<z.ZodString, false> {
  return warned(
    isLowercaseHyphenated,
    'NAME_STYLE',
    (v) => `\`${truncate(v)}\` should be all lowercase with hyphens between words (STIX 2.1 §2.8).`,
  );
}

function isLowercaseHyphenated(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if ((c >= 65 && c <= 90) || c === 32 || c === 95) return false;
  }
  return true;
}

/** The hives a Windows registry key may start with, fully expanded (STIX 2.1 §6.17). */
const REGISTRY_HIVES = [
  'HKEY_CLASSES_ROOT',
  'HKEY_CURRENT_CONFIG',
  'HKEY_CURRENT_USER',
  'HKEY_CURRENT_USER_LOCAL_SETTINGS',
  'HKEY_DYN_DATA',
  'HKEY_LOCAL_MACHINE',
  'HKEY_PERFORMANCE_DATA',
  'HKEY_PERFORMANCE_NLSTEXT',
  'HKEY_PERFORMANCE_TEXT',
  'HKEY_USERS',
];

/**
 * STIX 2.1 §6.17: `key` is the full key including the hive, and "the hive portion of the
 * key MUST be fully expanded and not truncated; e.g., HKEY_LOCAL_MACHINE must be used
 * instead of HKLM". Hive names are compared without regard to case (keys SHOULD be
 * case-preserved, and Windows treats them case-insensitively).
 */
export function isRegistryKey(v: string): boolean {
  const end = v.indexOf('\\');
  const hive = (end < 0 ? v : v.slice(0, end)).toUpperCase();
  return REGISTRY_HIVES.includes(hive);
}

/** A `windows-registry-key.key`. */
export function registryKey(): Prop<z.ZodString, false> {
  return formatted(
    isRegistryKey,
    'INVALID_REGISTRY_KEY',
    (v) =>
      `\`${truncate(v)}\` does not start with a fully expanded hive such as \`HKEY_LOCAL_MACHINE\` (STIX 2.1 §6.17).`,
  );
}

/** A string that SHOULD satisfy `test`: a warning otherwise, and no zod refinement. */
function warned(
  test: (v: string) => boolean,
  code: StixIssueCode,
  what: (v: string) => string,
): Prop<z.ZodString, false> {
  return {
    zod: z.string(),
    required: false,
    check(v, ctx: ValidationContext, p, k) {
      if (typeof v !== 'string' || v.length > ctx.maxStringLength) {
        plainString(v, ctx, p, k);
        return;
      }
      if (!test(v)) ctx.warn(code, p, k, what(v));
    },
  };
}
