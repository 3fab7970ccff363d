export type { FeedIssue } from './errors/feed-error-issue';
export type { FeedTransportErrorCode } from './errors/feed-transport-error';
export { FeedTransportError } from './errors/feed-transport-error';
export type { FeedValidationErrorCode } from './errors/feed-validation-error';
export { FeedValidationError } from './errors/feed-validation-error';
export type { TaxiiErrorBody } from './errors/taxii-error';
export { isTaxiiError, TaxiiError } from './errors/taxii-error';
export type { TaxiiIncompleteReason } from './errors/taxii-incomplete-error';
export { TaxiiIncompleteError } from './errors/taxii-incomplete-error';
export type { FeedAuth } from './http/feed-auth';
export type { HttpOptions, RetryInfo } from './http/http-transport';
export type { RetryOptions } from './http/retry-policy';
export type { MispFeedClientOptions, MispFeedState, MispFeedUpdate } from './misp/misp-feed-client';
export { MispFeedClient } from './misp/misp-feed-client';
export type { MispRestClientOptions, MispSearchParams } from './misp/misp-rest-client';
export { MispRestClient } from './misp/misp-rest-client';
export type {
  MispAttribute,
  MispEvent,
  MispEventInput,
  MispManifestEntry,
  MispObject,
  MispSighting,
} from './misp/misp-schemas';
export { mispEventSchema } from './misp/misp-schemas';
export type { MispToStixResult } from './misp/misp-to-stix';
export { mispToStix } from './misp/misp-to-stix';
export type { MispEventOut } from './misp/stix-to-misp';
export { stixToMisp } from './misp/stix-to-misp';
export type { FeedMapping, FeedMappingInput } from './plain/feed-mapping';
export { feedMappingSchema } from './plain/feed-mapping';
export {
  feodoTrackerMapping,
  openPhishMapping,
  spamhausDropMapping,
  threatFoxMapping,
  urlhausMapping,
} from './plain/feed-presets';
export type { ParsedFeed, ParseFeedOptions } from './plain/parse-feed';
export { parseFeed } from './plain/parse-feed';
export type {
  FeedBatch,
  FeedChunks,
  ParseFeedStreamOptions,
} from './plain/parse-feed-stream';
export { parseFeedStream } from './plain/parse-feed-stream';
export type { PollBatch, PollContext, PollSource } from './poller/poll-source';
export type { PollerEvent, PollerOptions, PollStateStore, SinkBatch } from './poller/poller';
export { Poller } from './poller/poller';
export type { HttpFeedState } from './poller/sources';
export { httpFeedSource, mispFeedSource, taxiiSource } from './poller/sources';
export type { StixObject } from './stix/stix-object';
export type { MediaType } from './taxii/media-type';
export { parseMediaType } from './taxii/media-type';
export type { ObjectsOptions, TaxiiCursor, TaxiiStreamEvent } from './taxii/object-stream';
export { TaxiiObjectStream } from './taxii/object-stream';
export type { PollTaxiiOptions } from './taxii/poll-taxii';
export { pollTaxii } from './taxii/poll-taxii';
export type {
  CallOptions,
  ManifestPage,
  ObjectsPage,
  TaxiiClientOptions,
  VersionsPage,
  WaitForStatusOptions,
} from './taxii/taxii-client';
export { TaxiiClient } from './taxii/taxii-client';
export type { MatchValue, TaxiiFilters } from './taxii/taxii-filters';
export { taxiiQuery } from './taxii/taxii-filters';
export { STIX_MEDIA_TYPE, TAXII_MEDIA_TYPE } from './taxii/taxii-media-types';
export type {
  ApiRoot,
  Collection,
  Discovery,
  ManifestRecord,
  StatusDetail,
  TaxiiStatus,
} from './taxii/taxii-schemas';
