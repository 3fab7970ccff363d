import type { StoredObject } from './taxii-storage';

const encoder = new TextEncoder();

/**
 * One object row as both SQL adapters select it, as an array (better-sqlite3 `raw()`, pg
 * `rowMode: 'array'`); Postgres returns `bigint` as text. The body comes as bytes when the
 * query selects it as a BLOB/`bytea` (no UTF-8 decoding), or as text.
 */
export type ObjectTuple = [
  added: number | string,
  id: string,
  type: string,
  specVersion: string,
  version: string | null,
  versionKey: string,
  body: Uint8Array | string,
];

/** Maps a selected row array to the storage-neutral shape. */
export function tupleToStored(row: ObjectTuple): StoredObject {
  const body = row[6];
  return {
    id: row[1],
    type: row[2],
    specVersion: row[3],
    version: row[4],
    versionKey: row[5],
    added: Number(row[0]),
    body: typeof body === 'string' ? encoder.encode(body) : body,
  };
}
