export type {
  RecipientClause,
  SharingAgreement,
  SharingAgreementInput,
} from './agreement/agreement-schema';
export { sharingAgreementSchema } from './agreement/agreement-schema';
export type { AgreementIssue, ParseAgreementOptions } from './agreement/parse-agreement';
export { parseAgreement } from './agreement/parse-agreement';
export { renderAgreement } from './agreement/render-agreement';
export type { AsyncAuditStore } from './audit/async-audit-log';
export { AsyncAuditLog, asyncAuditStore, verifyAuditChainAsync } from './audit/async-audit-log';
export type { AuditEntry, AuditRecord, AuditStore, AuditVerification } from './audit/audit-log';
export {
  AUDIT_GENESIS_HASH,
  AuditLog,
  assertAuditChain,
  chainAuditEntry,
  contentHash,
  MemoryAuditStore,
  verifyAuditChain,
} from './audit/audit-log';
export type { CompiledAgreement } from './evaluate/compile-agreement';
export { compileAgreement } from './evaluate/compile-agreement';
export type { Decision, Reason, Redaction, RuleId } from './evaluate/decision';
export type { EvaluationContext } from './evaluate/evaluate';
export { createEvaluator, evaluate } from './evaluate/evaluate';
export type { IepAction, IepPolicy } from './markings/iep';
export { IEP_ACTIONS, IEP2_EXTENSION_ID } from './markings/iep';
export type { StixLikeObject } from './markings/official-markings';
export { officialMarkingDefinition } from './markings/official-markings';
export type { PapLevel } from './markings/pap';
export { PAP_EXTENSION_ID, PAP_LEVELS, PAP_MARKING_IDS, papRank } from './markings/pap';
export type { ResolvedMarking } from './markings/resolve-marking';
export type { TlpLevel } from './markings/tlp';
export {
  TLP_LEVELS,
  TLP1_MARKING_IDS,
  TLP1_TO_TLP2,
  TLP2_EXTENSION_ID,
  TLP2_MARKING_IDS,
  tlp2ToTlp1,
  tlpRank,
} from './markings/tlp';
export type {
  MispProjection,
  MispProjectOptions,
  MispSharingGroup,
  MispTagMarkings,
} from './misp/misp';
export { MISP_DISTRIBUTION, mispTagsToMarkings, projectMispEvent } from './misp/misp';
export type {
  CollectionItem,
  CollectionProjection,
  CollectionProjectionOptions,
  CollectionReader,
  PartProjection,
} from './project/collection/collection-projection';
export {
  COLLECTION_FACT_TYPES,
  prepareCollectionProjection,
} from './project/collection/collection-projection';
export type { ProjectedBundle, Projection, ProjectOptions } from './project/project';
export {
  agreementMarkingDefinition,
  INTELSHARE_POLICY_NAMESPACE,
  project,
} from './project/project';
export type { NormalizedRecipient, Recipient } from './recipient';
export { parseRecipient, recipientSchema } from './recipient';
