/**
 * The 249 officially assigned ISO 3166-1 alpha-2 country codes, for `location.country`
 * (STIX 2.1 §4.11: "SHOULD contain a valid ISO 3166-1 ALPHA-2 Code"). Codes are compared
 * without regard to case, as content in the wild often writes them in lowercase; user-assigned
 * codes (`XK`, `AA`, `QM`-`QZ`, `XA`-`XZ`, `ZZ`) and reserved ones (`EU`, `UK`) are not
 * assigned codes.
 */
const PACKED =
  'ADAEAFAGAIALAMAOAQARASATAUAWAXAZBABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBVBWBYBZCACCCDCFCGCHCICKCL' +
  'CMCNCOCRCUCVCWCXCYCZDEDJDKDMDODZECEEEGEHERESETFIFJFKFMFOFRGAGBGDGEGFGGGHGIGLGMGNGPGQGRGSGTGU' +
  'GWGYHKHMHNHRHTHUIDIEILIMINIOIQIRISITJEJMJOJPKEKGKHKIKMKNKPKRKWKYKZLALBLCLILKLRLSLTLULVLYMAMC' +
  'MDMEMFMGMHMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZNANCNENFNGNINLNONPNRNUNZOMPAPEPFPGPHPKPLPMPNPRPSPT' +
  'PWPYQARERORSRURWSASBSCSDSESGSHSISJSKSLSMSNSOSRSSSTSVSXSYSZTCTDTFTGTHTJTKTLTMTNTOTRTTTVTWTZUA' +
  'UGUMUSUYUZVAVCVEVGVIVNVUWFWSYEYTZAZMZW';

const CODES: ReadonlySet<string> = new Set(PACKED.match(/[A-Z]{2}/g));

/** Tells whether `v` is an assigned ISO 3166-1 alpha-2 code (case-insensitive). */
export function isCountryCode(v: string): boolean {
  return v.length === 2 && CODES.has(v.toUpperCase());
}

/** How many codes are assigned (for tests). */
export const COUNTRY_CODE_COUNT = CODES.size;
