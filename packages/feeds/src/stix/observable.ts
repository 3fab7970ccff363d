import { quoteStixString, scoId } from './sco-id';
import type { StixObject } from './stix-object';

/** Observable kinds feeds carry, mapped to STIX cyber-observables and pattern paths. */
export const OBSERVABLE_KINDS = [
  'ipv4-addr',
  'ipv6-addr',
  'ip',
  'domain-name',
  'url',
  'email-addr',
  'md5',
  'sha1',
  'sha256',
  'sha512',
] as const;

/** One of {@link OBSERVABLE_KINDS}. */
export type ObservableKind = (typeof OBSERVABLE_KINDS)[number];

const KIND_SET: ReadonlySet<string> = new Set(OBSERVABLE_KINDS);

/** Whether a feed's type column names an observable kind. */
export function isObservableKind(value: string): value is ObservableKind {
  return KIND_SET.has(value);
}

const IPV4 =
  /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}(\/(3[0-2]|[12]?\d))?$/;
const IPV6 = /^[0-9a-f:.]{2,45}(\/(12[0-8]|1[01]\d|[1-9]?\d))?$/i;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)+[a-z0-9-]{2,63}\.?$/i;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,253}$/;
const HASH_LENGTH = { md5: 32, sha1: 40, sha256: 64, sha512: 128 } as const;
const HASH_NAME = { md5: 'MD5', sha1: 'SHA-1', sha256: 'SHA-256', sha512: 'SHA-512' } as const;

/** A checked observable: its SCO, its STIX pattern comparison, and its normalised value. */
export interface Observable {
  sco: StixObject;
  comparison: string;
  value: string;
}

/**
 * Builds the SCO and the pattern comparison for one observable value, or explains why the
 * value is not that kind of observable.
 */
export function toObservable(kind: ObservableKind, raw: string): Observable | string {
  const value = raw.trim();
  if (value === '') return 'is empty';
  switch (kind) {
    case 'ip':
      return toObservable(value.includes(':') ? 'ipv6-addr' : 'ipv4-addr', value);
    case 'ipv4-addr':
      if (!IPV4.test(value)) return `\`${clip(value)}\` is not an IPv4 address or CIDR`;
      return simple('ipv4-addr', value);
    case 'ipv6-addr':
      if (!IPV6.test(value) || !value.includes(':'))
        return `\`${clip(value)}\` is not an IPv6 address or CIDR`;
      return simple('ipv6-addr', value.toLowerCase());
    case 'domain-name':
      if (!DOMAIN.test(value)) return `\`${clip(value)}\` is not a domain name`;
      return simple('domain-name', value.toLowerCase().replace(/\.$/, ''));
    case 'url': {
      if (value.length > 8192) return 'is longer than 8192 characters';
      try {
        new URL(value);
      } catch {
        return `\`${clip(value)}\` is not a URL`;
      }
      return simple('url', value);
    }
    case 'email-addr':
      if (!EMAIL.test(value)) return `\`${clip(value)}\` is not an e-mail address`;
      return simple('email-addr', value);
    case 'md5':
    case 'sha1':
    case 'sha256':
    case 'sha512': {
      const hex = value.toLowerCase();
      if (hex.length !== HASH_LENGTH[kind] || !/^[0-9a-f]+$/.test(hex))
        return `\`${clip(value)}\` is not a ${HASH_NAME[kind]} hash`;
      const hashes = { [HASH_NAME[kind]]: hex };
      return {
        sco: { type: 'file', spec_version: '2.1', id: scoId('file', { hashes }), hashes },
        comparison: `file:hashes.${quoteHashName(HASH_NAME[kind])} = ${quoteStixString(hex)}`,
        value: hex,
      };
    }
    default:
      return `unknown observable kind \`${String(kind)}\``;
  }
}

function simple(type: string, value: string): Observable {
  return {
    sco: { type, spec_version: '2.1', id: scoId(type, { value }), value },
    comparison: `${type}:value = ${quoteStixString(value)}`,
    value,
  };
}

// Hash names with a hyphen must be quoted in object paths (STIX 2.1 Part 5 §4.1).
function quoteHashName(name: string): string {
  return name.includes('-') ? `'${name}'` : name;
}

function clip(value: string): string {
  return value.length > 80 ? `${value.slice(0, 77)}...` : value;
}
