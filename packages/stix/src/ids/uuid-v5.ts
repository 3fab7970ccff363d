import { sha1 } from '@noble/hashes/legacy.js';

const encoder = new TextEncoder();
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A name-based UUID (RFC 9562 §5.5, version 5: SHA-1 over namespace bytes + name bytes).
 * Synchronous so ids can be computed in hot loops; SHA-1 is what the UUID spec mandates
 * here, not a security choice.
 *
 * @param namespace - The namespace UUID, e.g. the STIX SCO namespace.
 * @param name - The name; strings are encoded as UTF-8.
 * @returns The lower-case UUID text.
 *
 * @example
 * ```ts
 * import { uuidV5 } from '@intelshare/stix';
 *
 * uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com');
 * // '2ed6657d-e927-568b-95e1-2665a8aea6a2'
 * ```
 */
export function uuidV5(namespace: string, name: string | Uint8Array): string {
  if (!UUID_PATTERN.test(namespace)) throw new TypeError('`namespace` must be a UUID.');
  const ns = hexToBytes(namespace.replaceAll('-', ''));
  const nameBytes = typeof name === 'string' ? encoder.encode(name) : name;
  const input = new Uint8Array(ns.length + nameBytes.length);
  input.set(ns, 0);
  input.set(nameBytes, ns.length);
  const hash = sha1(input).subarray(0, 16);
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = Array.from(hash, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function hexToBytes(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++)
    bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}
