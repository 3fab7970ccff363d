/**
 * Media types in the form of RFC 6838 §4.2: `type-name/subtype-name`, each a
 * `restricted-name` of 1-127 characters (a letter or digit, then letters, digits and
 * `! # $ & - ^ _ . +`). STIX 2.1 §6.1 and §6.7 ask for a media type name, which SHOULD be
 * registered with IANA; parameters (`; charset=...`) are not part of a type name.
 */
export function isMediaTypeName(v: string): boolean {
  const slash = v.indexOf('/');
  if (slash < 0) return false;
  return isRestrictedName(v, 0, slash) && isRestrictedName(v, slash + 1, v.length);
}

/**
 * The top-level types registered with IANA (RFC 6838 §4.2, RFC 8081 `font`, RFC 9695
 * `haptics`). Only the top level is checked against the registry: the full list of
 * subtypes changes weekly and is not carried by this library.
 */
const REGISTERED_TOP_LEVEL_TYPES: ReadonlySet<string> = new Set([
  'application',
  'audio',
  'example',
  'font',
  'haptics',
  'image',
  'message',
  'model',
  'multipart',
  'text',
  'video',
]);

/** Tells whether a well-formed media type name uses a registered top-level type (case-insensitive). */
export function hasRegisteredTopLevelType(v: string): boolean {
  return REGISTERED_TOP_LEVEL_TYPES.has(v.slice(0, v.indexOf('/')).toLowerCase());
}

function isRestrictedName(v: string, start: number, end: number): boolean {
  const length = end - start;
  if (length < 1 || length > 127) return false;
  for (let i = start; i < end; i++) {
    const c = v.charCodeAt(i);
    const alnum = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    if (alnum) continue;
    // restricted-name-chars beyond letters and digits: ! # $ & - ^ _ . +
    if (i === start) return false;
    if (
      !(
        c === 33 ||
        c === 35 ||
        c === 36 ||
        c === 38 ||
        c === 45 ||
        c === 94 ||
        c === 95 ||
        c === 46 ||
        c === 43
      )
    )
      return false;
  }
  return true;
}
