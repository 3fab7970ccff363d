import { HASH_ALGORITHM_OV } from './vocabularies';

/** A name of the STIX 2.1 `hash-algorithm-ov` vocabulary (§10.7), as the spec spells it. */
export type HashAlgorithm = (typeof HASH_ALGORITHM_OV)[number];

// Maps, not objects, as the names come from input.
const BY_NAME: ReadonlyMap<string, HashAlgorithm> = new Map(
  HASH_ALGORITHM_OV.map((name) => [name, name]),
);
const BY_UPPER_NAME: ReadonlyMap<string, HashAlgorithm> = new Map(
  HASH_ALGORITHM_OV.map((name) => [name.toUpperCase(), name]),
);

/**
 * Hex digest lengths, from the digest sizes of the algorithms (RFC 1321, FIPS 180-4,
 * FIPS 202) and the patterns of the OASIS `common/hashes-type.json` schema.
 */
const HEX_LENGTHS: Readonly<Record<string, number>> = Object.assign(Object.create(null), {
  MD5: 32,
  'SHA-1': 40,
  'SHA-256': 64,
  'SHA-512': 128,
  'SHA3-256': 64,
  'SHA3-512': 128,
});

/**
 * Gives the `hash-algorithm-ov` name that `name` stands for, compared without regard to
 * case (`sha-256` is `SHA-256`; `SHA256` is not a vocabulary name).
 *
 * @param name - A hash name as found in a `hashes` dictionary or a pattern path.
 * @returns The vocabulary spelling, or `undefined` for a name outside the vocabulary.
 *
 * @example
 * ```ts
 * import { hashAlgorithmName } from '@intelshare/stix';
 *
 * hashAlgorithmName('sha-256'); // 'SHA-256'
 * hashAlgorithmName('SHA256'); // undefined
 * ```
 * @see /stix/validation/
 */
export function hashAlgorithmName(name: string): HashAlgorithm | undefined {
  // The vocabulary's own spelling is by far the most common: no case folding for it.
  const exact = BY_NAME.get(name);
  if (exact !== undefined || name.length > 8) return exact;
  return BY_UPPER_NAME.get(name.toUpperCase());
}

/**
 * Tells whether `value` has the form of a digest of the `hash-algorithm-ov` algorithm
 * `algorithm` (names compared without regard to case): MD5 32 hex digits, SHA-1 40,
 * SHA-256 and SHA3-256 64, SHA-512 and SHA3-512 128, SSDEEP `blocksize:hash:hash`, TLSH 70
 * hex digits (optionally after the `T1` version prefix). Runs in linear time.
 *
 * @param algorithm - A hash name, such as a key of `hashes`.
 * @param value - The digest to check.
 * @returns `true` or `false`, or `undefined` when `algorithm` is not a vocabulary name (its
 *   form is unknown).
 *
 * @example
 * ```ts
 * import { hasHashForm } from '@intelshare/stix';
 *
 * hasHashForm('MD5', 'd41d8cd98f00b204e9800998ecf8427e'); // true
 * hasHashForm('SHA-256', 'f00'); // false
 * hasHashForm('x-custom', 'f00'); // undefined
 * ```
 * @see /stix/validation/
 */
export function hasHashForm(algorithm: string, value: string): boolean | undefined {
  const name = hashAlgorithmName(algorithm);
  if (name === undefined) return undefined;
  if (name === 'SSDEEP') return isSsdeep(value);
  if (name === 'TLSH') return isTlsh(value);
  const length = HEX_LENGTHS[name]!;
  return value.length === length && isHexRun(value, 0, length);
}

/**
 * Says in words what form a digest of `algorithm` has, for error messages.
 *
 * @param algorithm - A `hash-algorithm-ov` name, as {@link hashAlgorithmName} returns it.
 * @returns A short phrase such as `32 hexadecimal digits`.
 *
 * @example
 * ```ts
 * import { describeHashForm } from '@intelshare/stix';
 *
 * describeHashForm('SHA-1'); // '40 hexadecimal digits'
 * ```
 * @see /stix/validation/
 */
export function describeHashForm(algorithm: HashAlgorithm): string {
  if (algorithm === 'SSDEEP') return '`blocksize:hash:hash` (ssdeep)';
  if (algorithm === 'TLSH') return '70 hexadecimal digits, optionally after `T1`';
  return `${HEX_LENGTHS[algorithm]} hexadecimal digits`;
}

function isHexRun(v: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = v.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70))) return false;
  }
  return true;
}

/** TLSH digests are 35 bytes in hex; version 4 of the tool prefixes `T1`. */
function isTlsh(v: string): boolean {
  if (v.length === 70) return isHexRun(v, 0, 70);
  return v.length === 72 && (v[0] === 'T' || v[0] === 't') && v[1] === '1' && isHexRun(v, 2, 72);
}

function isBase64Char(c: number): boolean {
  return (
    (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47
  );
}

/**
 * ssdeep: a decimal block size, then two base64 signatures (at most 64 characters each,
 * possibly empty for tiny inputs), separated by colons. The OASIS schema bounds the whole
 * digest to 128 characters of `[a-zA-Z0-9/+:.]`; the structure is checked here as well.
 */
function isSsdeep(v: string): boolean {
  const n = v.length;
  if (n < 3 || n > 148) return false;
  let i = 0;
  if (v.charCodeAt(0) < 49 || v.charCodeAt(0) > 57) return false;
  while (i < n && v.charCodeAt(i) >= 48 && v.charCodeAt(i) <= 57) i++;
  if (i > 10 || v.charCodeAt(i) !== 58) return false;
  for (let part = 0; part < 2; part++) {
    const start = ++i;
    while (i < n && isBase64Char(v.charCodeAt(i))) i++;
    if (i - start > 64) return false;
    if (part === 0 && v.charCodeAt(i) !== 58) return false;
  }
  return i === n;
}
