import { parse as parseDomain } from 'tldts';
import { IntelshareError } from '../errors/intelshare-error';
import { parseIpNetwork } from '../patterns/cidr';
import { isBitcoinAddress } from './bitcoin';
import { refang } from './refang';

/** The kinds of indicator {@link extractIocs} finds. */
export type IocType =
  | 'ipv4-addr'
  | 'ipv6-addr'
  | 'domain-name'
  | 'url'
  | 'email-addr'
  | 'md5'
  | 'sha1'
  | 'sha256'
  | 'sha512'
  | 'cve'
  | 'asn'
  | 'bitcoin-address';

/** One indicator found in text. */
export interface ExtractedIoc {
  /** What it is. */
  type: IocType;
  /** The normalised (refanged, lower-cased where case does not matter) value. */
  value: string;
  /** Whether it appeared defanged in the text. */
  defanged: boolean;
}

/** Options for {@link extractIocs}. */
export interface ExtractIocsOptions {
  /** Longest text accepted, in UTF-16 units. Default 10,000,000. */
  maxLength?: number;
  /** Only these kinds (default: all). */
  types?: readonly IocType[];
  /** Also report the host of each URL as a domain or IP. Default `true`. */
  urlHosts?: boolean;
}

const MAX_TOKEN = 4096;
// Whitespace and characters that never occur inside the indicators we look for.
const SPLIT = /[\s<>"`|\\^]+/;
// One whitespace character each side: `\s+` here would rescan long blank runs (quadratic).
const SPACED_DEFANG = / (\[dot\]|\(dot\)|\[\.\]|\[at\]|\(at\)|\[@\]) /gi;
const LEADING = new Set(['(', '[', '{', '<', "'", '"', '*', '«', '“', '‘']);
const TRAILING = new Set([
  '.',
  ',',
  ';',
  ':',
  '!',
  '?',
  ')',
  ']',
  '}',
  '>',
  "'",
  '"',
  '*',
  '»',
  '”',
  '’',
]);

const URL_RE = /^(?:https?|ftp):\/\/[^\s/?#]+(?:[/?#]\S*)?$/i;
const EMAIL_RE = /^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}$/;
const IPV4_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/;
const HEX_RE = /^[0-9a-fA-F]+$/;
// Every defanged form contains a bracket or a scheme spelled with x; others skip refang().
const MAY_BE_DEFANGED = /[[({]|xx|fxp/i;
const HOST_PORT_RE = /^([A-Za-z0-9.-]+):(\d{1,5})$/;
const CVE_RE = /^CVE-\d{4}-\d{4,7}$/i;
const ASN_RE = /^AS(?:N)?(\d{1,10})$/i;

// Words after which a dotted quad is a version number, not an address.
const VERSION_WORDS = new Set([
  'version',
  'ver',
  'v',
  'build',
  'release',
  'firmware',
  'fw',
  'rev',
  'revision',
  'update',
  'patch',
  'sdk',
  'api',
]);

// TLDs that are also everyday file extensions: `archive.zip`, `setup.sh`, `main.py`.
// A bare two-label name ending in one of these is taken for a file name unless it was
// defanged (a defanged name is an indicator by intent).
const FILE_EXTENSION_TLDS = new Set([
  'zip',
  'mov',
  'sh',
  'py',
  'pl',
  'rs',
  'md',
  'ps',
  'so',
  'cc',
  'cs',
  'sc',
  'ai',
  'am',
  'bz',
  'gz',
  'js',
  'ts',
  'tv',
  'ws',
  'pm',
  'cat',
  'bat',
  'doc',
  'pub',
  'app',
]);

function isOneRepeatedChar(s: string): boolean {
  for (let i = 1; i < s.length; i++) if (s[i] !== s[0]) return false;
  return true;
}

function trimToken(token: string): string {
  let start = 0;
  let end = token.length;
  while (start < end && LEADING.has(token[start]!)) start++;
  while (end > start && TRAILING.has(token[end - 1]!)) end--;
  // Keep a closing parenthesis that belongs to the token (Wikipedia-style URLs).
  if (end < token.length && token[end] === ')' && token.slice(start, end).includes('(')) end++;
  return token.slice(start, end);
}

function validIpv4(m: RegExpExecArray): boolean {
  for (let i = 1; i <= 4; i++) {
    const octet = m[i]!;
    if (Number(octet) > 255 || (octet.length > 1 && octet[0] === '0')) return false;
  }
  return m[5] === undefined || Number(m[5]) <= 32;
}

/** A registrable name under a real (ICANN) public suffix, per the Public Suffix List. */
function isDomain(host: string): boolean {
  if (host.length > 253 || !host.includes('.')) return false;
  const labels = host.split('.');
  let allNumeric = true;
  for (const label of labels) {
    if (label.length === 0 || label.length > 63) return false;
    if (label.startsWith('-') || label.endsWith('-')) return false;
    for (let i = 0; i < label.length; i++) {
      const c = label.charCodeAt(i);
      const digit = c >= 48 && c <= 57;
      if (!digit) allNumeric = false;
      if (!(digit || (c >= 97 && c <= 122) || c === 45)) return false;
    }
  }
  if (allNumeric) return false;
  const info = parseDomain(host, { allowPrivateDomains: false });
  return info.isIcann === true && info.domain !== null && !info.isIp;
}

/**
 * Finds indicators of compromise in free text (threat reports, e-mails, logs): IPv4 and
 * IPv6 addresses and CIDR blocks, domains (checked against the Public Suffix List),
 * URLs, e-mail addresses, MD5/SHA-1/SHA-256/SHA-512 hashes, CVE ids, AS numbers and
 * Bitcoin addresses (checksum verified). Defanged forms are refanged. Heuristics keep
 * false positives down: file names such as `invoice.pdf` fail the public-suffix check,
 * `archive.zip`-style names whose TLD is a common file extension are skipped unless
 * defanged, and dotted quads after words such as `version` or `build` are skipped.
 * The text is split into tokens first and every pattern is anchored on one bounded
 * token, so the work is linear in the input.
 *
 * @param text - The text to scan.
 * @param options - Length limit, kinds to report, URL hosts.
 * @returns The indicators, de-duplicated, in order of first appearance.
 * @throws {IntelshareError} `LIMIT_EXCEEDED` when the text is longer than `maxLength`.
 *
 * @example
 * ```ts
 * import { extractIocs } from '@intelshare/stix/extract';
 *
 * extractIocs('C2 at hxxp://evil[.]example[.]com/gate.php (198.51.100.7), see CVE-2024-3400.');
 * // url http://evil.example.com/gate.php, domain-name evil.example.com,
 * // ipv4-addr 198.51.100.7, cve CVE-2024-3400
 * ```
 * @see https://intelshare.dev/patterns/extraction/
 */
export function extractIocs(text: string, options: ExtractIocsOptions = {}): ExtractedIoc[] {
  if (typeof text !== 'string') throw new TypeError('`text` must be a string.');
  const maxLength = options.maxLength ?? 10_000_000;
  if (text.length > maxLength) {
    throw new IntelshareError(
      'LIMIT_EXCEEDED',
      `Text is ${text.length} characters long, more than \`maxLength\` (${maxLength}).`,
    );
  }
  const wanted = options.types ? new Set(options.types) : undefined;
  const urlHosts = options.urlHosts ?? true;
  const seen = new Set<string>();
  const out: ExtractedIoc[] = [];
  const emit = (type: IocType, value: string, defanged: boolean) => {
    if (wanted && !wanted.has(type)) return;
    const key = `${type}\u0000${value}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ type, value, defanged });
  };
  const emitHost = (host: string, defanged: boolean) => {
    const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
    const net = parseIpNetwork(bare);
    if (net) emit(net.version === 4 ? 'ipv4-addr' : 'ipv6-addr', bare.toLowerCase(), defanged);
    else if (isDomain(bare)) emit('domain-name', bare, defanged);
  };

  const tokens = text.replace(SPACED_DEFANG, '$1').split(SPLIT);
  let previous = '';
  for (let t = 0; t < tokens.length; t++) {
    const raw = tokens[t]!;
    if (raw.length === 0) continue;
    const prevWord = previous;
    if (raw.length > MAX_TOKEN) {
      previous = '';
      continue;
    }
    let wordEnd = raw.length;
    while (wordEnd > 0 && ':.,;'.includes(raw[wordEnd - 1]!)) wordEnd--;
    previous = raw.slice(0, wordEnd).toLowerCase();
    const trimmed = trimToken(raw);
    if (trimmed.length < 3) {
      // `AS 13335` / `ASN 13335` as two tokens.
      continue;
    }
    const refanged = MAY_BE_DEFANGED.test(trimmed) ? refang(trimmed) : trimmed;
    const defanged = refanged !== trimmed;
    // `host:port` (198.51.100.7:443, evil.com:8080) is judged on its host.
    const hostPort = HOST_PORT_RE.exec(refanged);
    const token = hostPort ? hostPort[1]! : refanged;

    if (URL_RE.test(refanged)) {
      let url: URL;
      try {
        url = new URL(refanged);
      } catch {
        continue;
      }
      const host = url.hostname.toLowerCase();
      const hostOk = parseIpNetwork(host.replace(/^\[|\]$/g, '')) !== undefined || isDomain(host);
      if (!hostOk) continue;
      emit('url', refanged, defanged);
      if (urlHosts) emitHost(host, defanged);
      continue;
    }
    if (token.includes('@')) {
      if (EMAIL_RE.test(token)) {
        const at = token.indexOf('@');
        const domain = token.slice(at + 1).toLowerCase();
        if (isDomain(domain)) emit('email-addr', `${token.slice(0, at)}@${domain}`, defanged);
      }
      continue;
    }
    const v4 = IPV4_RE.exec(token);
    if (v4) {
      if (validIpv4(v4) && !VERSION_WORDS.has(prevWord)) emit('ipv4-addr', token, defanged);
      continue;
    }
    if (token.includes(':')) {
      const colons = token.split(':').length - 1;
      const net = colons >= 2 ? parseIpNetwork(token) : undefined;
      if (net?.version === 6) emit('ipv6-addr', token.toLowerCase(), defanged);
      continue;
    }
    if (HEX_RE.test(token)) {
      const kind =
        token.length === 32
          ? 'md5'
          : token.length === 40
            ? 'sha1'
            : token.length === 64
              ? 'sha256'
              : token.length === 128
                ? 'sha512'
                : undefined;
      // A run of one repeated character (all zeros) is padding, not a hash.
      if (kind && !isOneRepeatedChar(token)) emit(kind, token.toLowerCase(), defanged);
      if (kind) continue;
    }
    if (CVE_RE.test(token)) {
      emit('cve', token.toUpperCase(), defanged);
      continue;
    }
    const asn = ASN_RE.exec(token);
    if (asn) {
      const n = Number(asn[1]);
      if (n > 0 && n <= 4294967295) emit('asn', `AS${n}`, defanged);
      continue;
    }
    if (
      /^\d{1,10}$/.test(token) &&
      (prevWord === 'as' || prevWord === 'asn') &&
      /^ASN?$/.test(tokens[t - 1] ?? '')
    ) {
      const n = Number(token);
      if (n > 0 && n <= 4294967295) emit('asn', `AS${n}`, defanged);
      continue;
    }
    if (isBitcoinAddress(token)) {
      emit('bitcoin-address', token, defanged);
      continue;
    }
    const host = token.toLowerCase().replace(/\.$/, '');
    if (isDomain(host)) {
      const labels = host.split('.');
      const tld = labels[labels.length - 1]!;
      if (!defanged && labels.length === 2 && FILE_EXTENSION_TLDS.has(tld)) continue;
      emit('domain-name', host, defanged);
    }
  }
  return out;
}
