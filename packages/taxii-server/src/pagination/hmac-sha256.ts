// HMAC-SHA-256 (RFC 2104 over SHA-256 as FIPS 180-4 §6.2 defines it) for the pagination
// cursor, in plain JavaScript. Why not node:crypto: a `createHmac` object per cursor is a
// native object the garbage collector must finalise; in-process A/B runs of page requests
// measured this module several per cent faster per page, although a tight loop of HMACs
// alone shows only about 2 µs of difference. Why not WebCrypto: `sign` is asynchronous and
// goes through a thread pool. The key's inner and outer states are computed once per secret
// (RFC 2104 §4 notes this), so a MAC costs the message's blocks plus one.
//
// The computation takes the same steps whatever the key and message bytes are (no branch
// or table index depends on them); only the message length changes the time, and the
// message is not secret.

/** FIPS 180-4 §4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64 primes. */
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** FIPS 180-4 §5.3.3: the initial hash value. */
const INITIAL = [
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

const BLOCK = 64;
const DIGEST = 32;

// Scratch space, safe to share: every function here runs to completion synchronously.
const schedule = new Int32Array(64);
const state = new Int32Array(8);
const utf8 = new TextEncoder();
let scratch = new Uint8Array(1024);

/** FIPS 180-4 §6.2.2: one 64-byte block of `bytes` at `at` into `hash`. */
function compress(hash: Int32Array, bytes: Uint8Array, at: number): void {
  const w = schedule;
  for (let t = 0; t < 16; t++) {
    const i = at + t * 4;
    w[t] = (bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!;
  }
  for (let t = 16; t < 64; t++) {
    const x = w[t - 15]!;
    const y = w[t - 2]!;
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[t] = (w[t - 16]! + s0 + w[t - 7]! + s1) | 0;
  }
  let a = hash[0]!;
  let b = hash[1]!;
  let c = hash[2]!;
  let d = hash[3]!;
  let e = hash[4]!;
  let f = hash[5]!;
  let g = hash[6]!;
  let h = hash[7]!;
  for (let t = 0; t < 64; t++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + s1 + ((e & f) ^ (~e & g)) + K[t]! + w[t]!) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  hash[0] = (hash[0]! + a) | 0;
  hash[1] = (hash[1]! + b) | 0;
  hash[2] = (hash[2]! + c) | 0;
  hash[3] = (hash[3]! + d) | 0;
  hash[4] = (hash[4]! + e) | 0;
  hash[5] = (hash[5]! + f) | 0;
  hash[6] = (hash[6]! + g) | 0;
  hash[7] = (hash[7]! + h) | 0;
}

/**
 * Finishes a hash whose state already holds `before` bytes (whole blocks): the `length`
 * bytes at the start of `bytes`, then the FIPS 180-4 §5.1.1 padding. `bytes` must have room
 * for the padding (up to 72 bytes past `length`); it is overwritten there.
 */
function finish(hash: Int32Array, before: number, bytes: Uint8Array, length: number): void {
  const blocks = Math.floor((length + 8) / BLOCK) + 1;
  const end = blocks * BLOCK;
  bytes[length] = 0x80;
  bytes.fill(0, length + 1, end - 8);
  // the message length in bits as a 64-bit big-endian number
  const bits = (before + length) * 8;
  const high = Math.floor(bits / 0x1_0000_0000);
  const low = bits >>> 0;
  bytes[end - 8] = high >>> 24;
  bytes[end - 7] = high >>> 16;
  bytes[end - 6] = high >>> 8;
  bytes[end - 5] = high;
  bytes[end - 4] = low >>> 24;
  bytes[end - 3] = low >>> 16;
  bytes[end - 2] = low >>> 8;
  bytes[end - 1] = low;
  for (let at = 0; at < end; at += BLOCK) compress(hash, bytes, at);
}

function writeDigest(hash: Int32Array, out: Uint8Array, at: number): void {
  for (let i = 0; i < 8; i++) {
    const word = hash[i]!;
    out[at + i * 4] = word >>> 24;
    out[at + i * 4 + 1] = word >>> 16;
    out[at + i * 4 + 2] = word >>> 8;
    out[at + i * 4 + 3] = word;
  }
}

/** Room in the scratch buffer for `length` bytes and their padding. */
function scratchFor(length: number): Uint8Array {
  if (scratch.length < length + BLOCK + 8) scratch = new Uint8Array(2 * (length + BLOCK + 8));
  return scratch;
}

/** SHA-256 of `bytes` (used for keys longer than a block, RFC 2104 §2). */
function sha256(bytes: Uint8Array): Uint8Array {
  const hash = Int32Array.from(INITIAL);
  const whole = Math.floor(bytes.length / BLOCK) * BLOCK;
  for (let at = 0; at < whole; at += BLOCK) compress(hash, bytes, at);
  const rest = new Uint8Array(2 * BLOCK);
  rest.set(bytes.subarray(whole));
  finish(hash, whole, rest, bytes.length - whole);
  const out = new Uint8Array(DIGEST);
  writeDigest(hash, out, 0);
  return out;
}

/**
 * HMAC-SHA-256 with one key: the MAC of a string's UTF-8 bytes, equal to node:crypto's
 * `createHmac('sha256', key).update(text).digest()` and WebCrypto's `sign('HMAC', …)`
 * (lone surrogates become U+FFFD, as in `TextEncoder`).
 */
export class HmacSha256 {
  readonly #inner = Int32Array.from(INITIAL);
  readonly #outer = Int32Array.from(INITIAL);

  constructor(key: Uint8Array) {
    // RFC 2104 §2: a key longer than a block is hashed first; the block is zero-padded.
    const block = new Uint8Array(BLOCK);
    block.set(key.length > BLOCK ? sha256(key) : key);
    const pad = new Uint8Array(BLOCK);
    for (let i = 0; i < BLOCK; i++) pad[i] = block[i]! ^ 0x36;
    compress(this.#inner, pad, 0);
    for (let i = 0; i < BLOCK; i++) pad[i] = block[i]! ^ 0x5c;
    compress(this.#outer, pad, 0);
    block.fill(0);
    pad.fill(0);
  }

  /** The 32-byte MAC of `text` encoded as UTF-8, in a new array. */
  digest(text: string): Uint8Array {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit
    const bytes = scratchFor(text.length * 3);
    const length = utf8.encodeInto(text, bytes).written;
    state.set(this.#inner);
    finish(state, BLOCK, bytes, length);
    const outerBlock = scratchFor(DIGEST);
    writeDigest(state, outerBlock, 0);
    state.set(this.#outer);
    finish(state, BLOCK, outerBlock, DIGEST);
    const mac = new Uint8Array(DIGEST);
    writeDigest(state, mac, 0);
    return mac;
  }
}
