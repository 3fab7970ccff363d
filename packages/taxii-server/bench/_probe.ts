import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStorage } from '../src/sqlite/index';

const N = 200_000;
const dir = mkdtempSync(join(tmpdir(), 'probe-'));
const s = new SqliteStorage(join(dir, 'p.db'));
function obj(n: number) {
  const id = `indicator--${(n >>> 16).toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
  const body = JSON.stringify({
    type: 'indicator',
    spec_version: '2.1',
    id,
    created: '2024-01-01T00:00:00.000Z',
    modified: '2024-01-01T00:00:00.000Z',
    name: `C2 address ${n}`,
    indicator_types: ['malicious-activity'],
    pattern: `[ipv4-addr:value = '10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}']`,
    pattern_type: 'stix',
    valid_from: '2024-01-01T00:00:00Z',
    object_marking_refs: ['marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb'],
  });
  return {
    id,
    type: 'indicator',
    specVersion: '2.1',
    version: '2024-01-01T00:00:00.000Z',
    versionKey: '2024-01-01T00:00:00.000000000',
    body,
  };
}
let first = 0;
for (let i = 0; i < N; i += 20000) {
  const r = await s.addObjects(
    'b',
    Array.from({ length: 20000 }, (_, k) => obj(i + k)),
  );
  if (i === 0) first = r[0]!.added;
}
await s.analyze();
const db = new Database(join(dir, 'p.db'));
const t = (name: string, f: () => unknown, n = 50) => {
  f();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) f();
  console.log(name, ((performance.now() - t0) / n).toFixed(2), 'ms');
};
const after = first + 100000 * 1;
const all = { all: true, first: false, last: false, keys: [] };
const last = { all: false, first: false, last: true, keys: [] };
t('storage last', () => s.queryObjects('b', { after, limit: 1000, versions: last }));
t('storage all', () => s.queryObjects('b', { after, limit: 1000, versions: all }));
const q1 = db.prepare(
  'SELECT added, id, type, spec_version, version, version_key, body FROM taxii_objects WHERE collection = ? AND added > ? ORDER BY added LIMIT 1001',
);
t('raw rows all cols', () => q1.all('b', after));
const q2 = db
  .prepare(
    'SELECT body FROM taxii_objects WHERE collection = ? AND added > ? ORDER BY added LIMIT 1001',
  )
  .pluck();
t('raw body pluck', () => q2.all('b', after));
const q3 = db
  .prepare(
    "SELECT count(*), min(added), max(added), group_concat(body, ',') FROM (SELECT added, body FROM taxii_objects WHERE collection = ? AND added > ? ORDER BY added LIMIT 1000)",
  )
  .raw();
t('group_concat', () => q3.get('b', after));
const q4 = db
  .prepare(
    'SELECT o.body FROM taxii_objects o WHERE o.collection = ? AND o.added > ? AND o.version_key = (SELECT max(o2.version_key) FROM taxii_objects o2 WHERE o2.collection = o.collection AND o2.id = o.id) ORDER BY o.added LIMIT 1001',
  )
  .pluck();
t('last subquery pluck', () => q4.all('b', after));
const sample = q2.all('b', after) as string[];
const parsed = sample.map((x) => JSON.parse(x));
t('JSON.stringify baseline', () => JSON.stringify({ more: true, next: 'x', objects: parsed }));
t('join', () => `{"objects":[${sample.join(',')}]}`);
console.log(
  db
    .prepare(
      'EXPLAIN QUERY PLAN SELECT o.body FROM taxii_objects o WHERE o.collection = ? AND o.added > ? AND o.version_key = (SELECT max(o2.version_key) FROM taxii_objects o2 WHERE o2.collection = o.collection AND o2.id = o.id) ORDER BY o.added LIMIT 1001',
    )
    .all('b', after),
);
