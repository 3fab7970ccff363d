// Deterministic ids for what projections create (agreement markings, victim classes,
// derived objects, bundles): UUIDv5 (RFC 9562 §5.5) in one namespace of ours.
import { sha1 } from '@noble/hashes/legacy.js';

/** The namespace for the deterministic ids projections create (agreement markings, classes, derived objects, bundles). */
export const INTELSHARE_POLICY_NAMESPACE = '3f9c1c5e-6d0a-4b8e-9a51-2f7c4d8e1b60';

const NAMESPACE_BYTES = Uint8Array.from(
  INTELSHARE_POLICY_NAMESPACE.replaceAll('-', '')
    .match(/../g)!
    .map((h) => Number.parseInt(h, 16)),
);
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const utf8 = new TextEncoder();

/** RFC 9562 §5.5 UUIDv5 in our namespace (same result as `uuidV5`, without re-parsing the namespace per call). */
export function policyUuid(name: string): string {
  const bytes = utf8.encode(name);
  const input = new Uint8Array(16 + bytes.length);
  input.set(NAMESPACE_BYTES, 0);
  input.set(bytes, 16);
  const h = sha1(input);
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  let out = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) out += '-';
    out += HEX[h[i]!];
  }
  return out;
}
