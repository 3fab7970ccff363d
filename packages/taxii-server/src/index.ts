export { hashApiKey, hashPassword, verifyPassword } from './auth/credentials';
export type { ServerConfigFile, ServerConfigRuntime, ViewFileConfig } from './config/config-file';
export {
  loadServerConfig,
  serverConfigFileSchema,
  toTaxiiServerConfig,
} from './config/config-file';
export type {
  ApiRootConfig,
  CollectionConfig,
  CollectionView,
  TaxiiHandler,
  TaxiiRequestInfo,
  TaxiiServerConfig,
  ViewContext,
  ViewReadRecord,
  ViewSourceCollection,
  ViewSourceItem,
} from './config/server-config';
export type { TaxiiErrorStatus } from './errors/taxii-http-error';
export { TaxiiHttpError } from './errors/taxii-http-error';
export { createTaxiiHandler } from './handler/create-taxii-handler';
export type { RateLimitStore } from './limits/rate-limit-store';
export { STIX_MEDIA_TYPE, TAXII_MEDIA_TYPE } from './media-types';
export type { MirrorOptions } from './storage/collection-mirror';
export { MemoryStorage } from './storage/memory-storage';
export type {
  AddResult,
  JoinedBodiesPage,
  NewObject,
  ObjectPage,
  ObjectQuery,
  StoredObject,
  StoredStatus,
  TaxiiStorage,
  VersionSelector,
} from './storage/taxii-storage';
export type {
  PolicyCollectionView,
  PolicyViewOptions,
  ViewPageDecision,
} from './views/policy-view';
export { policyView } from './views/policy-view';
export { ProjectionError } from './views/project-isolated';
export { storageSourceCollection } from './views/storage-source-collection';
