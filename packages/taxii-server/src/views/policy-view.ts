import {
  type AuditLog,
  type CompiledAgreement,
  compileAgreement,
  type ProjectOptions,
  parseRecipient,
  project,
  type Recipient,
  type SharingAgreement,
} from '@intelshare/policy';
import type { CollectionView, ViewReadRecord } from '../config/server-config';

/** Options of {@link policyView}. */
export interface PolicyViewOptions {
  /** The storage collection to project. */
  source: string;
  /** The sharing agreement (from `parseAgreement`) applied on every read. */
  agreement: SharingAgreement | CompiledAgreement;
  /** The partner receiving through this collection. */
  recipient: Recipient;
  /** The policy audit log every read's projection is appended to (hash-chained). */
  auditLog?: AuditLog;
  /** Marking definitions from a registry, for objects whose definitions are not in the page. */
  markingDefinitions?: Iterable<unknown>;
  /** Keys for keyed pseudonyms named by the agreement's victim protection. */
  pseudonymKeys?: ProjectOptions['pseudonymKeys'];
  /** Also told about every read (ids considered and shared), e.g. for access logs. */
  onRead?: (record: ViewReadRecord) => void | Promise<void>;
}

/**
 * A collection view that serves a source collection through `@intelshare/policy`
 * `project()` for one agreement and recipient: withheld objects never leave, redacted
 * ones leave redacted, and each read is appended to the policy audit log with the
 * reading principal as actor. Fails closed: a projection error fails the request.
 *
 * @param options - source collection, agreement, recipient and audit log.
 * @returns a {@link CollectionView} for a collection's `view`.
 * @example
 * ```ts
 * import { AuditLog, parseAgreement } from '@intelshare/policy';
 * import { createTaxiiHandler, MemoryStorage, policyView } from '@intelshare/taxii-server';
 *
 * const agreement = parseAgreement({
 *   id: 'mou-1', version: '1', title: 'MoU', effective: { from: '2026-01-01T00:00:00Z' },
 *   purposes: ['detection'],
 *   parties: [
 *     { identity: 'identity--8ce3f695-d5a4-4dc8-9e93-a65af453a31a', name: 'CERT', role: 'provider' },
 *     { identity: 'identity--03e23f6c-0ac9-4b47-9c84-f718132adb21', name: 'Partner', role: 'recipient' },
 *   ],
 *   recipients: [{ match: { identities: ['identity--03e23f6c-0ac9-4b47-9c84-f718132adb21'] }, maxTlp: 'amber' }],
 * });
 * const auditLog = new AuditLog();
 * const handler = createTaxiiHandler({
 *   title: 'CERT',
 *   cursorSecret: 'a-long-random-secret-shared-by-all-instances',
 *   storage: new MemoryStorage(),
 *   auth: { anonymous: 'partner' },
 *   apiRoots: [{ path: 'partner', title: 'Partner', collections: [{
 *     id: 'shared', title: 'Shared under the MoU', canRead: ['partner'],
 *     view: policyView({ source: 'internal', agreement, auditLog,
 *       recipient: { identity: 'identity--03e23f6c-0ac9-4b47-9c84-f718132adb21' } }),
 *   }] }],
 * });
 * ```
 */
export function policyView(options: PolicyViewOptions): CollectionView {
  const agreement = compileAgreement(options.agreement);
  // Validate the recipient now, so a bad config fails at start-up rather than on a read.
  const recipient = parseRecipient(options.recipient);
  return {
    source: options.source,
    project: (objects, context) =>
      project(objects, agreement, recipient, {
        actor: `taxii:${context.apiRoot}/${context.collection}:${context.principal}`,
        ...(options.auditLog ? { audit: options.auditLog } : {}),
        ...(options.markingDefinitions ? { markingDefinitions: options.markingDefinitions } : {}),
        ...(options.pseudonymKeys ? { pseudonymKeys: options.pseudonymKeys } : {}),
      }).bundle.objects as Record<string, unknown>[],
    ...(options.onRead ? { audit: options.onRead } : {}),
  };
}
