/**
 * Textual IP addresses and CIDR blocks, as the `value` of `ipv4-addr` and `ipv6-addr`
 * (STIX 2.1 §6.8, §6.9: "a single IPv4 address or an IPv4 address block in CIDR
 * notation"). Hand-written scanners: linear, no regular expressions, no allocation.
 */

/** IPv4 dotted decimal (RFC 791 text form without leading zeros), with an optional `/0`-`/32`. */
export function isIpv4Value(v: string): boolean {
  const slash = v.indexOf('/');
  const end = slash < 0 ? v.length : slash;
  if (!isIpv4At(v, 0, end)) return false;
  return slash < 0 || isPrefix(v, slash + 1, 32);
}

/** IPv6 in the text forms of RFC 4291 §2.2 (RFC 4632-style `/0`-`/128` prefix allowed). */
export function isIpv6Value(v: string): boolean {
  const slash = v.indexOf('/');
  const end = slash < 0 ? v.length : slash;
  if (!isIpv6At(v, 0, end)) return false;
  return slash < 0 || isPrefix(v, slash + 1, 128);
}

/** A decimal prefix length in 0..max, without leading zeros, ending the string. */
function isPrefix(v: string, start: number, max: number): boolean {
  const n = v.length;
  if (start >= n || n - start > 3) return false;
  if (v.charCodeAt(start) === 48 && n - start > 1) return false;
  let value = 0;
  for (let i = start; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) return false;
    value = value * 10 + c - 48;
  }
  return value <= max;
}

/** Four decimal octets 0-255 separated by dots, exactly filling `start..end`. */
function isIpv4At(v: string, start: number, end: number): boolean {
  let i = start;
  for (let octet = 0; octet < 4; octet++) {
    if (octet > 0) {
      if (v.charCodeAt(i) !== 46) return false;
      i++;
    }
    const first = i;
    let value = 0;
    while (i < end && i - first < 3) {
      const c = v.charCodeAt(i);
      if (c < 48 || c > 57) break;
      value = value * 10 + c - 48;
      i++;
    }
    const digits = i - first;
    if (digits === 0 || value > 255) return false;
    if (digits > 1 && v.charCodeAt(first) === 48) return false; // `010` reads as octal to some tools
  }
  return i === end;
}

function isHexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/** RFC 4291 §2.2: eight 1-4 digit hex groups, one `::` for a run of zero groups, an IPv4 tail. */
function isIpv6At(v: string, start: number, end: number): boolean {
  if (end - start < 2) return false;
  let groups = 0;
  let compressed = false;
  let i = start;
  if (v.charCodeAt(i) === 58) {
    // A leading colon only as part of `::`.
    if (v.charCodeAt(i + 1) !== 58) return false;
    compressed = true;
    i += 2;
    if (i === end) return true;
  }
  while (i < end) {
    const groupStart = i;
    while (i < end && i - groupStart < 5 && isHexDigit(v.charCodeAt(i))) i++;
    const digits = i - groupStart;
    if (i < end && v.charCodeAt(i) === 46) {
      // An embedded IPv4 address takes the place of the last two groups.
      if (!isIpv4At(v, groupStart, end)) return false;
      groups += 2;
      i = end;
      break;
    }
    if (digits === 0 || digits > 4) return false;
    groups++;
    if (i === end) break;
    if (v.charCodeAt(i) !== 58) return false;
    i++;
    if (v.charCodeAt(i) === 58) {
      if (compressed) return false;
      compressed = true;
      i++;
      if (i === end) break;
    } else if (i === end) {
      return false; // a trailing single colon
    }
  }
  return compressed ? groups <= 7 : groups === 8;
}
