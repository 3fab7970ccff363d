import { IntelshareError } from '@intelshare/stix';
import {
  AUDIT_GENESIS_HASH,
  AuditChainChecker,
  type AuditEntry,
  type AuditRecord,
  type AuditStore,
  type AuditVerification,
  chainAuditEntry,
} from './audit-log';

/**
 * Where an {@link AsyncAuditLog} keeps its entries: a database shared by several processes
 * (PostgreSQL, say). Unlike the synchronous `AuditStore`, appending is one atomic step
 * that reads the chain's last entry and writes the next, so two writers (two requests,
 * two server instances) can never both chain to the same entry. Entries are read in pages,
 * so a long log is never held in memory at once.
 *
 * @example
 * ```ts
 * import { AsyncAuditLog, type AsyncAuditStore, type AuditEntry } from '@intelshare/policy';
 *
 * // A store over an array, one process only (a database store locks around appendNext).
 * const rows: AuditEntry[] = [];
 * const store: AsyncAuditStore = {
 *   async appendNext(next) {
 *     const entry = next(rows.at(-1));
 *     rows.push(entry);
 *     return entry;
 *   },
 *   async last() {
 *     return rows.at(-1);
 *   },
 *   async page(fromSeq, limit) {
 *     return rows.filter((entry) => entry.seq >= fromSeq).slice(0, limit);
 *   },
 * };
 * const log = new AsyncAuditLog(store);
 * ```
 */
export interface AsyncAuditStore {
  /**
   * Atomically reads the last entry, builds the next one with `next` and stores it. No other
   * append may run between the read and the write (a lock, a serialised transaction).
   *
   * @returns The entry stored.
   */
  appendNext(next: (last: AuditEntry | undefined) => AuditEntry): Promise<AuditEntry>;
  /** The last entry, or `undefined` for an empty log. */
  last(): Promise<AuditEntry | undefined>;
  /** Up to `limit` entries with `seq >= fromSeq`, oldest first. */
  page(fromSeq: number, limit: number): Promise<readonly AuditEntry[]>;
}

/** Entries per page when an {@link AsyncAuditLog} is read or verified (default). */
const DEFAULT_PAGE_SIZE = 1000;

/**
 * An {@link AsyncAuditStore} over a synchronous `AuditStore` (memory, a SQLite file). One
 * process only: appends are atomic because the read and the write run without a pause in
 * between, not because of a lock another process would see.
 *
 * @param store - The synchronous store.
 * @returns The same entries behind the asynchronous interface.
 *
 * @example
 * ```ts
 * import { AsyncAuditLog, MemoryAuditStore, asyncAuditStore } from '@intelshare/policy';
 *
 * const log = new AsyncAuditLog(asyncAuditStore(new MemoryAuditStore()));
 * await log.head(); // '000…0' (64 zeros)
 * ```
 */
export function asyncAuditStore(store: AuditStore): AsyncAuditStore {
  return {
    async appendNext(next) {
      const entry = next(store.last());
      store.append(entry);
      return entry;
    },
    async last() {
      return store.last();
    },
    async page(fromSeq, limit) {
      // Sequence numbers run 0, 1, 2…, so a position is an index (checked, not assumed).
      const all = store.entries();
      const start = Math.max(0, Math.min(fromSeq, all.length));
      const slice = all.slice(start, start + limit);
      return slice[0] === undefined || slice[0].seq === fromSeq
        ? slice
        : all.filter((entry) => entry.seq >= fromSeq).slice(0, limit);
    },
  };
}

/**
 * The asynchronous twin of `AuditLog`: the same hash chain (entries verify with
 * `verifyAuditChain`), kept in an {@link AsyncAuditStore} that several processes may
 * append to at once, read and verified page by page.
 *
 * @example
 * ```ts
 * import { AsyncAuditLog, MemoryAuditStore, asyncAuditStore } from '@intelshare/policy';
 *
 * const log = new AsyncAuditLog(asyncAuditStore(new MemoryAuditStore()));
 * await log.append({
 *   time: '2026-03-01T00:00:00.000Z', actor: 'analyst@vendor', recipient: 'identity--03e23f6c-0ac9-4b47-9c84-f718132adb21',
 *   agreement: { id: 'demo', version: '1' }, inputHash: 'a'.repeat(64), outputHash: 'b'.repeat(64),
 *   counts: { share: 1, 'share-redacted': 0, withhold: 0 }, decisions: [],
 * });
 * (await log.verify()).valid; // true
 * ```
 * @see /policy/concepts/
 */
export class AsyncAuditLog {
  readonly #store: AsyncAuditStore;
  readonly #pageSize: number;

  /**
   * @param store - Where entries are kept.
   * @param options - `pageSize`: entries read per page (default 1000).
   */
  constructor(store: AsyncAuditStore, options: { pageSize?: number } = {}) {
    const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    if (!Number.isSafeInteger(pageSize) || pageSize < 1)
      throw new IntelshareError('INVALID_ARGUMENT', 'pageSize must be a positive integer.', {
        path: 'options.pageSize',
      });
    this.#store = store;
    this.#pageSize = pageSize;
  }

  /**
   * Appends a record, chained to the last entry in the store at the moment it is written.
   *
   * @param record - What happened.
   * @returns The entry written, with its `seq`, `prevHash` and `hash`.
   */
  append(record: AuditRecord): Promise<AuditEntry> {
    // Copied now: the caller may change its object while the write waits for the lock.
    const copy = structuredClone(record);
    return this.#store.appendNext((last) => chainAuditEntry(copy, last));
  }

  /** @returns The hash of the last entry (publish it to detect truncation later). */
  async head(): Promise<string> {
    return (await this.#store.last())?.hash ?? AUDIT_GENESIS_HASH;
  }

  /** @returns The last entry, or `undefined` when the log is empty. */
  last(): Promise<AuditEntry | undefined> {
    return this.#store.last();
  }

  /**
   * Reads entries oldest first, one page at a time.
   *
   * @param fromSeq - The first sequence number to read (default 0).
   */
  async *entries(fromSeq = 0): AsyncGenerator<AuditEntry> {
    let next = fromSeq;
    for (;;) {
      const page = await this.#store.page(next, this.#pageSize);
      for (const entry of page) yield entry;
      if (page.length < this.#pageSize) return;
      next = page.at(-1)!.seq + 1;
    }
  }

  /**
   * Verifies the whole chain page by page (see {@link verifyAuditChainAsync}).
   *
   * @param options - `expectedHead`: the hash the last entry must have.
   */
  verify(options: { expectedHead?: string } = {}): Promise<AuditVerification> {
    return verifyAuditChainAsync(this.entries(), options);
  }
}

/**
 * Like `verifyAuditChain`, over entries that arrive one by one (an async iterable, e.g.
 * {@link AsyncAuditLog.entries}): memory stays at one page whatever the log's length.
 * Stops reading at the first broken entry, which it names.
 *
 * @param entries - The entries, oldest first.
 * @param options - `expectedHead`: the hash the last entry must have.
 * @returns Whether the chain is intact, and where it breaks.
 *
 * @example
 * ```ts
 * import { AsyncAuditLog, MemoryAuditStore, asyncAuditStore, verifyAuditChainAsync } from '@intelshare/policy';
 *
 * const log = new AsyncAuditLog(asyncAuditStore(new MemoryAuditStore()));
 * await verifyAuditChainAsync(log.entries()); // { valid: true, checked: 0 }
 * ```
 */
export async function verifyAuditChainAsync(
  entries: AsyncIterable<unknown> | Iterable<unknown>,
  options: { expectedHead?: string } = {},
): Promise<AuditVerification> {
  const chain = new AuditChainChecker();
  for await (const entry of entries) {
    const broken = chain.check(entry);
    if (broken) return broken;
  }
  return chain.finish(options.expectedHead);
}
