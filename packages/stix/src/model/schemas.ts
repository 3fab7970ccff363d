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

/**
 * zod schema of an `external-reference` (STIX 2.1 §2.5). Loose: custom properties pass through.
 *
 * @example
 * ```ts
 * import { externalReferenceSchema } from '@intelshare/stix';
 *
 * const result = externalReferenceSchema.safeParse({});
 * if (!result.success) console.log(result.error.issues.length);
 * ```
 * @see /stix/modelling/
 */
export const externalReferenceSchema = externalReference.zod;
/**
 * zod schema of a `kill-chain-phase` (STIX 2.1 §2.8). Loose: custom properties pass through.
 *
 * @example
 * ```ts
 * import { killChainPhaseSchema } from '@intelshare/stix';
 *
 * const result = killChainPhaseSchema.safeParse({});
 * if (!result.success) console.log(result.error.issues.length);
 * ```
 * @see /stix/modelling/
 */
export const killChainPhaseSchema = killChainPhase.zod;
/**
 * zod schema of a granular marking (STIX 2.1 §7.2.3). Loose: custom properties pass through.
 *
 * @example
 * ```ts
 * import { granularMarkingSchema } from '@intelshare/stix';
 *
 * const result = granularMarkingSchema.safeParse({});
 * if (!result.success) console.log(result.error.issues.length);
 * ```
 * @see /stix/modelling/
 */
export const granularMarkingSchema = granularMarking.zod;

/**
 * zod schema of the Attack Pattern SDO (STIX 2.1 §4.1). Loose: custom properties pass through.
 *
 * @example
 * ```ts
 * import { attackPatternSchema } from '@intelshare/stix';
 *
 * const result = attackPatternSchema.safeParse({});
 * if (!result.success) console.log(result.error.issues.length);
 * ```
 * @see /stix/modelling/
 */
export const attackPatternSchema = SDO.attackPatternType.schema;
/**
 * zod schema of the Campaign SDO (STIX 2.1 §4.2). Loose: custom properties pass through.
 *
 * @example
 * ```ts
 * import { campaignSchema } from '@intelshare/stix';
 *
 * const result = campaignSchema.safeParse({});
 * if (!result.success) console.log(result.error.issues.length);
 * ```
 * @see /stix/modelling/
 */
export const campaignSchema = SDO.campaignType.schema;
/**
 * zod schema of the Course of Action SDO (STIX 2.1 §4.3). Loose: custom properties pass through.
 *
 * @example
 * ```ts
 * import { courseOfActionSchema } from '@intelshare/stix';
 *
 * const result = courseOfActionSchema.safeParse({});
 * if (!result.success) console.log(result.error.issues.length);
 * ```
 * @see /stix/modelling/
 */
export const courseOfActionSchema = SDO.courseOfActionType.schema;
/**
 * zod schema of the Grouping SDO (STIX 2.1 §4.4). Loose: custom properties pass through.
 *
 * @example
 * ```ts
 * import { groupingSchema } from '@intelshare/stix';
 *
 * const result = groupingSchema.safeParse({});
 * if (!result.success) console.log(result.error.issues.length);
 * ```
 * @see /stix/modelling/
 */
export const groupingSchema = SDO.groupingType.schema;
/**
 * zod schema of the Identity SDO (STIX 2.1 §4.5). Loose: custom properties pass through.
 *
 * @example
 * ```ts
 * import { identitySchema } from '@intelshare/stix';
 *
 * const result = identitySchema.safeParse({});
 * if (!result.success) console.log(result.error.issues.length);
 * ```
 * @see /stix/modelling/
 */
export const identitySchema = SDO.identityType.schema;
/**
 * zod schema of the Incident SDO (STIX 2.1 §4.6). Loose: custom properties pass through.
 *
 * @example
 * ```ts
 * import { incidentSchema } from '@intelshare/stix';
 *
 * const result = incidentSchema.safeParse({});
 * if (!result.success) console.log(result.error.issues.length);
 * ```
 * @see /stix/modelling/
 */
export const incidentSchema = SDO.incidentType.schema;
/**
 * zod schema of the Indicator SDO (STIX 2.1 §4.7). Loose: custom properties pass through.
 *
 * @example
 * ```ts
 * import { indicatorSchema } from '@intelshare/stix';
 *
 * const result = indicatorSchema.safeParse({});
 * if (!result.success) console.log(result.error.issues.length);
 * ```
 * @see /stix/modelling/
 */
export const indicatorSchema = SDO.indicatorType.schema;
/**
 * zod schema of the Infrastructure SDO (STIX 2.1 §4.8). Loose: custom properties pass through.
 *
 * @example
 * ```ts
 * import { infrastructureSchema } from '@intelshare/stix';
 *
 * const result = infrastructureSchema.safeParse({});
 * if (!result.success) console.log(result.error.issues.length);
 * ```
 * @see /stix/modelling/
 */
export const infrastructureSchema = SDO.infrastructureType.schema;
/**
 * zod schema of the Intrusion Set SDO (STIX 2.1 §4.9). Loose: custom properties pass through.
 *
 * @example
 * ```ts
 * import { intrusionSetSchema } from '@intelshare/stix';
 *
 * const result = intrusionSetSchema.safeParse({});
 * if (!result.success) console.log(result.error.issues.length);
 * ```
 * @see /stix/modelling/
 */
export const intrusionSetSchema = SDO.intrusionSetType.schema;
/**
 * zod schema of the Location SDO (STIX 2.1 §4.10). Loose: custom properties pass through.
 *
 * @example
 * ```ts
 * import { locationSchema } from '@intelshare/stix';
 *
 * const result = locationSchema.safeParse({});
 * if (!result.success) console.log(result.error.issues.length);
 * ```
 * @see /stix/modelling/
 */
export const locationSchema = SDO.locationType.schema;
/**
 * zod schema of the Malware SDO (STIX 2.1 §4.11). Loose: custom properties pass through.
 *
 * @example
 * ```ts
 * import { malwareSchema } from '@intelshare/stix';
 *
 * const result = malwareSchema.safeParse({});
 * if (!result.success) console.log(result.error.issues.length);
 * ```
 * @see /stix/modelling/
 */
export const malwareSchema = SDO.malwareType.schema;
/**
 * zod schema of the Malware Analysis SDO (STIX 2.1 §4.12). Loose: custom properties pass through.
 *
 * @example
 * ```ts
 * import { malwareAnalysisSchema } from '@intelshare/stix';
 *
 * const result = malwareAnalysisSchema.safeParse({});
 * if (!result.success) console.log(result.error.issues.length);
 * ```
 * @see /stix/modelling/
 */
export const malwareAnalysisSchema = SDO.malwareAnalysisType.schema;
/**
 * zod schema of the Note SDO (STIX 2.1 §4.13). Loose: custom properties pass through.
 *
 * @example
 * ```ts
 * import { noteSchema } from '@intelshare/stix';
 *
 * const result = noteSchema.safeParse({});
 * if (!result.success) console.log(result.error.issues.length);
 * ```
 * @see /stix/modelling/
 */
export const noteSchema = SDO.noteType.schema;
/**
 * zod schema of the Observed Data SDO (STIX 2.1 §4.14). Loose: custom properties pass through.
 *
 * @example
 * ```ts
 * import { observedDataSchema } from '@intelshare/stix';
 *
 * const result = observedDataSchema.safeParse({});
 * if (!result.success) console.log(result.error.issues.length);
 * ```
 * @see /stix/modelling/
 */
export const observedDataSchema = SDO.observedDataType.schema;
/**
 * zod schema of the Opinion SDO (STIX 2.1 §4.15). Loose: custom properties pass through.
 *
 * @example
 * ```ts
 * import { opinionSchema } from '@intelshare/stix';
 *
 * const result = opinionSchema.safeParse({});
 * if (!result.success) console.log(result.error.issues.length);
 * ```
 * @see /stix/modelling/
 */
export const opinionSchema = SDO.opinionType.schema;
/**
 * zod schema of the Report SDO (STIX 2.1 §4.16). Loose: custom properties pass through.
 *
 * @example
 * ```ts
 * import { reportSchema } from '@intelshare/stix';
 *
 * const result = reportSchema.safeParse({});
 * if (!result.success) console.log(result.error.issues.length);
 * ```
 * @see /stix/modelling/
 */
export const reportSchema = SDO.reportType.schema;
/**
 * zod schema of the Threat Actor SDO (STIX 2.1 §4.17). Loose: custom properties pass through.
 *
 * @example
 * ```ts
 * import { threatActorSchema } from '@intelshare/stix';
 *
 * const result = threatActorSchema.safeParse({});
 * if (!result.success) console.log(result.error.issues.length);
 * ```
 * @see /stix/modelling/
 */
export const threatActorSchema = SDO.threatActorType.schema;
/**
 * zod schema of the Tool SDO (STIX 2.1 §4.18). Loose: custom properties pass through.
 *
 * @example
 * ```ts
 * import { toolSchema } from '@intelshare/stix';
 *
 * const result = toolSchema.safeParse({});
 * if (!result.success) console.log(result.error.issues.length);
 * ```
 * @see /stix/modelling/
 */
export const toolSchema = SDO.toolType.schema;
/**
 * zod schema of the Vulnerability SDO (STIX 2.1 §4.19). Loose: custom properties pass through.
 *
 * @example
 * ```ts
 * import { vulnerabilitySchema } from '@intelshare/stix';
 *
 * const result = vulnerabilitySchema.safeParse({});
 * if (!result.success) console.log(result.error.issues.length);
 * ```
 * @see /stix/modelling/
 */
export const vulnerabilitySchema = SDO.vulnerabilityType.schema;

/**
 * zod schema of the Relationship SRO (STIX 2.1 §5.1). Loose: custom properties pass through.
 *
 * @example
 * ```ts
 * import { relationshipSchema } from '@intelshare/stix';
 *
 * const result = relationshipSchema.safeParse({});
 * if (!result.success) console.log(result.error.issues.length);
 * ```
 * @see /stix/modelling/
 */
export const relationshipSchema = relationshipType.schema;
/**
 * zod schema of the Sighting SRO (STIX 2.1 §5.2). Loose: custom properties pass through.
 *
 * @example
 * ```ts
 * import { sightingSchema } from '@intelshare/stix';
 *
 * const result = sightingSchema.safeParse({});
 * if (!result.success) console.log(result.error.issues.length);
 * ```
 * @see /stix/modelling/
 */
export const sightingSchema = sightingType.schema;

/**
 * zod schema of the Artifact SCO (STIX 2.1 §6.1). Loose: custom properties pass through.
 *
 * @example
 * ```ts
 * import { artifactSchema } from '@intelshare/stix';
 *
 * const result = artifactSchema.safeParse({});
 * if (!result.success) console.log(result.error.issues.length);
 * ```
 * @see /stix/modelling/
 */
export const artifactSchema = SCO.artifactType.schema;
/**
 * zod schema of the Autonomous System SCO (STIX 2.1 §6.2). Loose: custom properties pass through.
 *
 * @example
 * ```ts
 * import { autonomousSystemSchema } from '@intelshare/stix';
 *
 * const result = autonomousSystemSchema.safeParse({});
 * if (!result.success) console.log(result.error.issues.length);
 * ```
 * @see /stix/modelling/
 */
export const autonomousSystemSchema = SCO.autonomousSystemType.schema;
/**
 * zod schema of the Directory SCO (STIX 2.1 §6.3). Loose: custom properties pass through.
 *
 * @example
 * ```ts
 * import { directorySchema } from '@intelshare/stix';
 *
 * const result = directorySchema.safeParse({});
 * if (!result.success) console.log(result.error.issues.length);
 * ```
 * @see /stix/modelling/
 */
export const directorySchema = SCO.directoryType.schema;
/**
 * zod schema of the Domain Name SCO (STIX 2.1 §6.4). Loose: custom properties pass through.
 *
 * @example
 * ```ts
 * import { domainNameSchema } from '@intelshare/stix';
 *
 * const result = domainNameSchema.safeParse({});
 * if (!result.success) console.log(result.error.issues.length);
 * ```
 * @see /stix/modelling/
 */
export const domainNameSchema = SCO.domainNameType.schema;
/**
 * zod schema of the Email Address SCO (STIX 2.1 §6.5). Loose: custom properties pass through.
 *
 * @example
 * ```ts
 * import { emailAddrSchema } from '@intelshare/stix';
 *
 * const result = emailAddrSchema.safeParse({});
 * if (!result.success) console.log(result.error.issues.length);
 * ```
 * @see /stix/modelling/
 */
export const emailAddrSchema = SCO.emailAddrType.schema;
/**
 * zod schema of the Email Message SCO (STIX 2.1 §6.6). Loose: custom properties pass through.
 *
 * @example
 * ```ts
 * import { emailMessageSchema } from '@intelshare/stix';
 *
 * const result = emailMessageSchema.safeParse({});
 * if (!result.success) console.log(result.error.issues.length);
 * ```
 * @see /stix/modelling/
 */
export const emailMessageSchema = SCO.emailMessageType.schema;
/**
 * zod schema of the File SCO and its extensions (STIX 2.1 §6.7). Loose: custom properties pass through.
 *
 * @example
 * ```ts
 * import { fileSchema } from '@intelshare/stix';
 *
 * const result = fileSchema.safeParse({});
 * if (!result.success) console.log(result.error.issues.length);
 * ```
 * @see /stix/modelling/
 */
export const fileSchema = SCO.fileType.schema;
/**
 * zod schema of the IPv4 Address SCO (STIX 2.1 §6.8). Loose: custom properties pass through.
 *
 * @example
 * ```ts
 * import { ipv4AddrSchema } from '@intelshare/stix';
 *
 * const result = ipv4AddrSchema.safeParse({});
 * if (!result.success) console.log(result.error.issues.length);
 * ```
 * @see /stix/modelling/
 */
export const ipv4AddrSchema = SCO.ipv4AddrType.schema;
/**
 * zod schema of the IPv6 Address SCO (STIX 2.1 §6.9). Loose: custom properties pass through.
 *
 * @example
 * ```ts
 * import { ipv6AddrSchema } from '@intelshare/stix';
 *
 * const result = ipv6AddrSchema.safeParse({});
 * if (!result.success) console.log(result.error.issues.length);
 * ```
 * @see /stix/modelling/
 */
export const ipv6AddrSchema = SCO.ipv6AddrType.schema;
/**
 * zod schema of the MAC Address SCO (STIX 2.1 §6.10). Loose: custom properties pass through.
 *
 * @example
 * ```ts
 * import { macAddrSchema } from '@intelshare/stix';
 *
 * const result = macAddrSchema.safeParse({});
 * if (!result.success) console.log(result.error.issues.length);
 * ```
 * @see /stix/modelling/
 */
export const macAddrSchema = SCO.macAddrType.schema;
/**
 * zod schema of the Mutex SCO (STIX 2.1 §6.11). Loose: custom properties pass through.
 *
 * @example
 * ```ts
 * import { mutexSchema } from '@intelshare/stix';
 *
 * const result = mutexSchema.safeParse({});
 * if (!result.success) console.log(result.error.issues.length);
 * ```
 * @see /stix/modelling/
 */
export const mutexSchema = SCO.mutexType.schema;
/**
 * zod schema of the Network Traffic SCO and its extensions (STIX 2.1 §6.12). Loose: custom properties pass through.
 *
 * @example
 * ```ts
 * import { networkTrafficSchema } from '@intelshare/stix';
 *
 * const result = networkTrafficSchema.safeParse({});
 * if (!result.success) console.log(result.error.issues.length);
 * ```
 * @see /stix/modelling/
 */
export const networkTrafficSchema = SCO.networkTrafficType.schema;
/**
 * zod schema of the Process SCO and its extensions (STIX 2.1 §6.13). Loose: custom properties pass through.
 *
 * @example
 * ```ts
 * import { processSchema } from '@intelshare/stix';
 *
 * const result = processSchema.safeParse({});
 * if (!result.success) console.log(result.error.issues.length);
 * ```
 * @see /stix/modelling/
 */
export const processSchema = SCO.processType.schema;
/**
 * zod schema of the Software SCO (STIX 2.1 §6.14). Loose: custom properties pass through.
 *
 * @example
 * ```ts
 * import { softwareSchema } from '@intelshare/stix';
 *
 * const result = softwareSchema.safeParse({});
 * if (!result.success) console.log(result.error.issues.length);
 * ```
 * @see /stix/modelling/
 */
export const softwareSchema = SCO.softwareType.schema;
/**
 * zod schema of the URL SCO (STIX 2.1 §6.15). Loose: custom properties pass through.
 *
 * @example
 * ```ts
 * import { urlSchema } from '@intelshare/stix';
 *
 * const result = urlSchema.safeParse({});
 * if (!result.success) console.log(result.error.issues.length);
 * ```
 * @see /stix/modelling/
 */
export const urlSchema = SCO.urlType.schema;
/**
 * zod schema of the User Account SCO and its extension (STIX 2.1 §6.16). Loose: custom properties pass through.
 *
 * @example
 * ```ts
 * import { userAccountSchema } from '@intelshare/stix';
 *
 * const result = userAccountSchema.safeParse({});
 * if (!result.success) console.log(result.error.issues.length);
 * ```
 * @see /stix/modelling/
 */
export const userAccountSchema = SCO.userAccountType.schema;
/**
 * zod schema of the Windows Registry Key SCO (STIX 2.1 §6.17). Loose: custom properties pass through.
 *
 * @example
 * ```ts
 * import { windowsRegistryKeySchema } from '@intelshare/stix';
 *
 * const result = windowsRegistryKeySchema.safeParse({});
 * if (!result.success) console.log(result.error.issues.length);
 * ```
 * @see /stix/modelling/
 */
export const windowsRegistryKeySchema = SCO.windowsRegistryKeyType.schema;
/**
 * zod schema of the X.509 Certificate SCO (STIX 2.1 §6.18). Loose: custom properties pass through.
 *
 * @example
 * ```ts
 * import { x509CertificateSchema } from '@intelshare/stix';
 *
 * const result = x509CertificateSchema.safeParse({});
 * if (!result.success) console.log(result.error.issues.length);
 * ```
 * @see /stix/modelling/
 */
export const x509CertificateSchema = SCO.x509CertificateType.schema;

/**
 * zod schema of the Marking Definition (STIX 2.1 §7.2.1). Loose: custom properties pass through.
 *
 * @example
 * ```ts
 * import { markingDefinitionSchema } from '@intelshare/stix';
 *
 * const result = markingDefinitionSchema.safeParse({});
 * if (!result.success) console.log(result.error.issues.length);
 * ```
 * @see /stix/modelling/
 */
export const markingDefinitionSchema = markingDefinitionType.schema;
/**
 * zod schema of Language Content (STIX 2.1 §7.1). Loose: custom properties pass through.
 *
 * @example
 * ```ts
 * import { languageContentSchema } from '@intelshare/stix';
 *
 * const result = languageContentSchema.safeParse({});
 * if (!result.success) console.log(result.error.issues.length);
 * ```
 * @see /stix/modelling/
 */
export const languageContentSchema = languageContentType.schema;
/**
 * zod schema of the Extension Definition (STIX 2.1 §7.3). Loose: custom properties pass through.
 *
 * @example
 * ```ts
 * import { extensionDefinitionSchema } from '@intelshare/stix';
 *
 * const result = extensionDefinitionSchema.safeParse({});
 * if (!result.success) console.log(result.error.issues.length);
 * ```
 * @see /stix/modelling/
 */
export const extensionDefinitionSchema = extensionDefinitionType.schema;

/**
 * zod schema of any STIX object in generic form: `type` and `id` plus anything else.
 * Used for custom objects and for generic handling across packages.
 *
 * @example
 * ```ts
 * import { stixObjectBaseSchema } from '@intelshare/stix';
 *
 * stixObjectBaseSchema.parse({ type: 'x-acme-widget', id: 'x-acme-widget--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', size: 3 });
 * ```
 * @see /stix/modelling/
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

/**
 * zod schema of a STIX bundle (STIX 2.1 §8). Loose: custom properties pass through.
 *
 * @example
 * ```ts
 * import { bundleSchema } from '@intelshare/stix';
 *
 * const result = bundleSchema.safeParse({});
 * if (!result.success) console.log(result.error.issues.length);
 * ```
 * @see /stix/modelling/
 */
export const bundleSchema = zod.looseObject({
  type: zod.literal('bundle'),
  id: zod.string(),
  objects: zod.array(stixObjectBaseSchema).optional(),
});

/** The TypeScript type inferred from {@link externalReferenceSchema}. */
export type ExternalReference = z.output<typeof externalReferenceSchema>;
/** The TypeScript type inferred from {@link killChainPhaseSchema}. */
export type KillChainPhase = z.output<typeof killChainPhaseSchema>;
/** The TypeScript type inferred from {@link granularMarkingSchema}. */
export type GranularMarking = z.output<typeof granularMarkingSchema>;
/** The TypeScript type inferred from {@link attackPatternSchema}. */
export type AttackPattern = z.output<typeof attackPatternSchema>;
/** The TypeScript type inferred from {@link campaignSchema}. */
export type Campaign = z.output<typeof campaignSchema>;
/** The TypeScript type inferred from {@link courseOfActionSchema}. */
export type CourseOfAction = z.output<typeof courseOfActionSchema>;
/** The TypeScript type inferred from {@link groupingSchema}. */
export type Grouping = z.output<typeof groupingSchema>;
/** The TypeScript type inferred from {@link identitySchema}. */
export type Identity = z.output<typeof identitySchema>;
/** The TypeScript type inferred from {@link incidentSchema}. */
export type Incident = z.output<typeof incidentSchema>;
/** The TypeScript type inferred from {@link indicatorSchema}. */
export type Indicator = z.output<typeof indicatorSchema>;
/** The TypeScript type inferred from {@link infrastructureSchema}. */
export type Infrastructure = z.output<typeof infrastructureSchema>;
/** The TypeScript type inferred from {@link intrusionSetSchema}. */
export type IntrusionSet = z.output<typeof intrusionSetSchema>;
/** The TypeScript type inferred from {@link locationSchema}. */
export type Location = z.output<typeof locationSchema>;
/** The TypeScript type inferred from {@link malwareSchema}. */
export type Malware = z.output<typeof malwareSchema>;
/** The TypeScript type inferred from {@link malwareAnalysisSchema}. */
export type MalwareAnalysis = z.output<typeof malwareAnalysisSchema>;
/** The TypeScript type inferred from {@link noteSchema}. */
export type Note = z.output<typeof noteSchema>;
/** The TypeScript type inferred from {@link observedDataSchema}. */
export type ObservedData = z.output<typeof observedDataSchema>;
/** The TypeScript type inferred from {@link opinionSchema}. */
export type Opinion = z.output<typeof opinionSchema>;
/** The TypeScript type inferred from {@link reportSchema}. */
export type Report = z.output<typeof reportSchema>;
/** The TypeScript type inferred from {@link threatActorSchema}. */
export type ThreatActor = z.output<typeof threatActorSchema>;
/** The TypeScript type inferred from {@link toolSchema}. */
export type Tool = z.output<typeof toolSchema>;
/** The TypeScript type inferred from {@link vulnerabilitySchema}. */
export type Vulnerability = z.output<typeof vulnerabilitySchema>;
/** The TypeScript type inferred from {@link relationshipSchema}. */
export type Relationship = z.output<typeof relationshipSchema>;
/** The TypeScript type inferred from {@link sightingSchema}. */
export type Sighting = z.output<typeof sightingSchema>;
/** The TypeScript type inferred from {@link artifactSchema}. */
export type Artifact = z.output<typeof artifactSchema>;
/** The TypeScript type inferred from {@link autonomousSystemSchema}. */
export type AutonomousSystem = z.output<typeof autonomousSystemSchema>;
/** The TypeScript type inferred from {@link directorySchema}. */
export type Directory = z.output<typeof directorySchema>;
/** The TypeScript type inferred from {@link domainNameSchema}. */
export type DomainName = z.output<typeof domainNameSchema>;
/** The TypeScript type inferred from {@link emailAddrSchema}. */
export type EmailAddr = z.output<typeof emailAddrSchema>;
/** The TypeScript type inferred from {@link emailMessageSchema}. */
export type EmailMessage = z.output<typeof emailMessageSchema>;
/** The TypeScript type inferred from {@link fileSchema}. */
export type File = z.output<typeof fileSchema>;
/** The TypeScript type inferred from {@link ipv4AddrSchema}. */
export type Ipv4Addr = z.output<typeof ipv4AddrSchema>;
/** The TypeScript type inferred from {@link ipv6AddrSchema}. */
export type Ipv6Addr = z.output<typeof ipv6AddrSchema>;
/** The TypeScript type inferred from {@link macAddrSchema}. */
export type MacAddr = z.output<typeof macAddrSchema>;
/** The TypeScript type inferred from {@link mutexSchema}. */
export type Mutex = z.output<typeof mutexSchema>;
/** The TypeScript type inferred from {@link networkTrafficSchema}. */
export type NetworkTraffic = z.output<typeof networkTrafficSchema>;
/** The TypeScript type inferred from {@link processSchema}. */
export type Process = z.output<typeof processSchema>;
/** The TypeScript type inferred from {@link softwareSchema}. */
export type Software = z.output<typeof softwareSchema>;
/** The TypeScript type inferred from {@link urlSchema}. */
export type Url = z.output<typeof urlSchema>;
/** The TypeScript type inferred from {@link userAccountSchema}. */
export type UserAccount = z.output<typeof userAccountSchema>;
/** The TypeScript type inferred from {@link windowsRegistryKeySchema}. */
export type WindowsRegistryKey = z.output<typeof windowsRegistryKeySchema>;
/** The TypeScript type inferred from {@link x509CertificateSchema}. */
export type X509Certificate = z.output<typeof x509CertificateSchema>;
/** The TypeScript type inferred from {@link markingDefinitionSchema}. */
export type MarkingDefinition = z.output<typeof markingDefinitionSchema>;
/** The TypeScript type inferred from {@link languageContentSchema}. */
export type LanguageContent = z.output<typeof languageContentSchema>;
/** The TypeScript type inferred from {@link extensionDefinitionSchema}. */
export type ExtensionDefinition = z.output<typeof extensionDefinitionSchema>;
/** Any STIX object in generic form; other packages use it for type-agnostic handling. */
export type StixObjectBase = z.output<typeof stixObjectBaseSchema>;
/** The TypeScript type inferred from {@link bundleSchema}. */
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

/**
 * The zod schema of a STIX 2.1 type, by name.
 *
 * @param type - A type name the spec defines, such as `indicator`.
 * @returns Its zod schema.
 * @example
 * ```ts
 * import { schemaFor } from '@intelshare/stix';
 *
 * const ok = schemaFor('identity').safeParse({}).success; // false
 * ```
 * @see /stix/modelling/
 */
export function schemaFor<T extends StixType>(type: T): z.ZodType<StixTypeMap[T]> {
  return STIX_TYPES.get(type)!.schema as unknown as z.ZodType<StixTypeMap[T]>;
}
