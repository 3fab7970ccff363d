// Cursors are HMAC-SHA-256 signed. On Node the codec signs with node:crypto; a runtime
// without it uses WebCrypto. Both must produce and accept the same cursors, so instances
// on different runtimes behind one load balancer continue each other's pages.
import { describe, expect, it } from 'vitest';
import { CursorCodec } from '../src/pagination/cursor';

const SECRET = 'cursor-secret-0123456789abcdef';
const toBase64Url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

async function webCryptoCursor(after: number, scope: string, secret = SECRET): Promise<string> {
  const payload = toBase64Url(new TextEncoder().encode(`1:${after}`));
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = await crypto.subtle.sign(
    'HMAC',
    key,
    new TextEncoder().encode(`${payload}\n${scope}`),
  );
  return `${payload}.${toBase64Url(new Uint8Array(mac).slice(0, 20))}`;
}

describe('CursorCodec', () => {
  it('issues exactly the cursor WebCrypto computes, and accepts one made there', async () => {
    const codec = new CursorCodec(SECRET);
    expect(await codec.encode(1_796_507_204_705_001, 'objects|api|c||p|[]')).toBe(
      await webCryptoCursor(1_796_507_204_705_001, 'objects|api|c||p|[]'),
    );
    expect(await codec.decode(await webCryptoCursor(42, 'scope'), 'scope')).toBe(42);
  });

  it('refuses a cursor for another scope or signed with another secret', async () => {
    const codec = new CursorCodec([SECRET, 'older-secret-0123456789abcdef']);
    await expect(codec.decode(await webCryptoCursor(42, 'scope'), 'other')).rejects.toMatchObject({
      status: 400,
    });
    await expect(
      codec.decode(await webCryptoCursor(42, 'scope', 'unknown-secret-0123456789'), 'scope'),
    ).rejects.toMatchObject({ status: 400 });
    // a rotated-out secret still verifies while it is listed
    expect(
      await codec.decode(
        await webCryptoCursor(7, 'scope', 'older-secret-0123456789abcdef'),
        'scope',
      ),
    ).toBe(7);
  });
});
