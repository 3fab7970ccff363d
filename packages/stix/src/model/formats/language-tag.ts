/**
 * RFC 5646 §2.1 well-formed language tags, for `lang` (STIX 2.1 §3.2: "MUST be a language
 * code conformant to [RFC5646]"), `software.languages` (§6.14) and the keys of
 * `language-content.contents` (§7.1). Checks the ABNF, not the subtag registry: a tag of the
 * right shape whose subtags are unregistered is accepted. Subtags are case-insensitive.
 */

/** RFC 5646 §2.2.8: the grandfathered tags, kept whole. */
const GRANDFATHERED: ReadonlySet<string> = new Set([
  'en-gb-oed',
  'i-ami',
  'i-bnn',
  'i-default',
  'i-enochian',
  'i-hak',
  'i-klingon',
  'i-lux',
  'i-mingo',
  'i-navajo',
  'i-pwn',
  'i-tao',
  'i-tay',
  'i-tsu',
  'sgn-be-fr',
  'sgn-be-nl',
  'sgn-ch-de',
  'art-lojban',
  'cel-gaulish',
  'no-bok',
  'no-nyn',
  'zh-guoyu',
  'zh-hakka',
  'zh-min',
  'zh-min-nan',
  'zh-xiang',
]);

// Where the next subtag may go, in ABNF order.
const EXTLANG = 1;
const SCRIPT = 2;
const REGION = 3;
const VARIANT = 4;
const EXTENSION = 5;

/** Tells whether `v` is a well-formed RFC 5646 language tag. */
export function isLanguageTag(v: string): boolean {
  // No registered tag is this long; the bound keeps the split below small.
  if (v.length === 0 || v.length > 256) return false;
  const lower = v.toLowerCase();
  if (GRANDFATHERED.has(lower)) return true;
  const subtags = lower.split('-');
  if (subtags[0] === 'x') return isPrivateUse(subtags, 0);
  const language = subtags[0]!;
  if (!isAlpha(language) || language.length < 2 || language.length > 8) return false;
  let stage = language.length <= 3 ? EXTLANG : SCRIPT;
  let extlangs = 0;
  const singletons = new Set<string>();
  for (let i = 1; i < subtags.length; i++) {
    const s = subtags[i]!;
    if (s === 'x') return isPrivateUse(subtags, i);
    if (stage === EXTLANG && s.length === 3 && isAlpha(s)) {
      if (++extlangs > 3) return false;
      continue;
    }
    if (stage <= SCRIPT && s.length === 4 && isAlpha(s)) {
      stage = REGION;
      continue;
    }
    if (stage <= REGION && ((s.length === 2 && isAlpha(s)) || (s.length === 3 && isDigits(s)))) {
      stage = VARIANT;
      continue;
    }
    if (stage <= VARIANT && isVariant(s)) {
      stage = VARIANT;
      continue;
    }
    if (s.length === 1 && isAlnum(s)) {
      // extension = singleton 1*("-" (2*8alphanum)); each singleton at most once (§2.2.6).
      if (singletons.has(s)) return false;
      singletons.add(s);
      let j = i + 1;
      while (
        j < subtags.length &&
        subtags[j]!.length >= 2 &&
        subtags[j]!.length <= 8 &&
        isAlnum(subtags[j]!)
      )
        j++;
      if (j === i + 1) return false;
      i = j - 1;
      stage = EXTENSION;
      continue;
    }
    return false;
  }
  return true;
}

/** privateuse = "x" 1*("-" (1*8alphanum)), to the end of the tag. */
function isPrivateUse(subtags: readonly string[], at: number): boolean {
  if (at === subtags.length - 1) return false;
  for (let i = at + 1; i < subtags.length; i++) {
    const s = subtags[i]!;
    if (s.length < 1 || s.length > 8 || !isAlnum(s)) return false;
  }
  return true;
}

/** variant = 5*8alphanum / (DIGIT 3alphanum) */
function isVariant(s: string): boolean {
  if (!isAlnum(s)) return false;
  if (s.length >= 5 && s.length <= 8) return true;
  return s.length === 4 && s.charCodeAt(0) >= 48 && s.charCodeAt(0) <= 57;
}

function isAlpha(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 97 || c > 122) return false;
  }
  return true;
}

function isDigits(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function isAlnum(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57))) return false;
  }
  return true;
}
