// Cursors are HMAC-SHA-256 signed, by the codec's own HMAC, and written in base64url (with
// node:buffer on Node, btoa/atob elsewhere). They must equal the cursors WebCrypto and btoa
// make, the rules every cursor issued so far follows, so instances
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

  // These pin the codec to the rules every cursor issued so far follows (WebCrypto HMAC,
  // btoa, 20-byte MAC).
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

  it('issues and accepts the same cursors where node:buffer is not available', async () => {
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

  it('accepts exactly the tokens the atob-and-WebCrypto rules accept', async () => {
    const codec = new CursorCodec(SECRET);
    const key = await crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(SECRET),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    const referenceBytes = (text: string) => {
      if (!/^[A-Za-z0-9_-]*$/.test(text)) return undefined;
      const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
      try {
        const binary = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
        return Uint8Array.from(binary, (c) => c.charCodeAt(0));
      } catch {
        return undefined;
      }
    };
    /** The position the reference rules read from `token`, or undefined if they refuse it. */
    const referenceDecode = async (token: string, scope: string) => {
      if (token.length > 200) return undefined;
      const [payload, signature, extra] = token.split('.');
      if (payload === undefined || signature === undefined || extra !== undefined) return undefined;
      const given = referenceBytes(signature);
      if (!given) return undefined;
      const mac = new Uint8Array(
        await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${payload}\n${scope}`)),
      ).slice(0, 20);
      if (given.length !== 20 || given.some((b, i) => b !== mac[i])) return undefined;
      const decoded = referenceBytes(payload);
      const match = decoded && /^1:(\d{1,17})$/.exec(new TextDecoder().decode(decoded));
      return match ? Number(match[1]) : undefined;
    };
    const edit = fc.tuple(
      fc.constantFrom('insert', 'delete', 'replace'),
      fc.nat(60),
      fc.constantFrom('A', 'B', 'Q', 'g', 'w', '-', '_', '0', '=', '+', '/', ' ', '.', 'é'),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.array(edit, { maxLength: 3 }),
        async (after, edits) => {
          let token = await codec.encode(after, 'scope');
          for (const [kind, at, c] of edits) {
            const i = at % (token.length + 1);
            if (kind === 'insert') token = token.slice(0, i) + c + token.slice(i);
            else if (kind === 'delete') token = token.slice(0, i) + token.slice(i + 1);
            else token = token.slice(0, i) + c + token.slice(i + 1);
          }
          const expected = await referenceDecode(token, 'scope');
          if (expected === undefined) {
            await expect(codec.decode(token, 'scope'), token).rejects.toMatchObject({
              status: 400,
            });
          } else {
            expect(await codec.decode(token, 'scope'), token).toBe(expected);
          }
        },
      ),
      { numRuns: 3000 },
    );
    // payloads the codec never issues but that carry a valid MAC: read exactly as before,
    // including base64url text with a dangling character (`atob` refuses it)
    const encoded = ['1:7', '1:', '2:7', '1:007', '1:123456789012345678', '1:7\n', 'é'].map(
      (text) => btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''),
    );
    for (const payload of [...encoded, 'MTo3A', 'MTo3NA', 'MTo3N', 'MTo3N_', '']) {
      const mac = new Uint8Array(
        await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${payload}\nscope`)),
      ).slice(0, 20);
      for (const signature of [toBase64Url(mac), `${toBase64Url(mac)}A`]) {
        const token = `${payload}.${signature}`;
        const expected = await referenceDecode(token, 'scope');
        if (expected === undefined) {
          await expect(codec.decode(token, 'scope'), token).rejects.toMatchObject({ status: 400 });
        } else {
          expect(await codec.decode(token, 'scope'), token).toBe(expected);
        }
      }
    }
  });
});
