/**
 * Indicator-of-compromise extraction from free text, refanging and defanging, and
 * conversion to STIX 2.1 observables and indicators.
 * @packageDocumentation
 */
export { isBitcoinAddress } from './bitcoin';
export type { ExtractedIoc, ExtractIocsOptions, IocType } from './extract-iocs';
export { extractIocs } from './extract-iocs';
export type {
  ExtractedIndicator,
  ExtractedObservable,
  IocsToIndicatorsOptions,
} from './iocs-to-stix';
export { EXTRACTED_INDICATOR_NAMESPACE, iocsToIndicators, iocsToObservables } from './iocs-to-stix';
export { defang, refang } from './refang';
