/**
 * `email-addr.value` is an RFC 5322 §3.4.1 `addr-spec` (STIX 2.1 §6.5: "This MUST NOT
 * include the display name"): `local-part@domain`, where the local part is a dot-atom or a
 * quoted string and the domain a dot-atom or a `[domain literal]`. RFC 6532 allows UTF-8
 * beyond ASCII in atoms, which internationalised addresses use. Comments and folding white
 * space (obsolete forms) are not accepted. Linear, hand-written.
 */
export function isAddrSpec(v: string): boolean {
  const n = v.length;
  if (n < 3 || n > 998) return false;
  let i: number;
  if (v.charCodeAt(0) === 34) {
    i = quotedStringEnd(v, 0);
    if (i < 0) return false;
  } else {
    i = dotAtomEnd(v, 0);
    if (i <= 0) return false;
  }
  if (v.charCodeAt(i) !== 64) return false;
  i++;
  if (v.charCodeAt(i) === 91) return domainLiteralEnd(v, i) === n;
  return dotAtomEnd(v, i) === n && i < n;
}

/** RFC 5322 §3.2.3 `atext`, plus UTF-8 beyond ASCII (RFC 6532 §3.2). */
function isAtext(c: number): boolean {
  if (c >= 128) return true;
  if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57)) return true;
  // ! # $ % & ' * + - / = ? ^ _ ` { | } ~
  return "!#$%&'*+-/=?^_`{|}~".indexOf(String.fromCharCode(c)) >= 0;
}

/** End of a dot-atom starting at `start` (atoms joined by single dots), or -1. */
function dotAtomEnd(v: string, start: number): number {
  let i = start;
  const n = v.length;
  for (;;) {
    const atom = i;
    while (i < n && isAtext(v.charCodeAt(i))) i++;
    if (i === atom) return -1;
    if (v.charCodeAt(i) !== 46) return i;
    i++;
  }
}

/** End (past the closing quote) of a quoted string at `start`, or -1. */
function quotedStringEnd(v: string, start: number): number {
  const n = v.length;
  for (let i = start + 1; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c === 34) return i + 1;
    if (c === 92) {
      // quoted-pair: a backslash and one visible character or space.
      const next = v.charCodeAt(i + 1);
      if (!(next >= 32 && next !== 127) && !(next === 9)) return -1;
      i++;
    } else if (c < 32 || c === 127) {
      if (c !== 9) return -1;
    }
  }
  return -1;
}

/** End of `[dtext...]` at `start`, or -1. */
function domainLiteralEnd(v: string, start: number): number {
  const n = v.length;
  for (let i = start + 1; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c === 93) return i + 1;
    // dtext: printable ASCII except `[`, `]` and `\`.
    if (c === 91 || c === 92 || (c < 33 && c !== 32) || c === 127) return -1;
    if (c === 32) return -1;
  }
  return -1;
}
