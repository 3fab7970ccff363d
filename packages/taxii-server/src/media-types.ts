/**
 * The TAXII 2.1 media type (TAXII 2.1 §1.6.8.1), sent on every TAXII resource.
 *
 * @example
 * ```ts
 * import { TAXII_MEDIA_TYPE } from '@intelshare/taxii-server';
 *
 * new Response('{}', { headers: { 'content-type': TAXII_MEDIA_TYPE } });
 * ```
 */
export const TAXII_MEDIA_TYPE = 'application/taxii+json;version=2.1';
