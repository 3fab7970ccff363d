/** Thrown inside {@link readBodyLimited} when the body passes the limit. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`Response body exceeds \`maxResponseBytes\` (${limit} bytes).`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * Reads a response body as bytes, streaming it and stopping (cancelling the stream) as
 * soon as it passes `limit`, so a hostile or broken server cannot exhaust memory.
 */
export async function readBodyLimited(response: Response, limit: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel().catch(() => {});
    throw new BodyTooLargeError(limit);
  }
  const body = response.body;
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      throw new BodyTooLargeError(limit);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
