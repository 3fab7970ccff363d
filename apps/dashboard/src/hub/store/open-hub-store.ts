import { IntelshareError } from '@intelshare/stix';
import type { HubConfig } from '../config';
import type { HubStore } from './hub-store';
import { PostgresHubStore } from './postgres-hub-store';
import { SqliteHubStore } from './sqlite-hub-store';

/** The error's message with the URL and its password cut out (a driver may quote either). */
function withoutSecrets(message: string, url: string): string {
  let out = message.split(url).join('<url>');
  try {
    const password = decodeURIComponent(new URL(url).password);
    if (password) out = out.split(password).join('<password>');
  } catch {}
  return out.slice(0, 500);
}

/**
 * Opens the store the configuration names: a SQLite file, or a PostgreSQL database.
 *
 * @throws {IntelshareError} `STORAGE_ERROR` with the config path (`storage.sqlite`,
 *   `storage.postgres`) when the store cannot be opened; never the URL or its password.
 */
export async function openHubStore(storage: HubConfig['storage']): Promise<HubStore> {
  const url = storage.postgres?.url;
  const path = url ? 'storage.postgres' : 'storage.sqlite';
  try {
    if (url) return await PostgresHubStore.open(url);
    if (storage.sqlite) return new SqliteHubStore(storage.sqlite);
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new IntelshareError(
      'STORAGE_ERROR',
      `${path}: cannot open the store: ${url ? withoutSecrets(message, url) : message}`,
      { path },
    );
  }
  throw new IntelshareError(
    'STORAGE_ERROR',
    'storage: give `sqlite` (a file) or `postgres` (a database)',
    {
      path: 'storage',
    },
  );
}
