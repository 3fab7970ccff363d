import type { AsyncAuditStore } from '@intelshare/policy';
import type { TaxiiStorage } from '@intelshare/taxii-server';
import type { IndicatorPage, IndicatorQuery } from '../indicator-query';

/** The catalogue's row of one object (its latest version). */
export interface ObjectFacts {
  id: string;
  type: string;
  version: string;
  source: string;
  tlp: string;
  name: string | null;
}

/** What one batch did to the catalogue. */
export interface CatalogCounts {
  new: number;
  updated: number;
  unchanged: number;
}

/** A relationship touching an object, with the other end's name when the hub holds it. */
export interface RelationshipRow {
  id: string;
  type: string;
  source: string;
  target: string;
  otherName: string | null;
  otherType: string | null;
}

export interface SightingRow {
  id: string;
  count: number | null;
  first_seen: string | null;
  last_seen: string | null;
  source: string;
  description: string | null;
}

export interface MatchRow {
  at: number;
  value: string;
  indicator_id: string;
}

/** What the Check page's index is built from: one indicator's current version. */
export interface IndicatorPatternRow {
  seq: number;
  id: string;
  name: string;
  pattern: string;
  valid_from: string | null;
  valid_until: string | null;
  revoked: number;
  modified: string;
}

/** A source's stored state and counters (the Sources page adds title, kind and running). */
export interface SourceRow {
  id: string;
  last_poll_at: number | null;
  last_ok_at: number | null;
  last_error: string | null;
  polls: number;
  new_count: number;
  updated_count: number;
  rejected_count: number;
  issue_count: number;
  last_issue: string | null;
}

/** A change to a source's row; counters are added, the other fields set (`null` clears). */
export interface SourceUpdate {
  lastPollAt?: number;
  lastOkAt?: number;
  lastError?: string | null;
  lastIssue?: string;
  addPolls?: number;
  addNew?: number;
  addUpdated?: number;
  addRejected?: number;
  addIssues?: number;
}

export interface SessionRow {
  username: string;
  csrf: string;
  expires: number;
}

export interface ApiKeyRow {
  id: string;
  partner_id: string;
  hint: string;
  created: number;
  revoked: number | null;
}

/**
 * Everything the hub keeps besides the STIX objects: the searchable catalogue, sources,
 * matches, users, sessions, partner keys and secrets. Two implementations with the same
 * behaviour (one test suite runs against both): SQLite, the default, in one file beside
 * the TAXII storage, and PostgreSQL for several instances in production. Every method is
 * asynchronous so the pages never care which one runs.
 */
export interface HubStore {
  /** `sqlite` or `postgres`, for the Overview page and logs (never the URL). */
  readonly kind: 'sqlite' | 'postgres';
  /** Where the STIX objects themselves live (same database). */
  readonly taxiiStorage: TaxiiStorage;
  /** Where the audit chain of partner pulls lives (same database). */
  readonly auditStore: AsyncAuditStore;

  // Catalogue
  /** Records the latest versions of a batch of (already stored) objects, in one transaction. */
  recordObjects(
    sourceId: string,
    objects: readonly Record<string, unknown>[],
  ): Promise<CatalogCounts>;
  countsBy(column: 'type' | 'tlp' | 'source'): Promise<{ key: string; count: number }[]>;
  totalObjects(): Promise<number>;
  /** Indicators added per bucket of `bucketMs` in the `buckets` buckets ending at `now`, oldest first. */
  indicatorsAddedOverTime(
    bucketMs: number,
    buckets: number,
    now?: number,
  ): Promise<{ start: number; count: number }[]>;
  objectFacts(id: string): Promise<ObjectFacts | undefined>;
  /** At most 50, ordered by relationship id. */
  relationshipsOf(id: string): Promise<RelationshipRow[]>;
  /** At most 100, latest `last_seen` first (missing last), then by id. */
  sightingsOf(id: string): Promise<SightingRow[]>;
  recordMatch(value: string, indicatorId: string): Promise<void>;
  recentMatches(limit: number): Promise<MatchRow[]>;

  // Indicators
  /** One page of the indicator table (see `indicatorQuerySchema`); the same rows on every store. */
  queryIndicators(query: IndicatorQuery, now?: Date): Promise<IndicatorPage | { error: string }>;
  /** Distinct indicator types and sources, sorted, at most 200 each. */
  indicatorFacets(): Promise<{ types: string[]; sources: string[] }>;
  /** Indicators with `seq > afterSeq`, in `seq` order, at most `limit` (builds the Check index). */
  indicatorPatterns(afterSeq: number, limit: number): Promise<IndicatorPatternRow[]>;
  indicatorSummary(id: string): Promise<{ name: string; pattern: string } | undefined>;

  // Sources
  /** Adds a row for each source id that has none. */
  ensureSources(ids: readonly string[]): Promise<void>;
  sourceRows(): Promise<SourceRow[]>;
  updateSource(id: string, update: SourceUpdate): Promise<void>;
  /** The poller's saved state of a source (JSON), or `undefined`. */
  pollState(id: string): Promise<unknown>;
  setPollState(id: string, state: unknown): Promise<void>;

  // Accounts
  passwordHash(username: string): Promise<string | undefined>;
  /** Sets a user's password hash and ends every session of the user. */
  setPasswordHash(username: string, hash: string): Promise<void>;
  /** Stores a session and removes expired ones. */
  createSession(tokenHash: string, username: string, csrf: string, expires: number): Promise<void>;
  session(tokenHash: string): Promise<SessionRow | undefined>;
  deleteSession(tokenHash: string): Promise<void>;

  // Partner API keys (hashes only)
  insertApiKey(key: {
    id: string;
    partnerId: string;
    hash: string;
    hint: string;
    created: number;
  }): Promise<void>;
  /** @returns whether an active key was revoked. */
  revokeApiKey(partnerId: string, keyId: string, at: number): Promise<boolean>;
  /** A partner's keys, newest first. */
  apiKeys(partnerId: string): Promise<ApiKeyRow[]>;
  activeApiKeys(): Promise<{ partnerId: string; hash: string }[]>;
  /**
   * A marker that changes whenever a key is created or revoked (by any instance sharing the
   * store), so each instance can reload its keys before answering a partner.
   */
  apiKeysMarker(): Promise<string>;

  /** A named secret, created with `create()` on first use (the first writer wins). */
  secret(name: string, create: () => string): Promise<string>;

  /** After a bulk load: refreshes the planner's statistics (and folds SQLite's WAL in). */
  optimize(): Promise<void>;

  close(): Promise<void>;
}
