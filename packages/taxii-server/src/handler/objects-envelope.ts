import type { Page } from './page';

const encoder = new TextEncoder();
const COMMA = 0x2c;
const TAIL = encoder.encode(']}');

/**
 * The envelope of a page (TAXII 2.1 §3.7: `more`, `next`, `objects`) as UTF-8 bytes, built
 * in one buffer of the exact size: the stored bodies are copied in once, never decoded,
 * joined as strings or encoded again. The cursor is base64url, so the head is short ASCII.
 */
export function objectsEnvelope(page: Page, next: string | undefined): Uint8Array {
  let headText = `{"more":${page.more}`;
  if (next !== undefined) headText += `,"next":${JSON.stringify(next)}`;
  headText += ',"objects":[';
  const head = encoder.encode(headText);
  const items = page.items;
  let size = head.byteLength + TAIL.byteLength + Math.max(0, items.length - 1);
  for (let i = 0; i < items.length; i++) size += items[i]!.body.byteLength;
  const out = new Uint8Array(size);
  out.set(head, 0);
  let offset = head.byteLength;
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out[offset++] = COMMA;
    const body = items[i]!.body;
    out.set(body, offset);
    offset += body.byteLength;
  }
  out.set(TAIL, offset);
  return out;
}
