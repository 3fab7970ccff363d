import type { StoredObject } from './taxii-storage';

/** One object row as both SQL adapters select it (Postgres returns `bigint` as text). */
export interface ObjectRow {
  added: number | string;
  id: string;
  type: string;
  spec_version: string;
  version: string | null;
  version_key: string;
  body: string;
}

/** Maps a selected row to the storage-neutral shape. */
export function rowToStored(row: ObjectRow): StoredObject {
  return {
    id: row.id,
    type: row.type,
    specVersion: row.spec_version,
    version: row.version,
    versionKey: row.version_key,
    added: Number(row.added),
    body: row.body,
  };
}
