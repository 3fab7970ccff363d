import type { z } from 'zod';
import { z as zod } from 'zod';
import { externalReference, granularMarking, killChainPhase } from './common';
import type { StixTypeDefinition } from './define-type';
import { extensionDefinitionType, languageContentType, markingDefinitionType } from './meta';
import * as SCO from './scos';
import * as SDO from './sdos';
import { relationshipType, sightingType } from './sros';

// Public zod schemas and the TypeScript types inferred from them (the single source of
// truth). Every schema is a loose object: custom properties pass through.

/** zod schema of an `external-reference` (STIX 2.1 §2.5). */
export const externalReferenceSchema = externalReference.zod;
/** zod schema of a `kill-chain-phase` (STIX 2.1 §2.8). */
export const killChainPhaseSchema = killChainPhase.zod;
/** zod schema of a granular marking (STIX 2.1 §7.2.3). */
export const granularMarkingSchema = granularMarking.zod;

/** zod schema of the Attack Pattern SDO (STIX 2.1 §4.1). */
export const attackPatternSchema = SDO.attackPatternType.schema;
/** zod schema of the Campaign SDO (STIX 2.1 §4.2). */
export const campaignSchema = SDO.campaignType.schema;
/** zod schema of the Course of Action SDO (STIX 2.1 §4.3). */
export const courseOfActionSchema = SDO.courseOfActionType.schema;
/** zod schema of the Grouping SDO (STIX 2.1 §4.4). */
export const groupingSchema = SDO.groupingType.schema;
/** zod schema of the Identity SDO (STIX 2.1 §4.5). */
export const identitySchema = SDO.identityType.schema;
/** zod schema of the Incident SDO (STIX 2.1 §4.6). */
export const incidentSchema = SDO.incidentType.schema;
/** zod schema of the Indicator SDO (STIX 2.1 §4.7). */
export const indicatorSchema = SDO.indicatorType.schema;
/** zod schema of the Infrastructure SDO (STIX 2.1 §4.8). */
export const infrastructureSchema = SDO.infrastructureType.schema;
/** zod schema of the Intrusion Set SDO (STIX 2.1 §4.9). */
export const intrusionSetSchema = SDO.intrusionSetType.schema;
/** zod schema of the Location SDO (STIX 2.1 §4.10). */
export const locationSchema = SDO.locationType.schema;
/** zod schema of the Malware SDO (STIX 2.1 §4.11). */
export const malwareSchema = SDO.malwareType.schema;
/** zod schema of the Malware Analysis SDO (STIX 2.1 §4.12). */
export const malwareAnalysisSchema = SDO.malwareAnalysisType.schema;
/** zod schema of the Note SDO (STIX 2.1 §4.13). */
export const noteSchema = SDO.noteType.schema;
/** zod schema of the Observed Data SDO (STIX 2.1 §4.14). */
export const observedDataSchema = SDO.observedDataType.schema;
/** zod schema of the Opinion SDO (STIX 2.1 §4.15). */
export const opinionSchema = SDO.opinionType.schema;
/** zod schema of the Report SDO (STIX 2.1 §4.16). */
export const reportSchema = SDO.reportType.schema;
/** zod schema of the Threat Actor SDO (STIX 2.1 §4.17). */
export const threatActorSchema = SDO.threatActorType.schema;
/** zod schema of the Tool SDO (STIX 2.1 §4.18). */
export const toolSchema = SDO.toolType.schema;
/** zod schema of the Vulnerability SDO (STIX 2.1 §4.19). */
export const vulnerabilitySchema = SDO.vulnerabilityType.schema;

/** zod schema of the Relationship SRO (STIX 2.1 §5.1). */
export const relationshipSchema = relationshipType.schema;
/** zod schema of the Sighting SRO (STIX 2.1 §5.2). */
export const sightingSchema = sightingType.schema;

/** zod schema of the Artifact SCO (STIX 2.1 §6.1). */
export const artifactSchema = SCO.artifactType.schema;
/** zod schema of the Autonomous System SCO (STIX 2.1 §6.2). */
export const autonomousSystemSchema = SCO.autonomousSystemType.schema;
/** zod schema of the Directory SCO (STIX 2.1 §6.3). */
export const directorySchema = SCO.directoryType.schema;
/** zod schema of the Domain Name SCO (STIX 2.1 §6.4). */
export const domainNameSchema = SCO.domainNameType.schema;
/** zod schema of the Email Address SCO (STIX 2.1 §6.5). */
export const emailAddrSchema = SCO.emailAddrType.schema;
/** zod schema of the Email Message SCO (STIX 2.1 §6.6). */
export const emailMessageSchema = SCO.emailMessageType.schema;
/** zod schema of the File SCO and its extensions (STIX 2.1 §6.7). */
export const fileSchema = SCO.fileType.schema;
/** zod schema of the IPv4 Address SCO (STIX 2.1 §6.8). */
export const ipv4AddrSchema = SCO.ipv4AddrType.schema;
/** zod schema of the IPv6 Address SCO (STIX 2.1 §6.9). */
export const ipv6AddrSchema = SCO.ipv6AddrType.schema;
/** zod schema of the MAC Address SCO (STIX 2.1 §6.10). */
export const macAddrSchema = SCO.macAddrType.schema;
/** zod schema of the Mutex SCO (STIX 2.1 §6.11). */
export const mutexSchema = SCO.mutexType.schema;
/** zod schema of the Network Traffic SCO and its extensions (STIX 2.1 §6.12). */
export const networkTrafficSchema = SCO.networkTrafficType.schema;
/** zod schema of the Process SCO and its extensions (STIX 2.1 §6.13). */
export const processSchema = SCO.processType.schema;
/** zod schema of the Software SCO (STIX 2.1 §6.14). */
export const softwareSchema = SCO.softwareType.schema;
/** zod schema of the URL SCO (STIX 2.1 §6.15). */
export const urlSchema = SCO.urlType.schema;
/** zod schema of the User Account SCO and its extension (STIX 2.1 §6.16). */
export const userAccountSchema = SCO.userAccountType.schema;
/** zod schema of the Windows Registry Key SCO (STIX 2.1 §6.17). */
export const windowsRegistryKeySchema = SCO.windowsRegistryKeyType.schema;
/** zod schema of the X.509 Certificate SCO (STIX 2.1 §6.18). */
export const x509CertificateSchema = SCO.x509CertificateType.schema;

/** zod schema of the Marking Definition (STIX 2.1 §7.2.1). */
export const markingDefinitionSchema = markingDefinitionType.schema;
/** zod schema of Language Content (STIX 2.1 §7.1). */
export const languageContentSchema = languageContentType.schema;
/** zod schema of the Extension Definition (STIX 2.1 §7.3). */
export const extensionDefinitionSchema = extensionDefinitionType.schema;

/**
 * zod schema of any STIX object in generic form: `type` and `id` plus anything else.
 * Used for custom objects and for generic handling across packages.
 */
export const stixObjectBaseSchema = zod.looseObject({
  type: zod.string(),
  id: zod.string(),
  spec_version: zod.string().optional(),
  created: zod.string().optional(),
  modified: zod.string().optional(),
  revoked: zod.boolean().optional(),
  object_marking_refs: zod.array(zod.string()).optional(),
  granular_markings: zod.array(granularMarking.zod).optional(),
});

/** zod schema of a STIX bundle (STIX 2.1 §8). */
export const bundleSchema = zod.looseObject({
  type: zod.literal('bundle'),
  id: zod.string(),
  objects: zod.array(stixObjectBaseSchema).optional(),
});

export type ExternalReference = z.output<typeof externalReferenceSchema>;
export type KillChainPhase = z.output<typeof killChainPhaseSchema>;
export type GranularMarking = z.output<typeof granularMarkingSchema>;
export type AttackPattern = z.output<typeof attackPatternSchema>;
export type Campaign = z.output<typeof campaignSchema>;
export type CourseOfAction = z.output<typeof courseOfActionSchema>;
export type Grouping = z.output<typeof groupingSchema>;
export type Identity = z.output<typeof identitySchema>;
export type Incident = z.output<typeof incidentSchema>;
export type Indicator = z.output<typeof indicatorSchema>;
export type Infrastructure = z.output<typeof infrastructureSchema>;
export type IntrusionSet = z.output<typeof intrusionSetSchema>;
export type Location = z.output<typeof locationSchema>;
export type Malware = z.output<typeof malwareSchema>;
export type MalwareAnalysis = z.output<typeof malwareAnalysisSchema>;
export type Note = z.output<typeof noteSchema>;
export type ObservedData = z.output<typeof observedDataSchema>;
export type Opinion = z.output<typeof opinionSchema>;
export type Report = z.output<typeof reportSchema>;
export type ThreatActor = z.output<typeof threatActorSchema>;
export type Tool = z.output<typeof toolSchema>;
export type Vulnerability = z.output<typeof vulnerabilitySchema>;
export type Relationship = z.output<typeof relationshipSchema>;
export type Sighting = z.output<typeof sightingSchema>;
export type Artifact = z.output<typeof artifactSchema>;
export type AutonomousSystem = z.output<typeof autonomousSystemSchema>;
export type Directory = z.output<typeof directorySchema>;
export type DomainName = z.output<typeof domainNameSchema>;
export type EmailAddr = z.output<typeof emailAddrSchema>;
export type EmailMessage = z.output<typeof emailMessageSchema>;
export type File = z.output<typeof fileSchema>;
export type Ipv4Addr = z.output<typeof ipv4AddrSchema>;
export type Ipv6Addr = z.output<typeof ipv6AddrSchema>;
export type MacAddr = z.output<typeof macAddrSchema>;
export type Mutex = z.output<typeof mutexSchema>;
export type NetworkTraffic = z.output<typeof networkTrafficSchema>;
export type Process = z.output<typeof processSchema>;
export type Software = z.output<typeof softwareSchema>;
export type Url = z.output<typeof urlSchema>;
export type UserAccount = z.output<typeof userAccountSchema>;
export type WindowsRegistryKey = z.output<typeof windowsRegistryKeySchema>;
export type X509Certificate = z.output<typeof x509CertificateSchema>;
export type MarkingDefinition = z.output<typeof markingDefinitionSchema>;
export type LanguageContent = z.output<typeof languageContentSchema>;
export type ExtensionDefinition = z.output<typeof extensionDefinitionSchema>;
/** Any STIX object in generic form; other packages use it for type-agnostic handling. */
export type StixObjectBase = z.output<typeof stixObjectBaseSchema>;
export type Bundle = z.output<typeof bundleSchema>;

/** Every STIX 2.1 SDO. */
export type StixDomainObject =
  | AttackPattern
  | Campaign
  | CourseOfAction
  | Grouping
  | Identity
  | Incident
  | Indicator
  | Infrastructure
  | IntrusionSet
  | Location
  | Malware
  | MalwareAnalysis
  | Note
  | ObservedData
  | Opinion
  | Report
  | ThreatActor
  | Tool
  | Vulnerability;
/** Every STIX 2.1 SCO. */
export type StixCyberObservable =
  | Artifact
  | AutonomousSystem
  | Directory
  | DomainName
  | EmailAddr
  | EmailMessage
  | File
  | Ipv4Addr
  | Ipv6Addr
  | MacAddr
  | Mutex
  | NetworkTraffic
  | Process
  | Software
  | Url
  | UserAccount
  | WindowsRegistryKey
  | X509Certificate;
/** Both STIX 2.1 SROs. */
export type StixRelationshipObject = Relationship | Sighting;
/** The STIX 2.1 meta objects. */
export type StixMetaObject = MarkingDefinition | LanguageContent | ExtensionDefinition;
/** Any STIX object of a type the spec defines. */
export type KnownStixObject =
  | StixDomainObject
  | StixCyberObservable
  | StixRelationshipObject
  | StixMetaObject;
/** Any STIX object: a typed one, or a custom object in generic form. */
export type StixObject = KnownStixObject | StixObjectBase;

/** Every STIX 2.1 type name mapped to its TypeScript type. */
export interface StixTypeMap {
  'attack-pattern': AttackPattern;
  campaign: Campaign;
  'course-of-action': CourseOfAction;
  grouping: Grouping;
  identity: Identity;
  incident: Incident;
  indicator: Indicator;
  infrastructure: Infrastructure;
  'intrusion-set': IntrusionSet;
  location: Location;
  malware: Malware;
  'malware-analysis': MalwareAnalysis;
  note: Note;
  'observed-data': ObservedData;
  opinion: Opinion;
  report: Report;
  'threat-actor': ThreatActor;
  tool: Tool;
  vulnerability: Vulnerability;
  relationship: Relationship;
  sighting: Sighting;
  artifact: Artifact;
  'autonomous-system': AutonomousSystem;
  directory: Directory;
  'domain-name': DomainName;
  'email-addr': EmailAddr;
  'email-message': EmailMessage;
  file: File;
  'ipv4-addr': Ipv4Addr;
  'ipv6-addr': Ipv6Addr;
  'mac-addr': MacAddr;
  mutex: Mutex;
  'network-traffic': NetworkTraffic;
  process: Process;
  software: Software;
  url: Url;
  'user-account': UserAccount;
  'windows-registry-key': WindowsRegistryKey;
  'x509-certificate': X509Certificate;
  'marking-definition': MarkingDefinition;
  'language-content': LanguageContent;
  'extension-definition': ExtensionDefinition;
}

/** A STIX type name the spec defines. */
export type StixType = keyof StixTypeMap;

const definitions: StixTypeDefinition[] = [
  ...Object.values(SDO).filter(isDefinition),
  relationshipType,
  sightingType,
  ...Object.values(SCO).filter(isDefinition),
  markingDefinitionType,
  languageContentType,
  extensionDefinitionType,
] as StixTypeDefinition[];

function isDefinition(value: unknown): value is StixTypeDefinition {
  return typeof value === 'object' && value !== null && 'schema' in value && 'check' in value;
}

/** Type name → definition, for every type the spec defines. */
export const STIX_TYPES: ReadonlyMap<string, StixTypeDefinition> = new Map(
  definitions.map((d) => [d.type, d]),
);

/** The zod schema of a STIX type, or undefined for custom types. */
export function schemaFor<T extends StixType>(type: T): z.ZodType<StixTypeMap[T]> {
  return STIX_TYPES.get(type)!.schema as unknown as z.ZodType<StixTypeMap[T]>;
}
