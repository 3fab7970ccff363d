import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/**
 * The hub's own tables, beside the TAXII storage and the audit log in the same SQLite
 * file. The STIX objects themselves (every version, byte for byte) live in the TAXII
 * storage; these tables hold what the pages search, sort and count.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS hub_objects (
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  version TEXT NOT NULL,
  source TEXT NOT NULL,
  tlp TEXT NOT NULL,
  name TEXT,
  revoked INTEGER NOT NULL DEFAULT 0,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS hub_objects_type ON hub_objects (type);

-- One row per indicator (its latest version). seq is the keyset for "newest first".
CREATE TABLE IF NOT EXISTS hub_indicators (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  pattern TEXT NOT NULL,
  value TEXT NOT NULL,
  ioc_type TEXT NOT NULL,
  tlp TEXT NOT NULL,
  source TEXT NOT NULL,
  confidence INTEGER,
  valid_from TEXT,
  valid_until TEXT,
  revoked INTEGER NOT NULL DEFAULT 0,
  modified TEXT NOT NULL,
  added INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS hub_indicators_value ON hub_indicators (value, seq);
CREATE INDEX IF NOT EXISTS hub_indicators_modified ON hub_indicators (modified, seq);
CREATE INDEX IF NOT EXISTS hub_indicators_source ON hub_indicators (source, seq);
CREATE INDEX IF NOT EXISTS hub_indicators_tlp ON hub_indicators (tlp, seq);
CREATE INDEX IF NOT EXISTS hub_indicators_type ON hub_indicators (ioc_type, seq);
CREATE INDEX IF NOT EXISTS hub_indicators_confidence ON hub_indicators (confidence, seq);
CREATE INDEX IF NOT EXISTS hub_indicators_added ON hub_indicators (added);
-- Substring search over value, name and pattern (trigram tokenizer: any 3+ characters).
CREATE VIRTUAL TABLE IF NOT EXISTS hub_indicators_text USING fts5(
  value, name, pattern, content='hub_indicators', content_rowid='seq', tokenize='trigram'
);
CREATE TRIGGER IF NOT EXISTS hub_indicators_ai AFTER INSERT ON hub_indicators BEGIN
  INSERT INTO hub_indicators_text (rowid, value, name, pattern) VALUES (new.seq, new.value, new.name, new.pattern);
END;
CREATE TRIGGER IF NOT EXISTS hub_indicators_ad AFTER DELETE ON hub_indicators BEGIN
  INSERT INTO hub_indicators_text (hub_indicators_text, rowid, value, name, pattern) VALUES ('delete', old.seq, old.value, old.name, old.pattern);
END;
CREATE TRIGGER IF NOT EXISTS hub_indicators_au AFTER UPDATE ON hub_indicators BEGIN
  INSERT INTO hub_indicators_text (hub_indicators_text, rowid, value, name, pattern) VALUES ('delete', old.seq, old.value, old.name, old.pattern);
  INSERT INTO hub_indicators_text (rowid, value, name, pattern) VALUES (new.seq, new.value, new.name, new.pattern);
END;

CREATE TABLE IF NOT EXISTS hub_relationships (
  id TEXT PRIMARY KEY,
  relationship_type TEXT NOT NULL,
  source_ref TEXT NOT NULL,
  target_ref TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS hub_relationships_source ON hub_relationships (source_ref);
CREATE INDEX IF NOT EXISTS hub_relationships_target ON hub_relationships (target_ref);

CREATE TABLE IF NOT EXISTS hub_sightings (
  id TEXT PRIMARY KEY,
  sighting_of_ref TEXT NOT NULL,
  count INTEGER,
  first_seen TEXT,
  last_seen TEXT,
  source TEXT NOT NULL,
  description TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS hub_sightings_of ON hub_sightings (sighting_of_ref);

CREATE TABLE IF NOT EXISTS hub_sources (
  id TEXT PRIMARY KEY,
  state TEXT,
  last_poll_at INTEGER,
  last_ok_at INTEGER,
  last_error TEXT,
  polls INTEGER NOT NULL DEFAULT 0,
  new_count INTEGER NOT NULL DEFAULT 0,
  updated_count INTEGER NOT NULL DEFAULT 0,
  rejected_count INTEGER NOT NULL DEFAULT 0,
  issue_count INTEGER NOT NULL DEFAULT 0,
  last_issue TEXT
) STRICT;

CREATE TABLE IF NOT EXISTS hub_matches (
  seq INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  value TEXT NOT NULL,
  indicator_id TEXT NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS hub_users (
  username TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS hub_sessions (
  token_hash TEXT PRIMARY KEY,
  username TEXT NOT NULL,
  csrf TEXT NOT NULL,
  expires INTEGER NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS hub_api_keys (
  id TEXT PRIMARY KEY,
  partner_id TEXT NOT NULL,
  hash TEXT NOT NULL,
  hint TEXT NOT NULL,
  created INTEGER NOT NULL,
  revoked INTEGER
) STRICT;
CREATE TABLE IF NOT EXISTS hub_secrets (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;
`;

export type HubDatabase = Database.Database;

/** Opens (creating when missing) the hub's SQLite file and its tables. */
export function openHubDatabase(file: string): HubDatabase {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  return db;
}
