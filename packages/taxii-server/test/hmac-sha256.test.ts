// The cursor's HMAC-SHA-256 is computed by the package itself (see hmac-sha256.ts for why).
// It must equal node:crypto's for every key and message: RFC 4231's test vectors, then
// generated keys (shorter than, equal to and longer than a block, which is hashed first) and
// messages of every length around the block and padding boundaries, with non-ASCII text and
// lone surrogates (UTF-8 with U+FFFD, as TextEncoder and node:crypto both write them).
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HmacSha256 } from '../src/pagination/hmac-sha256';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const reference = (key: Uint8Array, text: string) =>
  createHmac('sha256', key).update(text, 'utf8').digest('hex');

describe('HmacSha256', () => {
  it('gives the RFC 4231 test vectors', () => {
    // RFC 4231 §4.2, §4.3, §4.7 (HMAC-SHA-256 values)
    expect(hex(new HmacSha256(new Uint8Array(20).fill(0x0b)).digest('Hi There'))).toBe(
      'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
    );
    expect(
      hex(new HmacSha256(new TextEncoder().encode('Jefe')).digest('what do ya want for nothing?')),
    ).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
    expect(
      hex(
        new HmacSha256(new Uint8Array(131).fill(0xaa)).digest(
          'Test Using Larger Than Block-Size Key - Hash Key First',
        ),
      ),
    ).toBe('60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54');
  });

  it('equals node:crypto for messages of every length up to three blocks', () => {
    const key = new TextEncoder().encode('cursor-secret-0123456789abcdef');
    const hmac = new HmacSha256(key);
    for (let length = 0; length <= 200; length++) {
      const text = 'x'.repeat(length);
      expect(hex(hmac.digest(text)), String(length)).toBe(reference(key, text));
    }
    // multi-byte characters put the byte length on every side of the boundaries too
    for (let length = 0; length <= 70; length++) {
      const text = 'é'.repeat(length);
      expect(hex(hmac.digest(text)), `é×${length}`).toBe(reference(key, text));
    }
  });

  it('equals node:crypto for any key and message', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 200 }),
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 400 }),
          fc.string({ unit: 'grapheme', maxLength: 200 }),
          fc.string({ maxLength: 3000 }),
        ),
        (key, text) => {
          const hmac = new HmacSha256(key);
          expect(hex(hmac.digest(text))).toBe(reference(key, text));
          // the key's states are reused: a second message with the same object still agrees
          expect(hex(hmac.digest(`${text}!`))).toBe(reference(key, `${text}!`));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('keeps each key apart when several are used in turn, and a long message then a short one', () => {
    const keys = ['a'.repeat(16), 'b'.repeat(64), 'c'.repeat(65)].map((k) =>
      new TextEncoder().encode(k),
    );
    const hmacs = keys.map((k) => new HmacSha256(k));
    const long = 'z'.repeat(100_000);
    for (const text of [long, 'short', '', long.slice(0, 5000)]) {
      hmacs.forEach((hmac, i) => {
        expect(hex(hmac.digest(text))).toBe(reference(keys[i]!, text));
      });
    }
  });
});
