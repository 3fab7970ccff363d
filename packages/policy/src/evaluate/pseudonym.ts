import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

const encoder = new TextEncoder();

function mac(key: Uint8Array, message: string): Uint8Array {
  return hmac(sha256, key, encoder.encode(message));
}

/** A UUID (version-4 layout) from 16 keyed-hash bytes, so pseudonyms look like ordinary ids. */
function uuidFrom(bytes: Uint8Array): string {
  const b = bytes.slice(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = bytesToHex(b);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The keyed pseudonym id for a victim identity: HMAC-SHA-256 under the agreement's key,
 * so the same victim gets the same pseudonym in every projection under that key (partners
 * can correlate) and nobody without the key can reverse or recompute it.
 */
export function pseudonymId(key: Uint8Array, victimId: string): string {
  return `identity--${uuidFrom(mac(key, `intelshare:pseudonym:${victimId}`))}`;
}

function tag(key: Uint8Array, id: string): string {
  return bytesToHex(mac(key, `intelshare:pseudonym-tag:${id}`)).slice(0, 16);
}

/** The pseudonymised identity that replaces a victim. */
export function pseudonymIdentity(
  key: Uint8Array,
  victim: Record<string, unknown>,
  created: string,
): Record<string, unknown> {
  const id = pseudonymId(key, String(victim.id));
  const out: Record<string, unknown> = {
    type: 'identity',
    spec_version: '2.1',
    id,
    created,
    modified: created,
    name: `Pseudonymised victim ${tag(key, id)}`,
  };
  if (typeof victim.identity_class === 'string') out.identity_class = victim.identity_class;
  return out;
}

/** Whether an identity is a pseudonym made with this key (its name carries a MAC of its own id). */
export function isOwnPseudonym(object: Record<string, unknown>, key: Uint8Array): boolean {
  return (
    typeof object.id === 'string' && object.name === `Pseudonymised victim ${tag(key, object.id)}`
  );
}
