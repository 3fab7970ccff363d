import { parseMediaType } from './media-type';

/**
 * TAXII 2.1 §1.6.8.1: the media type of TAXII resources, for servers and tests.
 *
 * @example
 * ```ts
 * import { TAXII_MEDIA_TYPE } from '@intelshare/feeds';
 *
 * console.log(TAXII_MEDIA_TYPE); // 'application/taxii+json;version=2.1'
 * ```
 */
export const TAXII_MEDIA_TYPE = 'application/taxii+json;version=2.1';
/**
 * TAXII 2.1 §1.6.8.1: the media type of STIX content.
 *
 * @example
 * ```ts
 * import { STIX_MEDIA_TYPE } from '@intelshare/feeds';
 *
 * console.log(STIX_MEDIA_TYPE); // 'application/stix+json;version=2.1'
 * ```
 */
export const STIX_MEDIA_TYPE = 'application/stix+json;version=2.1';

/** Which TAXII generation a response's `Content-Type` says it is, leniently. */
export function taxiiGeneration(contentType: string | null): '2.0' | '2.1' | 'unknown' {
  if (!contentType) return 'unknown';
  // Every page of a pull carries the same header: remember the last answer.
  if (contentType === lastContentType) return lastGeneration;
  lastGeneration = generationOf(contentType);
  lastContentType = contentType;
  return lastGeneration;
}

let lastContentType: string | undefined;
let lastGeneration: '2.0' | '2.1' | 'unknown' = 'unknown';

function generationOf(contentType: string): '2.0' | '2.1' | 'unknown' {
  const { essence, parameters } = parseMediaType(contentType);
  // TAXII 2.0 §1.6.7 used the vnd.oasis types; 2.1 dropped the vendor tree.
  if (
    essence === 'application/vnd.oasis.taxii+json' ||
    essence === 'application/vnd.oasis.stix+json'
  )
    return '2.0';
  if (essence === 'application/taxii+json' || essence === 'application/stix+json') {
    if (parameters.version === '2.0') return '2.0';
    return '2.1';
  }
  return 'unknown';
}

/** Whether a `versions` list (API root §4.2.1) includes TAXII 2.1, compared leniently. */
export function supportsTaxii21(versions: readonly string[]): boolean {
  return versions.some((version) => {
    const { essence, parameters } = parseMediaType(version);
    return essence === 'application/taxii+json' && (parameters.version ?? '2.1') === '2.1';
  });
}
