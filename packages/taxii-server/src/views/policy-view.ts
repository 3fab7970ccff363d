import {
  type AuditLog,
  type CompiledAgreement,
  compileAgreement,
  contentHash,
  type Decision,
  type ProjectOptions,
  parseRecipient,
  project,
  type Recipient,
  type SharingAgreement,
} from '@intelshare/policy';
import type { CollectionView, ViewContext, ViewReadRecord } from '../config/server-config';
import { projectInCollection } from './project-in-collection';

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
  /**
   * The clock of the projection (default `Date.now`): the time every read is decided at and
   * stamped with (`modified` of redacted copies, validity). A preview made with
   * `project(..., { now })` at the same time gives the same bytes.
   */
  now?: () => number | Date;
  /**
   * Most objects the source collection may hold (default 100,000). Each read is decided
   * against the whole collection (see {@link policyView}); a larger collection fails the
   * read rather than deciding against part of it.
   */
  maxSourceObjects?: number;
}

/**
 * A collection view that serves a source collection through `@intelshare/policy`
 * `project()` for one agreement and recipient: withheld objects never leave, redacted
 * ones leave redacted, and each read is appended to the policy audit log with the
 * reading principal as actor. Fails closed: a projection error fails the request.
 *
 * Every page is decided against the whole source collection (the latest version of each
 * object, read through the storage), not against the page: a relationship whose target is
 * on another page is shared exactly when a one-shot `project()` of the collection shares
 * it, a victim named by a relationship on another page is protected, and a paged pull
 * equals, object by object, the projection of the collection at the same moment, whatever
 * the `limit`. The audit entry of a read lists the page's objects only.
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
  const clock = options.now ?? Date.now;
  const maxSourceObjects = options.maxSourceObjects ?? 100_000;
  const projectOptions = (now: number | Date): ProjectOptions => ({
    now,
    ...(options.markingDefinitions ? { markingDefinitions: options.markingDefinitions } : {}),
    ...(options.pseudonymKeys ? { pseudonymKeys: options.pseudonymKeys } : {}),
  });
  // Objects whose projection alone throws, by id and version: left out of the collection a
  // page is decided against, so one such object withholds itself, not every page.
  const poisoned = new Map<string, boolean>();
  const alone = (object: Record<string, unknown>, now: number | Date): boolean => {
    const key = `${String(object.id)}|${String(object.modified ?? object.created)}`;
    let bad = poisoned.get(key);
    if (bad === undefined) {
      try {
        project([object], agreement, recipient, projectOptions(now));
        bad = false;
      } catch {
        bad = true;
      }
      if (poisoned.size >= 100_000) poisoned.clear();
      poisoned.set(key, bad);
    }
    return bad;
  };

  const projectPage = async (
    objects: Record<string, unknown>[],
    context: ViewContext,
  ): Promise<Record<string, unknown>[]> => {
    const now = clock();
    const actor = `taxii:${context.apiRoot}/${context.collection}:${context.principal}`;
    if (!context.sourceObjects) {
      // A host that cannot read the collection: decide against the page (still fail closed).
      return project(objects, agreement, recipient, {
        ...projectOptions(now),
        actor,
        ...(options.auditLog ? { audit: options.auditLog } : {}),
      }).bundle.objects as Record<string, unknown>[];
    }
    let collection = await context.sourceObjects(maxSourceObjects);
    const run = (input: Record<string, unknown>[]) =>
      project(input, agreement, recipient, projectOptions(now));
    let result: ReturnType<typeof projectInCollection>;
    try {
      result = projectInCollection(objects, collection, run);
    } catch (error) {
      // One object the projection cannot handle: decide without it. A page object that is
      // itself such an object fails this page (the server then withholds it alone).
      if (objects.some((object) => alone(object, now))) throw error;
      collection = collection.filter((object) => !alone(object, now));
      result = projectInCollection(objects, collection, run);
    }
    if (options.auditLog) appendReadAudit(options.auditLog, actor, now, objects, result);
    return result.objects;
  };

  return {
    source: options.source,
    project: projectPage,
    ...(options.onRead ? { audit: options.onRead } : {}),
  };

  function appendReadAudit(
    log: AuditLog,
    actor: string,
    now: number | Date,
    objects: Record<string, unknown>[],
    result: { objects: Record<string, unknown>[]; decisions: Decision[] },
  ): void {
    const counts = { share: 0, 'share-redacted': 0, withhold: 0 };
    for (const decision of result.decisions) counts[decision.action]++;
    log.append({
      time: new Date(now).toISOString(),
      actor,
      recipient: recipient.identity,
      agreement: { id: agreement.agreement.id, version: agreement.agreement.version },
      inputHash: contentHash(objects),
      outputHash: contentHash(result.objects),
      counts,
      decisions: result.decisions.map((d) => [
        d.id,
        d.action,
        [
          ...new Set([
            ...d.reasons.filter((r) => r.effect !== 'allow').map((r) => r.rule),
            ...d.redactions.map((r) => r.rule),
          ]),
        ],
      ]),
    });
  }
}
