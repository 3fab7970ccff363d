import { AsyncLocalStorage } from 'node:async_hooks';
import {
  type AsyncAuditLog,
  type AuditEntry,
  AuditLog,
  type AuditRecord,
} from '@intelshare/policy';
import { type PolicyViewOptions, policyView } from '@intelshare/taxii-server';

type CollectionView = ReturnType<typeof policyView>;

/** The records of the read running in this async context. */
const capture = new AsyncLocalStorage<AuditRecord[]>();

/**
 * Where `policyView` writes its (synchronous) audit entries: into the list of the read that
 * made them. Outside a read there is no list, and writing fails (closed): an entry is never
 * dropped silently.
 */
const captureLog = new AuditLog({
  append(entry: AuditEntry) {
    const records = capture.getStore();
    if (!records) throw new Error('an audit entry was written outside a partner read');
    const { seq: _seq, prevHash: _prev, hash: _hash, ...record } = entry;
    records.push(record);
  },
  last: () => undefined,
  entries: () => [],
});

/**
 * A `policyView` whose audit entries go to an {@link AsyncAuditLog} (SQLite or PostgreSQL),
 * chained there by the store, so several hub instances write one chain. The view computes
 * each read's record as usual; it is appended before the page is answered, and a failed
 * append fails the read.
 */
export function auditedPolicyView(
  options: Omit<PolicyViewOptions, 'auditLog'>,
  auditLog: AsyncAuditLog,
): CollectionView {
  const view = policyView({ ...options, auditLog: captureLog });
  return {
    ...view,
    project: async (objects, context) => {
      const records: AuditRecord[] = [];
      const shared = await capture.run(records, () => view.project(objects, context));
      for (const record of records) await auditLog.append(record);
      return shared;
    },
  };
}
