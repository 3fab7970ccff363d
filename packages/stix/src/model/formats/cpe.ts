/**
 * CPE 2.3 formatted-string bindings (NISTIR 7695 §6.2), for `software.cpe` (STIX 2.1 §6.14:
 * "MUST be a CPE v2.3 entry"). The shape follows the pattern of the OASIS
 * `observables/software.json` schema: `cpe:2.3:` then a part (`a`, `o`, `h`, `*` or `-`) and
 * ten attributes separated by unescaped colons; `language` is a language/region code or a
 * logical value, the others are `*`, `-`, or characters from `[A-Za-z0-9._-]` and
 * backslash-escaped punctuation, with `?`s or one `*` only at either end. Linear: one pass.
 */
export function isCpe23(v: string): boolean {
  if (!v.startsWith('cpe:2.3:') || v.length > 8192) return false;
  const fields: string[] = [];
  let start = 8;
  for (let i = 8; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 92)
      i++; // an escaped character never separates
    else if (c === 58) {
      fields.push(v.slice(start, i));
      start = i + 1;
    }
  }
  fields.push(v.slice(start));
  if (fields.length !== 11) return false;
  const part = fields[0]!;
  if (part !== 'a' && part !== 'o' && part !== 'h' && part !== '*' && part !== '-') return false;
  for (let f = 1; f < 11; f++) {
    const ok = f === 6 ? isLanguageValue(fields[f]!) : isAvString(fields[f]!);
    if (!ok) return false;
  }
  return true;
}

/** `[a-zA-Z]{2,3}(-([a-zA-Z]{2}|[0-9]{3}))?` or a logical value. */
function isLanguageValue(s: string): boolean {
  if (s === '*' || s === '-') return true;
  const dash = s.indexOf('-');
  const lang = dash < 0 ? s : s.slice(0, dash);
  if (lang.length < 2 || lang.length > 3 || !/^[a-zA-Z]+$/.test(lang)) return false;
  if (dash < 0) return true;
  const region = s.slice(dash + 1);
  return /^(?:[a-zA-Z]{2}|[0-9]{3})$/.test(region);
}

const ESCAPABLE = '\\*?!"#$%&\'()+,/:;<=>@[]^`{|}~-.';

function isAvString(s: string): boolean {
  if (s === '*' || s === '-') return true;
  const n = s.length;
  let i = 0;
  if (s.charCodeAt(0) === 42) i = 1;
  else while (i < n && s.charCodeAt(i) === 63) i++;
  let body = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c === 92) {
      if (i + 1 >= n || ESCAPABLE.indexOf(s[i + 1]!) < 0) return false;
      i += 2;
    } else if (
      (c >= 48 && c <= 57) ||
      (c >= 65 && c <= 90) ||
      (c >= 97 && c <= 122) ||
      c === 45 ||
      c === 46 ||
      c === 95
    ) {
      i++;
    } else break;
    body++;
  }
  if (body === 0) return false;
  if (i < n && s.charCodeAt(i) === 42) return i + 1 === n;
  while (i < n && s.charCodeAt(i) === 63) i++;
  return i === n;
}
