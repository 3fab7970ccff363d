import type { HubConfig } from '../config';
import type { HubStore } from './hub-store';
import { PostgresHubStore } from './postgres-hub-store';
import { SqliteHubStore } from './sqlite-hub-store';

/** Opens the store the configuration names: a SQLite file, or a PostgreSQL database. */
export async function openHubStore(storage: HubConfig['storage']): Promise<HubStore> {
  if (storage.postgres?.url) return PostgresHubStore.open(storage.postgres.url);
  if (storage.sqlite) return new SqliteHubStore(storage.sqlite);
  throw new Error('storage: give `sqlite` (a file) or `postgres` (a database)');
}
