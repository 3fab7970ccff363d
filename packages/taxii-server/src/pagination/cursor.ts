import { TaxiiHttpError } from '../errors/taxii-http-error';
import { HmacSha256 } from './hmac-sha256';

const encoder = new TextEncoder();
// Without `stream`, each `decode` call stands alone: one decoder serves every request.
const decoder = new TextDecoder();

/** The part of Node's `Buffer` the codec uses: base64url without padding, as below. */
type NodeBytes = Uint8Array & { toString(encoding: 'base64url'): string };

interface NodeBufferModule {
  Buffer: {
    from(text: string, encoding: 'latin1' | 'base64url'): NodeBytes;
    from(buffer: ArrayBufferLike, byteOffset: number, length: number): NodeBytes;
  };
}

// Node's base64url is the same alphabet without padding as `toBase64Url`, in native code:
// the string round trips through `btoa`/`atob` and their regex replaces cost, in a micro
// run, more than the HMAC itself. Runtimes without `process.getBuiltinModule` use those.
const NodeBuffer = (
  (
    globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
  ).process?.getBuiltinModule?.('node:buffer') as NodeBufferModule | undefined
)?.Buffer;

/** Bytes of a MAC kept in a cursor: 160 bits, as many as every cursor ever issued. */
const MAC_BYTES = 20;

function toBase64Url(bytes: Uint8Array): string {
  if (NodeBuffer) {
    return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
  }
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** base64url of an ASCII string (the cursor payload `1:<digits>`). */
function asciiToBase64Url(text: string): string {
  if (NodeBuffer) return NodeBuffer.from(text, 'latin1').toString('base64url');
  return toBase64Url(encoder.encode(text));
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

function fromBase64Url(text: string): Uint8Array | undefined {
  if (!BASE64URL.test(text)) return undefined;
  // What `atob` refuses below: one character past a multiple of four holds no whole byte.
  // Node's decoder would drop it silently instead, so it is refused here first.
  if (NodeBuffer) return text.length % 4 === 1 ? undefined : NodeBuffer.from(text, 'base64url');
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  try {
    const binary = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

const invalidCursor = () =>
  new TaxiiHttpError(
    400,
    'Invalid `next` value.',
    'The `next` parameter is not a cursor this server issued for this request and its filters.',
  );

/**
 * Signs and checks pagination cursors (TAXII 2.1 §3.4 `next`). A cursor records the
 * `added` position of the last object served; its HMAC-SHA-256 covers that position and
 * the request's scope (endpoint, collection, principal, filters), so a cursor cannot be
 * forged, altered or replayed against other filters. No server state: any instance that
 * shares the secret continues the page.
 */
export class CursorCodec {
  readonly #keys: HmacSha256[];

  /**
   * @param secrets - shared by every instance behind the load balancer; 16+ bytes each.
   *   The first signs; all verify, so a secret can be rotated without breaking the cursors
   *   clients hold: put the new one first and drop the old one later.
   */
  constructor(secrets: string | Uint8Array | readonly (string | Uint8Array)[]) {
    const list = typeof secrets === 'string' || secrets instanceof Uint8Array ? [secrets] : secrets;
    if (list.length === 0) throw new TypeError('`cursorSecret` must not be empty.');
    this.#keys = list.map((secret) => {
      const raw = typeof secret === 'string' ? encoder.encode(secret) : secret;
      if (raw.length < 16) {
        throw new TypeError('`cursorSecret` must be at least 16 bytes long.');
      }
      return new HmacSha256(raw);
    });
  }

  /** The MAC a cursor carries: the first {@link MAC_BYTES} bytes of HMAC-SHA-256. */
  #mac(key: HmacSha256, payload: string, scope: string): Uint8Array {
    return key.digest(`${payload}\n${scope}`).subarray(0, MAC_BYTES);
  }

  /** Encodes the position after which the next page starts. */
  async encode(after: number, scope: string): Promise<string> {
    const payload = asciiToBase64Url(`1:${after}`);
    return `${payload}.${toBase64Url(this.#mac(this.#keys[0]!, payload, scope))}`;
  }

  /** Decodes a cursor issued for `scope`, or throws a 400 TAXII error. */
  async decode(token: string, scope: string): Promise<number> {
    if (token.length > 200) throw invalidCursor();
    const [payload, signature, extra] = token.split('.');
    if (payload === undefined || signature === undefined || extra !== undefined) {
      throw invalidCursor();
    }
    const given = fromBase64Url(signature);
    if (!given) throw invalidCursor();
    let valid = false;
    for (const key of this.#keys) {
      if (timingSafeEqual(given, this.#mac(key, payload, scope))) valid = true;
    }
    if (!valid) throw invalidCursor();
    const decoded = fromBase64Url(payload);
    const match = decoded && /^1:(\d{1,17})$/.exec(decoder.decode(decoded));
    if (!match) throw invalidCursor();
    return Number(match[1]);
  }
}
