/**
 * An IP network: version, address as 32-bit words (1 for IPv4, 4 for IPv6, big-endian)
 * and prefix length. A bare address has the full prefix (32 or 128).
 */
export interface IpNetwork {
  version: 4 | 6;
  words: number[];
  prefix: number;
}

function parseIpv4Words(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (part.length === 0 || part.length > 3) return undefined;
    for (let i = 0; i < part.length; i++) {
      const c = part.charCodeAt(i);
      if (c < 48 || c > 57) return undefined;
    }
    // Leading zeros are ambiguous (octal in some stacks), so they are rejected.
    if (part.length > 1 && part[0] === '0') return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return value >>> 0;
}

function parseIpv6Words(text: string): number[] | undefined {
  if (text.length < 2 || text.length > 45) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parseGroups = (s: string): number[] | undefined => {
    if (s === '') return [];
    const groups = s.split(':');
    const out: number[] = [];
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i]!;
      if (i === groups.length - 1 && g.includes('.')) {
        const v4 = parseIpv4Words(g);
        if (v4 === undefined) return undefined;
        out.push(v4 >>> 16, v4 & 0xffff);
        continue;
      }
      if (g.length === 0 || g.length > 4 || !/^[0-9a-fA-F]+$/.test(g)) return undefined;
      out.push(Number.parseInt(g, 16));
    }
    return out;
  };
  const head = parseGroups(halves[0]!);
  const tail = halves.length === 2 ? parseGroups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  let groups: number[];
  if (halves.length === 2) {
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return undefined;
    groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  } else {
    groups = head;
  }
  if (groups.length !== 8) return undefined;
  const words: number[] = [];
  for (let i = 0; i < 8; i += 2) words.push(((groups[i]! << 16) | groups[i + 1]!) >>> 0);
  return words;
}

/**
 * Parses an IPv4 or IPv6 address or CIDR block (`198.51.100.0/24`, `2001:db8::/32`).
 *
 * @param text - The address text.
 * @returns The network, or `undefined` when the text is not an address.
 *
 * @example
 * ```ts
 * import { parseIpNetwork } from '@intelshare/stix/patterns';
 *
 * parseIpNetwork('10.0.0.0/8')?.prefix; // 8
 * ```
 */
export function parseIpNetwork(text: string): IpNetwork | undefined {
  if (typeof text !== 'string' || text.length > 64) return undefined;
  const slash = text.indexOf('/');
  const addr = slash < 0 ? text : text.slice(0, slash);
  let version: 4 | 6;
  let words: number[];
  if (addr.includes(':')) {
    const w = parseIpv6Words(addr);
    if (!w) return undefined;
    version = 6;
    words = w;
  } else {
    const w = parseIpv4Words(addr);
    if (w === undefined) return undefined;
    version = 4;
    words = [w];
  }
  const max = version === 4 ? 32 : 128;
  let prefix = max;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p) || (p.length > 1 && p[0] === '0')) return undefined;
    prefix = Number(p);
    if (prefix > max) return undefined;
  }
  return { version, words, prefix };
}

/** The bit at position `i` (0 = most significant) of a network's address. */
export function bitAt(words: readonly number[], i: number): number {
  return (words[i >>> 5]! >>> (31 - (i & 31))) & 1;
}

/**
 * Tells whether network `inner` lies inside network `outer` (STIX 2.1 §9.5 ISSUBSET).
 *
 * @param inner - The smaller network (or an address).
 * @param outer - The containing network.
 * @returns `true` when every address of `inner` is in `outer`.
 *
 * @example
 * ```ts
 * import { isSubnetOf, parseIpNetwork } from '@intelshare/stix/patterns';
 *
 * isSubnetOf(parseIpNetwork('10.1.2.3')!, parseIpNetwork('10.0.0.0/8')!); // true
 * ```
 */
export function isSubnetOf(inner: IpNetwork, outer: IpNetwork): boolean {
  if (inner.version !== outer.version || inner.prefix < outer.prefix) return false;
  let bits = outer.prefix;
  for (let w = 0; bits > 0; w++, bits -= 32) {
    const mask = bits >= 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0;
    if ((inner.words[w]! & mask) >>> 0 !== (outer.words[w]! & mask) >>> 0) return false;
  }
  return true;
}
