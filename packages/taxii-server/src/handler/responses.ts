import { TaxiiHttpError } from '../errors/taxii-http-error';
import { TAXII_MEDIA_TYPE } from '../media-types';

const BASE_HEADERS = { 'content-type': TAXII_MEDIA_TYPE, 'cache-control': 'no-store' };

/** A TAXII JSON response from already-serialised JSON text. */
export function taxiiText(
  body: string,
  status = 200,
  headers: Record<string, string> = {},
): Response {
  return new Response(body, { status, headers: { ...BASE_HEADERS, ...headers } });
}

/**
 * A TAXII JSON response from JSON already encoded as UTF-8, in chunks written in order. The
 * body is a stream holding the chunks: `new Response(bytes)` would copy the bytes before
 * anyone reads them.
 */
export function taxiiBytes(
  chunks: readonly Uint8Array[],
  status = 200,
  headers: Record<string, string> = {},
): Response {
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  return new Response(stream, { status, headers: { ...BASE_HEADERS, ...headers } });
}

/** A TAXII JSON response from a value. */
export function taxiiJson(
  value: unknown,
  status = 200,
  headers: Record<string, string> = {},
): Response {
  return taxiiText(JSON.stringify(value), status, headers);
}

/** A TAXII error message (TAXII 2.1 §3.6.1), with the TAXII media type like every response. */
export function taxiiError(error: TaxiiHttpError): Response {
  const body: Record<string, string> = { title: error.title, http_status: String(error.status) };
  if (error.description) body.description = error.description;
  return taxiiJson(body, error.status, error.headers);
}

/** Turns anything thrown into a response; unexpected errors become a bare 500. */
export function errorResponse(error: unknown): Response {
  if (error instanceof TaxiiHttpError) return taxiiError(error);
  return taxiiError(new TaxiiHttpError(500, 'Internal server error.'));
}
