// Cursors are HMAC-SHA-256 signed. On Node the codec signs with node:crypto; a runtime
// without it uses WebCrypto. Both must produce and accept the same cursors, so instances
// on different runtimes behind one load balancer continue each other's pages.
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
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

  // The Node path encodes with Buffer's base64url and one synchronous HMAC; these pin it to
  // the rules every cursor issued so far follows (WebCrypto, btoa, 20-byte MAC).
  it('issues, for any position and scope, the cursor of the reference rules', async () => {
    const codec = new CursorCodec(SECRET);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.string({ unit: 'grapheme', maxLength: 300 }),
        async (after, scope) => {
          const cursor = await codec.encode(after, scope);
          expect(cursor).toBe(await webCryptoCursor(after, scope));
          expect(await codec.decode(cursor, scope)).toBe(after);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses a cursor with any one character of its payload or MAC changed', async () => {
    const codec = new CursorCodec(SECRET);
    const cursor = await codec.encode(1_796_507_204_705_001, 'objects|api|c||p|[]');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (let i = 0; i < cursor.length; i++) {
      if (cursor[i] === '.') continue;
      for (const c of [alphabet[(alphabet.indexOf(cursor[i]!) + 1) % 64]!, alphabet[0]!]) {
        if (c === cursor[i]) continue;
        const changed = cursor.slice(0, i) + c + cursor.slice(i + 1);
        // base64url's last character carries unused bits: a change there only in those
        // bits leaves the same bytes, so the same (valid) cursor.
        const same =
          Buffer.from(changed.split('.')[0]!, 'base64url').equals(
            Buffer.from(cursor.split('.')[0]!, 'base64url'),
          ) &&
          Buffer.from(changed.split('.')[1]!, 'base64url').equals(
            Buffer.from(cursor.split('.')[1]!, 'base64url'),
          );
        if (same) continue;
        await expect(codec.decode(changed, 'objects|api|c||p|[]'), changed).rejects.toMatchObject({
          status: 400,
        });
      }
    }
  });

  it('issues and accepts the same cursors where node:crypto is not available', async () => {
    const nodeCodec = new CursorCodec(SECRET);
    const getBuiltinModule = process.getBuiltinModule;
    vi.resetModules();
    (process as { getBuiltinModule?: unknown }).getBuiltinModule = undefined;
    let WebCodec: typeof CursorCodec;
    try {
      ({ CursorCodec: WebCodec } = await import('../src/pagination/cursor'));
    } finally {
      process.getBuiltinModule = getBuiltinModule;
      vi.resetModules();
    }
    expect(WebCodec).not.toBe(CursorCodec);
    const webCodec = new WebCodec(SECRET);
    for (const [after, scope] of [
      [0, ''],
      [42, 'scope'],
      [1_796_507_204_705_001, 'objects|api|c||p|["last"]'],
      [Number.MAX_SAFE_INTEGER, 'ünïcödé ✓ 𝒳'],
    ] as const) {
      const cursor = await webCodec.encode(after, scope);
      expect(cursor).toBe(await nodeCodec.encode(after, scope));
      expect(await nodeCodec.decode(cursor, scope)).toBe(after);
      expect(await webCodec.decode(cursor, scope)).toBe(after);
      await expect(webCodec.decode(cursor, `${scope}x`)).rejects.toMatchObject({ status: 400 });
    }
  });
});
