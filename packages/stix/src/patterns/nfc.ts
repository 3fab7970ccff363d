/**
 * The NFC form of a string (Unicode normalisation form C, which STIX 2.1 §9.5 string
 * comparisons use), without calling `normalize` for the common case: every code point
 * below U+0300 is stable under NFC and none of them composes with its neighbour, so a
 * string made only of those is already in NFC.
 *
 * @internal
 */
export function nfc(value: string): string {
  for (let i = 0; i < value.length; i++) {
    if (value.charCodeAt(i) >= 0x300) return value.normalize('NFC');
  }
  return value;
}
