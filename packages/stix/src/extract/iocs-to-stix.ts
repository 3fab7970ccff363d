import { IntelshareError } from '../errors/intelshare-error';
import { generateScoId } from '../ids/sco-id';
import { uuidV5 } from '../ids/uuid-v5';
import { patternFromObservables } from '../patterns/from-observables';
import type { ExtractedIoc } from './extract-iocs';

/** A STIX 2.1 SCO built from an extracted indicator. */
export interface ExtractedObservable {
  type: string;
  spec_version: '2.1';
  id: string;
  [key: string]: unknown;
}

/** A STIX 2.1 indicator built from an extracted indicator. */
export interface ExtractedIndicator {
  type: 'indicator';
  spec_version: '2.1';
  id: string;
  created: string;
  modified: string;
  name: string;
  pattern: string;
  pattern_type: 'stix';
  pattern_version: '2.1';
  valid_from: string;
  indicator_types?: string[];
  created_by_ref?: string;
}

const HASH_NAMES = { md5: 'MD5', sha1: 'SHA-1', sha256: 'SHA-256', sha512: 'SHA-512' } as const;

/**
 * The UUIDv5 namespace intelshare uses for indicator ids derived from their pattern, so
 * re-running extraction gives the same ids.
 *
 * @example
 * ```ts
 * import { EXTRACTED_INDICATOR_NAMESPACE } from '@intelshare/stix/extract';
 * import { uuidV5 } from '@intelshare/stix';
 *
 * const id = `indicator--${uuidV5(EXTRACTED_INDICATOR_NAMESPACE, "[ipv4-addr:value = '198.51.100.7']")}`;
 * ```
 */
export const EXTRACTED_INDICATOR_NAMESPACE = '6f1c0c4e-8a3a-5b8e-9c55-3f2f2b8b7a10';

/** The SCO for one IOC, or undefined for kinds STIX has no observable for (CVE, Bitcoin). */
function observableBody(ioc: ExtractedIoc): Record<string, unknown> | undefined {
  switch (ioc.type) {
    case 'ipv4-addr':
    case 'ipv6-addr':
    case 'domain-name':
    case 'url':
    case 'email-addr':
      return { type: ioc.type, value: ioc.value };
    case 'md5':
    case 'sha1':
    case 'sha256':
    case 'sha512':
      return { type: 'file', hashes: { [HASH_NAMES[ioc.type]]: ioc.value } };
    case 'asn':
      return { type: 'autonomous-system', number: Number(ioc.value.slice(2)) };
    default:
      return undefined;
  }
}

/**
 * Turns extracted indicators into STIX 2.1 SCOs with deterministic ids (STIX 2.1 §2.9:
 * UUIDv5 over the canonical ID contributing properties), so the same value always gets
 * the same id. CVE ids and Bitcoin addresses have no standard SCO and are left out.
 *
 * @param iocs - Output of `extractIocs`.
 * @returns The SCOs, one per supported IOC.
 *
 * @example
 * ```ts
 * import { extractIocs, iocsToObservables } from '@intelshare/stix/extract';
 *
 * const [sco] = iocsToObservables(extractIocs('beacon to 198.51.100.7'));
 * sco?.id; // 'ipv4-addr--' followed by the UUIDv5 of {"value":"198.51.100.7"}
 * ```
 * @see https://intelshare.dev/patterns/extraction/
 */
export function iocsToObservables(iocs: readonly ExtractedIoc[]): ExtractedObservable[] {
  const out: ExtractedObservable[] = [];
  for (const ioc of iocs) {
    const body = observableBody(ioc);
    if (!body) continue;
    out.push({
      ...body,
      type: body.type as string,
      spec_version: '2.1',
      id: generateScoId(body as { type: string }),
    });
  }
  return out;
}

/** Options for {@link iocsToIndicators}. */
export interface IocsToIndicatorsOptions {
  /** `created`/`modified`/`valid_from` timestamp. Default: now. */
  timestamp?: string;
  /** The identity that produced them. */
  createdByRef?: string;
  /** STIX indicator types, e.g. `['malicious-activity']`. */
  indicatorTypes?: string[];
}

/**
 * Turns extracted indicators into STIX 2.1 indicators whose patterns match them
 * (built with `patternFromObservables`, so values are escaped). Ids are UUIDv5 of the
 * pattern, so extracting the same report twice yields the same indicators.
 *
 * @param iocs - Output of `extractIocs`.
 * @param options - Timestamp, creator, indicator types.
 * @returns One indicator per IOC that has an observable form.
 * @throws {IntelshareError} `INVALID_ARGUMENT` when `timestamp` is not an RFC 3339 time.
 *
 * @example
 * ```ts
 * import { extractIocs, iocsToIndicators } from '@intelshare/stix/extract';
 *
 * const [indicator] = iocsToIndicators(extractIocs('hxxp://evil[.]example[.]com/x'), {
 *   timestamp: '2026-01-01T00:00:00.000Z',
 * });
 * indicator?.pattern; // "[url:value = 'http://evil.example.com/x']"
 * ```
 * @see https://intelshare.dev/patterns/extraction/
 */
export function iocsToIndicators(
  iocs: readonly ExtractedIoc[],
  options: IocsToIndicatorsOptions = {},
): ExtractedIndicator[] {
  const timestamp = options.timestamp ?? new Date().toISOString();
  if (Number.isNaN(Date.parse(timestamp))) {
    throw new IntelshareError('INVALID_ARGUMENT', '`timestamp` must be an RFC 3339 timestamp.');
  }
  const out: ExtractedIndicator[] = [];
  for (const ioc of iocs) {
    const body = observableBody(ioc);
    if (!body) continue;
    const pattern = patternFromObservables([body]);
    const indicator: ExtractedIndicator = {
      type: 'indicator',
      spec_version: '2.1',
      id: `indicator--${uuidV5(EXTRACTED_INDICATOR_NAMESPACE, pattern)}`,
      created: timestamp,
      modified: timestamp,
      name: `${ioc.type} ${ioc.value}`,
      pattern,
      pattern_type: 'stix',
      pattern_version: '2.1',
      valid_from: timestamp,
    };
    if (options.indicatorTypes) indicator.indicator_types = [...options.indicatorTypes];
    if (options.createdByRef) indicator.created_by_ref = options.createdByRef;
    out.push(indicator);
  }
  return out;
}
