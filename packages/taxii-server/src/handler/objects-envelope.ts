import { uninitialisedBytes } from '../storage/uninitialised-bytes';
import type { Page } from './page';

const encoder = new TextEncoder();
const COMMA = 0x2c;

/**
 * The envelope of a page (TAXII 2.1 §3.7: `more`, `next`, `objects`) as UTF-8 chunks to
 * write in order. Stored bodies are copied once into a buffer of the exact size, never
 * decoded, joined as strings or encoded again; bodies a storage already joined are passed
 * on between the head and the tail without any copy. The cursor is base64url, so the head
 * is short ASCII.
 */
export function objectsEnvelope(page: Page, next: string | undefined): Uint8Array[] {
  let headText = `{"more":${page.more}`;
  if (next !== undefined) headText += `,"next":${JSON.stringify(next)}`;
  headText += ',"objects":[';
  const head = encoder.encode(headText);
  // `]}`, fresh per response: a reader of the stream may keep or change its chunks.
  const tail = Uint8Array.of(0x5d, 0x7d);
  if (page.joinedBodies) return [head, page.joinedBodies, tail];
  const items = page.items;
  let size = head.byteLength + tail.byteLength + Math.max(0, items.length - 1);
  for (let i = 0; i < items.length; i++) size += items[i]!.body.byteLength;
  const out = uninitialisedBytes(size);
  out.set(head, 0);
  let offset = head.byteLength;
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out[offset++] = COMMA;
    const body = items[i]!.body;
    out.set(body, offset);
    offset += body.byteLength;
  }
  out.set(tail, offset);
  // Every byte of `out` is written: the sizes above are exact.
  if (offset + tail.byteLength !== size) throw new Error('objectsEnvelope: size mismatch.');
  return [out];
}
