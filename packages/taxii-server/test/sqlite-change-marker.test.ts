// SqliteStorage.changeMarker: one primary-key read of the collection's counter row, which
// every write that stores a version or removes a row moves (whichever connection made it)
// and no other write does; a file from before the marker counted deletes gains the count in
// place.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VersionSelector } from '../src/index';
import { SqliteStorage } from '../src/sqlite/index';
import { indicator, malware, toNew } from './support/objects';

const ALL: VersionSelector = { all: true, first: false, last: false, keys: [] };
const FIRST: VersionSelector = { all: false, first: true, last: false, keys: [] };
const LAST: VersionSelector = { all: false, first: false, last: true, keys: [] };
const month = (m: number) => `2024-0${m}-01T00:00:00.000Z`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'intelshare-sqlite-marker-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sqlite change marker', () => {
  it('moves on every stored version and every removal by either connection, and only then', async () => {
    const file = join(dir, 'paths.db');
    const writer = new SqliteStorage(file);
    const reader = new SqliteStorage(file);
    const seen: string[] = [];
    // Each change must give a marker never seen before; each no-op the same one as before.
    const changed = async () => {
      const marker = await reader.changeMarker('c');
      expect(seen).not.toContain(marker);
      expect(await writer.changeMarker('c')).toBe(marker);
      seen.push(marker);
    };
    const unchanged = async () => {
      expect(await reader.changeMarker('c')).toBe(seen.at(-1));
      expect(await writer.changeMarker('c')).toBe(seen.at(-1));
    };
    try {
      seen.push(await reader.changeMarker('c'));
      const one = indicator(1, month(2));
      await writer.addObjects('c', [toNew(one), toNew(malware(1))]);
      await changed();
      // a re-POST of stored versions stores nothing
      await writer.addObjects('c', [toNew(one), toNew(malware(1))]);
      await unchanged();
      // a newer version (the stored one gives up is_last) and an older one (is_first)
      await writer.addObjects('c', [toNew(indicator(1, month(4)))]);
      await changed();
      await writer.addObjects('c', [toNew(indicator(1, month(1)))]);
      await changed();
      // a batch with one new version among stored ones
      await writer.addObjects('c', [toNew(one), toNew(indicator(1, month(3))), toNew(malware(1))]);
      await changed();
      // the other connection writes too
      await reader.addObjects('c', [toNew(indicator(2))]);
      await changed();

      // deletes of nothing: unknown id, no such spec version, no such version
      expect(await writer.deleteObject('c', indicator(99).id, ALL)).toBe(0);
      await unchanged();
      expect(await writer.deleteObject('c', one.id, ALL, ['2.0'])).toBe(0);
      await unchanged();
      const missing: VersionSelector = {
        ...ALL,
        all: false,
        keys: [toNew(indicator(1, month(7))).versionKey],
      };
      expect(await writer.deleteObject('c', one.id, missing)).toBe(0);
      await unchanged();

      // each version rule that removes something (versions 1-4 of indicator 1 are stored)
      const second: VersionSelector = { ...ALL, all: false, keys: [toNew(one).versionKey] };
      expect(await writer.deleteObject('c', one.id, second)).toBe(1);
      await changed();
      expect(await writer.deleteObject('c', one.id, FIRST)).toBe(1);
      await changed();
      expect(await writer.deleteObject('c', one.id, LAST)).toBe(1);
      await changed();
      expect(await reader.deleteObject('c', one.id, ALL, ['2.1'])).toBe(1);
      await changed();
      expect(await writer.deleteObject('c', malware(1).id, ALL)).toBe(1);
      await changed();
      // the collection is back to one object; adding a removed version again is a change
      await writer.addObjects('c', [toNew(one)]);
      await changed();

      // other collections keep their marker
      const other = await reader.changeMarker('other');
      await writer.addObjects('c', [toNew(indicator(3))]);
      await writer.deleteObject('c', indicator(3).id, ALL);
      expect(await reader.changeMarker('other')).toBe(other);
    } finally {
      await writer.close();
      await reader.close();
    }
  });

  it('reads the counter row, not the objects, and counts deletes made by any writer', async () => {
    const file = join(dir, 'counter.db');
    const storage = new SqliteStorage(file);
    const raw = new Database(file);
    try {
      await storage.addObjects('c', [toNew(indicator(1)), toNew(indicator(2))]);
      const marker = await storage.changeMarker('c');
      const row = raw
        .prepare('SELECT last_added, deletes FROM taxii_counters WHERE collection = ?')
        .get('c') as { last_added: number; deletes: number };
      expect(marker).toBe(`${row.last_added}:0`);
      // a row slipped in without its counter is not counted: the marker is no count(*)
      const extra = toNew(indicator(3));
      raw
        .prepare(
          'INSERT INTO taxii_objects (collection, added, id, type, spec_version, version, version_key, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(
          'c',
          row.last_added + 1,
          extra.id,
          extra.type,
          '2.1',
          extra.version,
          extra.versionKey,
          extra.body,
        );
      expect(await storage.changeMarker('c')).toBe(marker);
      // a delete by a writer that knows nothing of the count (code from before it) raises it
      raw.prepare('DELETE FROM taxii_objects WHERE collection = ? AND id = ?').run('c', extra.id);
      expect(await storage.changeMarker('c')).toBe(`${row.last_added}:1`);
      expect(
        raw
          .prepare(
            'EXPLAIN QUERY PLAN SELECT last_added, deletes FROM taxii_counters WHERE collection = ?',
          )
          .all('c'),
      ).toEqual([
        expect.objectContaining({
          detail: expect.stringMatching(
            /^SEARCH taxii_counters USING INDEX sqlite_autoindex_taxii_counters_1 \(collection=\?\)$/,
          ),
        }),
      ]);
      expect(await storage.changeMarker('never-written')).toBe('0:0');
    } finally {
      raw.close();
      await storage.close();
    }
  });

  it('gives a file from before the delete count a correct marker, migrated in place once', async () => {
    const file = join(dir, 'v2.db');
    // The schema as version 2 created it: version flags, a counter without `deletes`.
    const old = new Database(file);
    old.exec(`
      CREATE TABLE taxii_counters (collection TEXT PRIMARY KEY, last_added INTEGER NOT NULL) STRICT;
      CREATE TABLE taxii_objects (
        collection TEXT NOT NULL, added INTEGER NOT NULL, id TEXT NOT NULL, type TEXT NOT NULL,
        spec_version TEXT NOT NULL, version TEXT, version_key TEXT NOT NULL, body TEXT NOT NULL,
        is_last INTEGER NOT NULL DEFAULT 0, is_first INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (collection, added)
      ) STRICT, WITHOUT ROWID;
      CREATE UNIQUE INDEX taxii_objects_id ON taxii_objects (collection, id, version_key);
      CREATE INDEX taxii_objects_type ON taxii_objects (collection, type, added);
      CREATE TABLE taxii_statuses (id TEXT PRIMARY KEY, api_root TEXT NOT NULL, owner TEXT NOT NULL, body TEXT NOT NULL) STRICT;
      PRAGMA user_version = 2;
    `);
    const insert = old.prepare('INSERT INTO taxii_objects VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, 1)');
    [indicator(1), indicator(2)].forEach((o, i) => {
      const n = toNew(o);
      insert.run('kept', 1000 + i, n.id, n.type, n.specVersion, n.version, n.versionKey, n.body);
    });
    old.prepare('INSERT INTO taxii_counters VALUES (?, ?)').run('kept', 1001);
    old.close();

    // two connections open the old file: one migrates, the other finds it done
    const first = new SqliteStorage(file);
    const second = new SqliteStorage(file);
    try {
      expect(await first.changeMarker('kept')).toBe('1001:0');
      expect(await second.changeMarker('kept')).toBe('1001:0');
      expect(await first.deleteObject('kept', indicator(1).id, ALL)).toBe(1);
      expect(await second.changeMarker('kept')).toBe('1001:1');
      await second.addObjects('kept', [toNew(indicator(3))]);
      const added = await first.changeMarker('kept');
      expect(added).toMatch(/^\d+:1$/);
      expect(added).not.toBe('1001:1');
      const page = await first.queryObjects('kept', { after: 0, versions: LAST, limit: 10 });
      expect(page.objects.map((o) => o.id)).toEqual([indicator(2).id, indicator(3).id]);
    } finally {
      await first.close();
      await second.close();
    }
    const check = new Database(file, { readonly: true });
    try {
      expect(check.pragma('user_version', { simple: true })).toBe(3);
      const deletes = check.prepare("SELECT deletes FROM taxii_counters WHERE collection = 'kept'");
      expect(deletes.pluck().get()).toBe(1);
    } finally {
      check.close();
    }
    // opening it again keeps the count
    const again = new SqliteStorage(file);
    try {
      expect((await again.changeMarker('kept')).endsWith(':1')).toBe(true);
    } finally {
      await again.close();
    }
  });
});
