/**
 * STIX 2.1 for TypeScript: models, validation, deterministic ids, versioning, a store,
 * streaming and serialisation. Patterning lives in `@intelshare/stix/patterns`.
 * @packageDocumentation
 */
export type { IntelshareErrorCode, IntelshareErrorOptions } from './errors/intelshare-error';
export { IntelshareError, isIntelshareError } from './errors/intelshare-error';
// Factories, versioning, store
export type { CreateStixObjectOptions, StixObjectInput } from './factories/create-stix-object';
export {
  createIdentity,
  createIndicator,
  createMalware,
  createMarkingDefinition,
  createRelationship,
  createReport,
  createSighting,
  createStixObject,
} from './factories/create-stix-object';
export { canonicalize } from './ids/canonicalize';
export { generateScoId, SCO_ID_NAMESPACE } from './ids/sco-id';
export { uuidV5 } from './ids/uuid-v5';
export type { HashAlgorithm } from './model/hash-algorithms';
export { describeHashForm, hasHashForm, hashAlgorithmName } from './model/hash-algorithms';
export { isStixType } from './model/is-stix-type';
// Issues, parsing, validation
export type { StixIssue, StixIssueCode } from './model/issue';
// Model: types and zod schemas
export { TLP1_MARKING_IDS } from './model/meta';
export type {
  Artifact,
  AttackPattern,
  AutonomousSystem,
  Bundle,
  Campaign,
  CourseOfAction,
  Directory,
  DomainName,
  EmailAddr,
  EmailMessage,
  ExtensionDefinition,
  ExternalReference,
  File,
  GranularMarking,
  Grouping,
  Identity,
  Incident,
  Indicator,
  Infrastructure,
  IntrusionSet,
  Ipv4Addr,
  Ipv6Addr,
  KillChainPhase,
  KnownStixObject,
  LanguageContent,
  Location,
  MacAddr,
  Malware,
  MalwareAnalysis,
  MarkingDefinition,
  Mutex,
  NetworkTraffic,
  Note,
  ObservedData,
  Opinion,
  Process,
  Relationship,
  Report,
  Sighting,
  Software,
  StixCyberObservable,
  StixDomainObject,
  StixMetaObject,
  StixObject,
  StixObjectBase,
  StixRelationshipObject,
  StixType,
  StixTypeMap,
  ThreatActor,
  Tool,
  Url,
  UserAccount,
  Vulnerability,
  WindowsRegistryKey,
  X509Certificate,
} from './model/schemas';
export {
  artifactSchema,
  attackPatternSchema,
  autonomousSystemSchema,
  bundleSchema,
  campaignSchema,
  courseOfActionSchema,
  directorySchema,
  domainNameSchema,
  emailAddrSchema,
  emailMessageSchema,
  extensionDefinitionSchema,
  externalReferenceSchema,
  fileSchema,
  granularMarkingSchema,
  groupingSchema,
  identitySchema,
  incidentSchema,
  indicatorSchema,
  infrastructureSchema,
  intrusionSetSchema,
  ipv4AddrSchema,
  ipv6AddrSchema,
  killChainPhaseSchema,
  languageContentSchema,
  locationSchema,
  macAddrSchema,
  malwareAnalysisSchema,
  malwareSchema,
  markingDefinitionSchema,
  mutexSchema,
  networkTrafficSchema,
  noteSchema,
  observedDataSchema,
  opinionSchema,
  processSchema,
  relationshipSchema,
  reportSchema,
  schemaFor,
  sightingSchema,
  softwareSchema,
  stixObjectBaseSchema,
  threatActorSchema,
  toolSchema,
  urlSchema,
  userAccountSchema,
  vulnerabilitySchema,
  windowsRegistryKeySchema,
  x509CertificateSchema,
} from './model/schemas';
export { compareTimestamps } from './model/timestamp';
export { SCO_TYPE_NAMES, SDO_TYPE_NAMES } from './model/type-names';
export type { ParseStixOptions, ParseStixResult } from './parse/parse-stix';
export { parseStix } from './parse/parse-stix';
export type { SerializeStixOptions } from './serialize/serialize-stix';
export { serializeStix } from './serialize/serialize-stix';
export type { RelationshipFilter, StixStoreFilter } from './store/stix-store';
export { StixStore } from './store/stix-store';
export type { ParseStixStreamOptions, StreamedStixObject } from './stream/parse-stix-stream';
export { parseStixStream } from './stream/parse-stix-stream';
export type { StixLimits, ValidateOptions } from './validate/context';
export type { ValidateStixObjectOptions } from './validate/validate-object';
export { validateStixObject } from './validate/validate-object';
export { compareVersions, latestVersions, newVersion, revoke } from './versioning/versioning';
