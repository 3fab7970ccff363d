import { sha256 } from '@noble/hashes/sha2.js';

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const BECH32 = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';

/** Checks a legacy (P2PKH `1...`, P2SH `3...`) address's Base58Check checksum. */
function isBase58Check(address: string): boolean {
  let bytes: number[] = [0];
  for (const ch of address) {
    const digit = BASE58.indexOf(ch);
    if (digit < 0) return false;
    let carry = digit;
    for (let i = 0; i < bytes.length; i++) {
      carry += bytes[i]! * 58;
      bytes[i] = carry & 0xff;
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push(carry & 0xff);
      carry >>= 8;
    }
  }
  for (const ch of address) {
    if (ch !== '1') break;
    bytes.push(0);
  }
  bytes = bytes.reverse();
  if (bytes.length !== 25) return false;
  const payload = Uint8Array.from(bytes.slice(0, 21));
  const check = sha256(sha256(payload));
  for (let i = 0; i < 4; i++) if (check[i] !== bytes[21 + i]) return false;
  return bytes[0] === 0x00 || bytes[0] === 0x05;
}

function polymod(values: number[]): number {
  const gen = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= gen[i]!;
  }
  return chk >>> 0;
}

/** Checks a SegWit `bc1...` address's bech32 (BIP 173) or bech32m (BIP 350) checksum. */
function isBech32(address: string): boolean {
  const lower = address.toLowerCase();
  if (lower !== address && address.toUpperCase() !== address) return false;
  const sep = lower.lastIndexOf('1');
  if (lower.slice(0, sep) !== 'bc' || lower.length < 14 || lower.length > 74) return false;
  const data: number[] = [];
  for (const ch of lower.slice(sep + 1)) {
    const v = BECH32.indexOf(ch);
    if (v < 0) return false;
    data.push(v);
  }
  const hrp = [3, 3, 0, 2, 3]; // expanded "bc"
  const check = polymod([...hrp, ...data]);
  return check === 1 || check === 0x2bc830a3;
}

/**
 * Tells whether a string is a valid Bitcoin mainnet address (checksum verified), which
 * keeps random Base58-looking words from being reported.
 *
 * @param value - The candidate.
 * @returns `true` for valid P2PKH, P2SH and bech32/bech32m addresses.
 *
 * @example
 * ```ts
 * import { isBitcoinAddress } from '@intelshare/stix/extract';
 *
 * isBitcoinAddress('1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2'); // true
 * isBitcoinAddress('1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3'); // false (checksum)
 * ```
 */
export function isBitcoinAddress(value: string): boolean {
  if (value.length < 26 || value.length > 74) return false;
  if (value[0] === '1' || value[0] === '3') return value.length <= 35 && isBase58Check(value);
  if (/^bc1/i.test(value)) return isBech32(value);
  return false;
}
