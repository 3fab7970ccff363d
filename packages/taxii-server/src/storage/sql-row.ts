import type { StoredObject } from './taxii-storage';

/**
 * One object row as both SQL adapters select it, as an array (better-sqlite3 `raw()`, pg
 * `rowMode: 'array'`); Postgres returns `bigint` as text.
 */
export type ObjectTuple = [
  added: number | string,
  id: string,
  type: string,
  specVersion: string,
  version: string | null,
  versionKey: string,
  body: string,
];

/** Maps a selected row array to the storage-neutral shape. */
export function tupleToStored(row: ObjectTuple): StoredObject {
  return {
    id: row[1],
    type: row[2],
    specVersion: row[3],
    version: row[4],
    versionKey: row[5],
    added: Number(row[0]),
    body: row[6],
  };
}
