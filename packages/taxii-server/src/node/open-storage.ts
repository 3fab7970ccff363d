import { AuditLog } from '@intelshare/policy';
import { IntelshareError } from '@intelshare/stix';
import type { RateLimitStore } from '../limits/rate-limit-store';
import type { MirrorOptions } from '../storage/collection-mirror';
import { MemoryStorage } from '../storage/memory-storage';
import type { TaxiiStorage } from '../storage/taxii-storage';

/**
 * Opens the storage a config file's `storage` URL names: `memory:`, `sqlite:<file>` or
 * `postgres://…`. SQLite and Postgres are loaded only when used, so their drivers stay
 * optional peers.
 *
 * @param url - the storage URL.
 * @param options - `mirror`: the config file's `mirror` (SQLite and PostgreSQL keep a copy
 *   of each collection read in process memory; ignored for `memory:`).
 * @returns the opened storage.
 * @example
 * ```ts
 * import { openStorage } from '@intelshare/taxii-server/node';
 *
 * const storage = await openStorage('sqlite:./taxii.db');
 * await storage.close();
 * ```
 */
export async function openStorage(
  url: string,
  options: { mirror?: boolean | MirrorOptions | undefined } = {},
): Promise<TaxiiStorage> {
  const mirror = options.mirror ?? false;
  if (url === 'memory' || url === 'memory:') return new MemoryStorage();
  if (url.startsWith('sqlite:')) {
    const { SqliteStorage } = await import('../sqlite/sqlite-storage');
    return new SqliteStorage(url.slice('sqlite:'.length), { mirror });
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const { PostgresStorage } = await import('../postgres/postgres-storage');
    const storage = new PostgresStorage(url, { mirror });
    await storage.ready();
    return storage;
  }
  throw new IntelshareError(
    'INVALID_ARGUMENT',
    'Unknown storage URL; use `memory:`, `sqlite:<file>` or `postgres://…`.',
    { path: 'storage' },
  );
}

/**
 * The rate-limit store that goes with a storage URL: for `postgres://…`, a
 * `PostgresRateLimiter` on the same database, so `limits.rateLimit` holds across every
 * instance serving it; for memory and SQLite, `undefined` (per process, which is all
 * there is for one process or one file).
 *
 * @param url - the storage URL.
 * @returns the store for `toTaxiiServerConfig(file, { rateLimitStore })`, or `undefined`.
 * @example
 * ```ts
 * import { openRateLimitStore } from '@intelshare/taxii-server/node';
 *
 * const store = await openRateLimitStore('sqlite:./taxii.db'); // undefined: per process
 * ```
 */
export async function openRateLimitStore(
  url: string,
): Promise<(RateLimitStore & { close(): Promise<void> }) | undefined> {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const { PostgresRateLimiter } = await import('../postgres/postgres-rate-limiter');
    return new PostgresRateLimiter(url);
  }
  return undefined;
}

/**
 * Opens the policy audit log a config file's `audit` setting names: `memory` or
 * `sqlite:<file>` (persistent, see `SqliteAuditStore`).
 *
 * @param url - the audit setting.
 * @returns an `AuditLog` for `toTaxiiServerConfig(file, { auditLog })`.
 * @example
 * ```ts
 * import { openAuditLog } from '@intelshare/taxii-server/node';
 *
 * const auditLog = await openAuditLog('sqlite:./audit.db');
 * console.log(auditLog.entries().length);
 * ```
 */
export async function openAuditLog(url: string): Promise<AuditLog> {
  if (url === 'memory' || url === 'memory:') return new AuditLog();
  if (url.startsWith('sqlite:')) {
    const { SqliteAuditStore } = await import('../sqlite/sqlite-audit-store');
    return new AuditLog(new SqliteAuditStore(url.slice('sqlite:'.length)));
  }
  throw new IntelshareError(
    'INVALID_ARGUMENT',
    'Unknown audit URL; use `memory` or `sqlite:<file>`.',
    { path: 'audit' },
  );
}
