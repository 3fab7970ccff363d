/**
 * RFC 3986 URIs, for `url.value` (STIX 2.1 §6.15: "MUST conform to [RFC3986]") and
 * `artifact.url` (§6.1: "MUST be a valid URL"). Checks the generic syntax of §3: a scheme,
 * an optional authority (`//userinfo@host:port`, with IP literals in brackets), and a path,
 * query and fragment made only of the characters §2 allows, with well-formed
 * percent-encoding. Linear and hand-written. IRIs (RFC 3987, raw non-ASCII) are not URIs:
 * their characters must be percent-encoded.
 */
export function isUri(v: string): boolean {
  const n = v.length;
  // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )  (RFC 3986 §3.1)
  if (n === 0 || !isAlpha(v.charCodeAt(0))) return false;
  let i = 1;
  while (i < n && isSchemeChar(v.charCodeAt(i))) i++;
  if (i >= n || v.charCodeAt(i) !== 58) return false;
  i++;
  if (v.charCodeAt(i) === 47 && v.charCodeAt(i + 1) === 47) {
    i = authorityEnd(v, i + 2);
    if (i < 0) return false;
  }
  // path, then `?query`, then `#fragment` (no second `#`).
  let fragment = false;
  while (i < n) {
    const c = v.charCodeAt(i);
    if (c === 37) {
      if (!isHex(v.charCodeAt(i + 1)) || !isHex(v.charCodeAt(i + 2))) return false;
      i += 3;
      continue;
    }
    if (c === 35) {
      if (fragment) return false;
      fragment = true;
    } else if (!isPchar(c) && c !== 47 && c !== 63) {
      return false;
    }
    i++;
  }
  return true;
}

/** Scans `userinfo@host:port` from `start`; returns where the path begins, or -1. */
function authorityEnd(v: string, start: number): number {
  const n = v.length;
  let end = start;
  while (end < n) {
    const c = v.charCodeAt(end);
    if (c === 47 || c === 63 || c === 35) break;
    end++;
  }
  let hostStart = start;
  const at = v.lastIndexOf('@', end - 1);
  if (at >= start) {
    for (let i = start; i < at; i++) {
      const c = v.charCodeAt(i);
      if (c === 37) {
        if (!isHex(v.charCodeAt(i + 1)) || !isHex(v.charCodeAt(i + 2))) return -1;
        i += 2;
      } else if (!(isUnreserved(c) || isSubDelim(c) || c === 58)) return -1;
    }
    hostStart = at + 1;
  }
  let i = hostStart;
  if (v.charCodeAt(i) === 91) {
    // IP-literal: `[` IPv6address / IPvFuture `]` (§3.2.2); the characters are checked here.
    const close = v.indexOf(']', i);
    if (close < 0 || close >= end) return -1;
    for (let j = i + 1; j < close; j++) {
      const c = v.charCodeAt(j);
      if (!(isUnreserved(c) || isSubDelim(c) || c === 58)) return -1;
    }
    if (close === i + 1) return -1;
    i = close + 1;
  } else {
    while (i < end) {
      const c = v.charCodeAt(i);
      if (c === 58) break;
      if (c === 37) {
        if (!isHex(v.charCodeAt(i + 1)) || !isHex(v.charCodeAt(i + 2))) return -1;
        i += 3;
        continue;
      }
      if (!(isUnreserved(c) || isSubDelim(c))) return -1;
      i++;
    }
  }
  if (i < end) {
    // port = *DIGIT
    if (v.charCodeAt(i) !== 58) return -1;
    for (i++; i < end; i++) {
      const c = v.charCodeAt(i);
      if (c < 48 || c > 57) return -1;
    }
  }
  return end;
}

function isAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

function isSchemeChar(c: number): boolean {
  return isAlpha(c) || isDigit(c) || c === 43 || c === 45 || c === 46;
}

/** unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~" */
function isUnreserved(c: number): boolean {
  return isAlpha(c) || isDigit(c) || c === 45 || c === 46 || c === 95 || c === 126;
}

/** sub-delims = "!" / "$" / "&" / "'" / "(" / ")" / "*" / "+" / "," / ";" / "=" */
function isSubDelim(c: number): boolean {
  return (
    c === 33 ||
    c === 36 ||
    c === 38 ||
    c === 39 ||
    c === 40 ||
    c === 41 ||
    c === 42 ||
    c === 43 ||
    c === 44 ||
    c === 59 ||
    c === 61
  );
}

/** pchar = unreserved / pct-encoded / sub-delims / ":" / "@" (pct-encoded handled by the caller). */
function isPchar(c: number): boolean {
  return isUnreserved(c) || isSubDelim(c) || c === 58 || c === 64;
}
