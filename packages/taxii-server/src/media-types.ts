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

/**
 * The STIX 2.1 media type a collection advertises in `media_types` (TAXII 2.1 §1.6.8.2).
 *
 * @example
 * ```ts
 * import { STIX_MEDIA_TYPE } from '@intelshare/taxii-server';
 *
 * console.log(STIX_MEDIA_TYPE); // 'application/stix+json;version=2.1'
 * ```
 */
export const STIX_MEDIA_TYPE = 'application/stix+json;version=2.1';

interface ParsedMediaType {
  essence: string;
  version: string | undefined;
}

function parseOne(value: string): ParsedMediaType {
  const [essence = '', ...params] = value.split(';');
  let version: string | undefined;
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq === -1) continue;
    const key = param.slice(0, eq).trim().toLowerCase();
    let raw = param.slice(eq + 1).trim();
    if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) raw = raw.slice(1, -1);
    if (key === 'version') version = raw;
  }
  return { essence: essence.trim().toLowerCase(), version };
}

/**
 * Whether an `Accept` header admits TAXII 2.1 JSON (TAXII 2.1 §1.6.8): absent, any
 * wildcard, or `application/taxii+json` with no version or version 2.1.
 */
export function acceptsTaxii(accept: string | null): boolean {
  if (accept === null || accept.trim() === '') return true;
  if (accept.length > 1024) return false;
  return accept.split(',').some((item) => {
    const { essence, version } = parseOne(item);
    if (essence === '*/*' || essence === 'application/*') return true;
    return essence === 'application/taxii+json' && (version === undefined || version === '2.1');
  });
}

/** Whether a request `Content-Type` is TAXII 2.1 JSON (TAXII 2.1 §5.4: POST bodies). */
export function isTaxiiContentType(contentType: string | null): boolean {
  if (contentType === null) return false;
  const { essence, version } = parseOne(contentType);
  return essence === 'application/taxii+json' && (version === undefined || version === '2.1');
}
