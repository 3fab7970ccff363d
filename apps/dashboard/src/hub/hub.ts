import { randomBytes, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { type FeedIssue, Poller, type PollerEvent } from '@intelshare/feeds';
import { AsyncAuditLog, type AuditEntry, type AuditVerification } from '@intelshare/policy';
import { extractIocs, iocsToObservables } from '@intelshare/stix/extract';
import { IndicatorIndex } from '@intelshare/stix/patterns';
import { createTaxiiHandler, hashApiKey, policyView } from '@intelshare/taxii-server';
import { Accounts } from './auth';
import type { HubConfig } from './config';
import { type DemoServer, startDemoServer } from './demo/demo-server';
import { ApiKeys, loadPartners, type Partner } from './partners';
import { type SharePreview, type SharePreviewRequest, SharePreviews } from './share-preview';
import { pollSourceFor } from './sources';
import type { HubStore } from './store/hub-store';
import { openHubStore } from './store/open-hub-store';

const TAXII = 'application/taxii+json;version=2.1';
/** The hub's own collection of everything ingested: the source of every partner view. */
const ALL = 'all';
const HUB_IDENTITY = 'identity--9b1f6c2a-4d3e-4f5a-8b7c-6d5e4f3a2b1c';

/** A feed's state as the Sources page shows it. */
export interface SourceStatus {
  id: string;
  title: string;
  kind: string;
  running: boolean;
  lastPollAt: number | null;
  lastOkAt: number | null;
  lastError: string | null;
  polls: number;
  newCount: number;
  updatedCount: number;
  rejectedCount: number;
  issueCount: number;
  lastIssue: string | null;
}

/** Progress of a poll, for the Sources page's live view (server-sent events). */
export type HubEvent =
  | { type: 'poll-start'; sourceId: string }
  | {
      type: 'batch';
      sourceId: string;
      received: number;
      new: number;
      updated: number;
      rejected: number;
    }
  | { type: 'poll-done'; sourceId: string; objects: number }
  | { type: 'poll-error'; sourceId: string; error: string };

/** One hit of the Check page. */
export interface CheckHit {
  ioc: { type: string; value: string };
  indicatorId: string;
  indicatorName: string;
  pattern: string;
  evidence: string[];
}

export type { SharePreview, SharePreviewRequest } from './share-preview';

export interface HubOptions {
  config: HubConfig;
  /** Folder of the configuration file (relative agreement paths). */
  configDir: string;
  /** The app's `data/demo` folder. */
  demoDataDir: string;
  /** Extra STIX bundle files the demo TAXII collection serves (tests). */
  extraDemoStixFiles?: readonly string[];
  /** Start polling on a schedule (default true). */
  autoPoll?: boolean;
}

function errorText(error: unknown): string {
  if (error instanceof Error)
    return `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}`.slice(0, 1000);
  return String(error).slice(0, 1000);
}

/**
 * The sharing hub: feeds pulled by the `@intelshare/feeds` poller into a TAXII storage, a
 * searchable catalogue, checks against an `IndicatorIndex`, and one TAXII 2.1 API root per
 * partner serving a `policyView` of the agreement, audited in a hash chain. Everything it
 * keeps is in one {@link HubStore}: a SQLite file, or a PostgreSQL database.
 */
export class Hub {
  readonly config: HubConfig;
  /** The catalogue, sources, accounts and keys (SQLite or PostgreSQL). */
  readonly store: HubStore;
  readonly accounts: Accounts;
  readonly apiKeys: ApiKeys;
  readonly partners: Map<string, Partner>;
  readonly auditLog: AsyncAuditLog;
  readonly events = new EventEmitter();
  readonly demo: DemoServer | undefined;
  readonly #internalKey: string;
  readonly #internalKeyHash: string;
  readonly #secrets: { cursor: string; pseudonymKeys: Record<string, string> };
  #handler: (request: Request) => Promise<Response>;
  readonly #poller: Poller;
  readonly #sourceIds: Set<string>;
  readonly #running = new Set<string>();
  #index: IndicatorIndex | undefined;
  #previews: SharePreviews | undefined;
  #stopping = false;

  private constructor(
    options: HubOptions,
    parts: {
      store: HubStore;
      partners: Map<string, Partner>;
      demo: DemoServer | undefined;
      internalKey: { key: string; hash: string };
      secrets: { cursor: string; pseudonymKeys: Record<string, string> };
      activeKeys: { partnerId: string; hash: string }[];
    },
  ) {
    this.config = options.config;
    this.demo = parts.demo;
    const demo = parts.demo;
    // One listener per open Sources page (bounded to 100 by /api/events).
    this.events.setMaxListeners(101);
    this.store = parts.store;
    this.accounts = new Accounts(this.store);
    this.apiKeys = new ApiKeys(this.store);
    this.partners = parts.partners;
    this.auditLog = new AsyncAuditLog(this.store.auditStore);
    this.#internalKey = parts.internalKey.key;
    this.#internalKeyHash = parts.internalKey.hash;
    this.#secrets = parts.secrets;
    this.#handler = this.#buildHandler(parts.activeKeys);
    this.#sourceIds = new Set(options.config.sources.map((s) => s.id));
    this.#poller = new Poller({
      sources: options.config.sources.map((source) => pollSourceFor(source, demo?.url)),
      concurrency: 2,
      backoff: { baseMs: 5_000, maxMs: 15 * 60_000 },
      sink: (batch) =>
        this.#ingestBatch(batch.sourceId, batch.objects as Record<string, unknown>[], batch.issues),
      store: {
        get: (id) => this.store.pollState(id),
        set: (id, state) => this.store.setPollState(id, state),
      },
      onEvent: (event) => this.#onPollerEvent(event),
    });
  }

  /** Opens the store, starts the demo sources (when enabled) and the poller. */
  static async start(options: HubOptions): Promise<Hub> {
    // Agreements first: a bad one stops the start before anything is opened.
    const partners = loadPartners(options.config.partners, options.configDir);
    const store = await openHubStore(options.config.storage);
    let demo: DemoServer | undefined;
    try {
      demo = options.config.demo.enabled
        ? await startDemoServer(options.demoDataDir, {
            generatorIntervalMs: options.config.demo.generatorIntervalSeconds * 1000,
            ...(options.extraDemoStixFiles ? { extraStixFiles: options.extraDemoStixFiles } : {}),
          })
        : undefined;
      const secret = (name: string) =>
        store.secret(name, () => randomBytes(32).toString('base64url'));
      const pseudonymKeyIds = new Set<string>();
      for (const partner of partners.values()) {
        const keyId = partner.agreement.agreement.victimProtection?.pseudonymKeyId;
        if (keyId) pseudonymKeyIds.add(keyId);
      }
      const pseudonymKeys: Record<string, string> = Object.create(null);
      for (const id of pseudonymKeyIds) pseudonymKeys[id] = await secret(`pseudonym:${id}`);
      await store.ensureSources(options.config.sources.map((s) => s.id));
      // Per-process: it only ever travels inside this process, to the in-process handler.
      const key = randomBytes(32).toString('base64url');
      const hub = new Hub(options, {
        store,
        partners,
        demo,
        internalKey: { key, hash: await hashApiKey(key) },
        secrets: { cursor: await secret('taxii-cursor'), pseudonymKeys },
        activeKeys: await store.activeApiKeys(),
      });
      if (options.autoPoll !== false) hub.#poller.start();
      return hub;
    } catch (error) {
      await demo?.close().catch(() => {});
      await store.close().catch(() => {});
      throw error;
    }
  }

  /** Stops polling (running polls are aborted; a batch is either stored whole or not at all). */
  async stop(): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    await this.#poller.stop();
    await Promise.all(this.#statusWrites.values());
    await this.demo?.close();
    await this.store.close();
  }

  /** The TAXII handler: the hub's own collection (in-process only) and one API root per partner. */
  #buildHandler(
    keys: readonly { partnerId: string; hash: string }[],
  ): (request: Request) => Promise<Response> {
    return createTaxiiHandler({
      title: 'intelshare sharing hub',
      description: 'Each partner reads its own API root, projected by its sharing agreement.',
      cursorSecret: this.#secrets.cursor,
      ...(this.config.listen.publicOrigin ? { publicUrl: this.config.listen.publicOrigin } : {}),
      storage: this.store.taxiiStorage,
      allowCustomContent: true,
      auth: {
        apiKeys: [
          { principal: 'hub', hash: this.#internalKeyHash },
          ...keys.flatMap((key) => {
            const partner = this.partners.get(key.partnerId);
            return partner ? [{ principal: partner.principal, hash: key.hash }] : [];
          }),
        ],
      },
      limits: { maxPageSize: 1000, defaultPageSize: 100, maxBodyBytes: 32 * 1024 * 1024 },
      apiRoots: [
        {
          path: 'hub',
          title: 'Hub (internal)',
          principals: ['hub'],
          collections: [
            { id: ALL, title: 'Everything ingested', canRead: ['hub'], canWrite: ['hub'] },
          ],
        },
        ...[...this.partners.values()].map((partner) => ({
          path: partner.apiRoot,
          title: `${partner.name}`,
          description: `Shared under ${partner.agreement.agreement.title}`,
          principals: [partner.principal],
          collections: [
            {
              id: 'shared',
              title: `Shared with ${partner.name}`,
              canRead: [partner.principal],
              // The store's AsyncAuditLog: several instances on one database write one chain.
              view: policyView({
                source: ALL,
                agreement: partner.agreement,
                recipient: partner.recipient,
                pseudonymKeys: this.#secrets.pseudonymKeys,
                auditLog: this.auditLog,
              }),
            },
          ],
        })),
      ],
    });
  }

  /** Answers a partner's TAXII request (the internal API root is never reachable from outside). */
  async handleTaxii(request: Request): Promise<Response> {
    // Another instance sharing the store may have created or revoked a key: reload the keys
    // when the store's marker moved, so a revocation holds on every instance at once.
    // The marker is read before the keys, so the keys are at least as new as the marker;
    // it is recorded only with the handler built from them (a request arriving meanwhile
    // reloads too rather than use the old keys).
    const marker = await this.store.apiKeysMarker();
    if (marker !== this.#keysMarker) {
      const handler = this.#buildHandler(await this.apiKeys.active());
      this.#handler = handler;
      this.#keysMarker = marker;
      return handler(request);
    }
    return this.#handler(request);
  }

  /** The key marker the handler's keys were loaded under (see {@link Hub.handleTaxii}). */
  #keysMarker: string | undefined;

  /** Rebuilds the handler so a created or revoked key takes effect at once. */
  async refreshKeys(): Promise<void> {
    const marker = await this.store.apiKeysMarker();
    this.#handler = this.#buildHandler(await this.apiKeys.active());
    this.#keysMarker = marker;
  }

  async #internal(path: string, init: RequestInit = {}): Promise<Response> {
    return this.#handler(
      new Request(`http://hub.internal/hub/collections/${ALL}/${path}`, {
        ...init,
        headers: {
          accept: TAXII,
          authorization: `Bearer ${this.#internalKey}`,
          ...(init.headers ?? {}),
        },
      }),
    );
  }

  /**
   * Stores a batch in the TAXII storage (validated by the server's own POST path) and
   * records what it changed. Returns the counts; rejected objects are reported by id.
   */
  async ingest(
    sourceId: string,
    objects: readonly Record<string, unknown>[],
  ): Promise<{ new: number; updated: number; rejected: number; rejections: string[] }> {
    if (objects.length === 0) return { new: 0, updated: 0, rejected: 0, rejections: [] };
    const response = await this.#internal('objects/', {
      method: 'POST',
      headers: { 'content-type': TAXII },
      body: JSON.stringify({ objects }),
    });
    if (response.status !== 202)
      throw new Error(
        `storing the batch failed: HTTP ${response.status} ${(await response.text()).slice(0, 300)}`,
      );
    const status = (await response.json()) as {
      failures: { id: string; version: string; message: string }[];
    };
    const failed = new Set(status.failures.map((f) => `${f.id}|${f.version}`));
    const stored =
      failed.size === 0
        ? objects
        : objects.filter(
            (o) => !failed.has(`${String(o.id)}|${String(o.modified ?? o.created ?? '')}`),
          );
    const counts = await this.store.recordObjects(sourceId, stored);
    if (this.#index) {
      for (const object of stored) {
        if (object.type === 'indicator' && typeof object.pattern === 'string')
          this.#index.add(object as never);
      }
    }
    return {
      new: counts.new,
      updated: counts.updated,
      rejected: status.failures.length,
      rejections: status.failures.slice(0, 20).map((f) => `${f.id || '(no id)'}: ${f.message}`),
    };
  }

  async #ingestBatch(
    sourceId: string,
    objects: Record<string, unknown>[],
    issues: FeedIssue[],
  ): Promise<void> {
    const result = await this.ingest(sourceId, objects);
    // Rejections (the server refused an object) are errors; feed issues (a row skipped, an
    // attribute kept as a note) are reported beside them.
    await this.store.updateSource(sourceId, {
      addNew: result.new,
      addUpdated: result.updated,
      addRejected: result.rejected,
      addIssues: issues.length,
      ...(result.rejections[0] ? { lastError: `Rejected ${result.rejections[0]}` } : {}),
      ...(issues[0] ? { lastIssue: `${issues[0].path}: ${issues[0].message}` } : {}),
    });
    this.#emit({
      type: 'batch',
      sourceId,
      received: objects.length,
      new: result.new,
      updated: result.updated,
      rejected: result.rejected,
    });
  }

  #onPollerEvent(event: PollerEvent): void {
    const now = Date.now();
    // Status rows are written in event order per source (one chain of writes), so a late
    // "start" can never overwrite the "done" that followed it.
    const record = (update: Parameters<HubStore['updateSource']>[1]) => {
      const previous = this.#statusWrites.get(event.sourceId) ?? Promise.resolve();
      const next = previous
        .then(() => this.store.updateSource(event.sourceId, update))
        .catch(() => {
          // The store is gone (stopping) or unreachable: the Sources page shows the old state.
        });
      this.#statusWrites.set(event.sourceId, next);
    };
    if (event.type === 'poll-start') {
      this.#running.add(event.sourceId);
      record({ lastPollAt: now, lastError: null });
      this.#emit({ type: 'poll-start', sourceId: event.sourceId });
    } else if (event.type === 'poll-done') {
      this.#running.delete(event.sourceId);
      record({ lastOkAt: now, addPolls: 1 });
      this.#emit({ type: 'poll-done', sourceId: event.sourceId, objects: event.objects });
    } else if (event.type === 'poll-error') {
      this.#running.delete(event.sourceId);
      const error = errorText(event.error);
      record({ lastError: error, addPolls: 1 });
      this.#emit({ type: 'poll-error', sourceId: event.sourceId, error });
    }
  }

  /** The last status write of each source, so writes stay in order and `stop` can wait. */
  readonly #statusWrites = new Map<string, Promise<void>>();

  #emit(event: HubEvent): void {
    this.events.emit('event', event);
  }

  /** Polls one source now (or every source) and resolves when done; progress goes to `events`. */
  async pollNow(sourceId?: string): Promise<void> {
    if (sourceId !== undefined && !this.#sourceIds.has(sourceId))
      throw new Error(`unknown source \`${sourceId}\``);
    await this.#poller.runOnce(sourceId === undefined ? undefined : [sourceId]);
    await Promise.all(this.#statusWrites.values());
  }

  async sourceStatuses(): Promise<SourceStatus[]> {
    const rows = (await this.store.sourceRows()) as unknown as Record<string, unknown>[];
    const byId = new Map(rows.map((row) => [row.id as string, row]));
    return this.config.sources.map((source) => {
      const row = byId.get(source.id) ?? {};
      return {
        id: source.id,
        title: source.title,
        kind: source.kind,
        running: this.#running.has(source.id),
        lastPollAt: (row.last_poll_at as number | null) ?? null,
        lastOkAt: (row.last_ok_at as number | null) ?? null,
        lastError: (row.last_error as string | null) ?? null,
        polls: (row.polls as number) ?? 0,
        newCount: (row.new_count as number) ?? 0,
        updatedCount: (row.updated_count as number) ?? 0,
        rejectedCount: (row.rejected_count as number) ?? 0,
        issueCount: (row.issue_count as number) ?? 0,
        lastIssue: (row.last_issue as string | null) ?? null,
      };
    });
  }

  /** Every stored version of an object, oldest first. */
  async versions(id: string): Promise<Record<string, unknown>[]> {
    const response = await this.#internal(`objects/${encodeURIComponent(id)}/?match[version]=all`);
    if (response.status === 404) return [];
    if (!response.ok) throw new Error(`reading ${id} failed: HTTP ${response.status}`);
    const envelope = (await response.json()) as { objects?: Record<string, unknown>[] };
    return envelope.objects ?? [];
  }

  /**
   * What the partner would receive if it pulled now, with every decision. Not audited:
   * previews are not shares.
   */
  async preview(partnerId: string, page: SharePreviewRequest = {}): Promise<SharePreview> {
    const partner = this.partners.get(partnerId);
    if (!partner) throw new Error(`unknown partner \`${partnerId}\``);
    this.#previews ??= new SharePreviews(this.store.taxiiStorage, ALL, this.#secrets.pseudonymKeys);
    return this.#previews.preview(partner, page);
  }

  #indicatorIndex(): Promise<IndicatorIndex> {
    this.#indexReady ??= this.#buildIndicatorIndex().catch((error: unknown) => {
      this.#index = undefined;
      this.#indexReady = undefined;
      throw error;
    });
    return this.#indexReady;
  }

  /** The Check index being built or built; checks wait for it whole. */
  #indexReady: Promise<IndicatorIndex> | undefined;

  async #buildIndicatorIndex(): Promise<IndicatorIndex> {
    const index = new IndicatorIndex();
    // Ingest adds to it from now on, so nothing stored while the pages are read is missed;
    // a page read before an update and added after it is ignored (the index keeps the
    // latest `modified` of each id).
    this.#index = index;
    // Read in pages along seq, so a million indicators never sit in one result set.
    for (let after = 0; ; ) {
      const page = await this.store.indicatorPatterns(after, 5000);
      for (const row of page) {
        index.add({
          id: row.id,
          pattern: row.pattern,
          pattern_type: 'stix',
          ...(row.valid_from ? { valid_from: row.valid_from } : {}),
          ...(row.valid_until ? { valid_until: row.valid_until } : {}),
          revoked: row.revoked === 1,
          modified: row.modified,
        });
      }
      if (page.length < 5000) return index;
      after = page.at(-1)!.seq;
    }
  }

  /** Extracts IOCs from text (refanged), and matches each against every current indicator. */
  async check(
    text: string,
  ): Promise<{ iocs: { type: string; value: string }[]; hits: CheckHit[] }> {
    const iocs = extractIocs(text.slice(0, 5 * 1024 * 1024));
    const observables = iocsToObservables(iocs);
    const index = await this.#indicatorIndex();
    const hits: CheckHit[] = [];
    const matches: { i: number; match: ReturnType<IndicatorIndex['match']>[number] }[] = [];
    observables.forEach((sco, i) => {
      const observed = {
        type: 'observed-data',
        id: `observed-data--${randomUUID()}`,
        first_observed: new Date().toISOString(),
        last_observed: new Date().toISOString(),
        number_observed: 1,
        objects: { '0': sco },
      };
      for (const match of index.match(observed as never)) matches.push({ i, match });
    });
    for (const { i, match } of matches) {
      const sco = observables[i]!;
      const row = await this.store.indicatorSummary(match.indicatorId);
      const ioc = iocs[i] ?? {
        type: sco.type,
        value: String((sco as { value?: unknown }).value ?? ''),
      };
      hits.push({
        ioc: { type: ioc.type, value: ioc.value },
        indicatorId: match.indicatorId,
        indicatorName: row?.name ?? match.indicatorId,
        pattern: row?.pattern ?? String(match.indicator.pattern),
        evidence: match.evidence,
      });
    }
    for (const hit of hits) await this.store.recordMatch(hit.ioc.value, hit.indicatorId);
    return { iocs: iocs.map((ioc) => ({ type: ioc.type, value: ioc.value })), hits };
  }

  /** Records a sighting of an indicator (from a Check hit) as a STIX 2.1 sighting (§5.2). */
  async recordSighting(indicatorId: string, value: string, actor: string): Promise<string> {
    if (!(await this.store.objectFacts(indicatorId)))
      throw new Error(`unknown indicator \`${indicatorId}\``);
    const now = new Date().toISOString();
    const id = `sighting--${randomUUID()}`;
    await this.ingest('check', [
      {
        type: 'sighting',
        spec_version: '2.1',
        id,
        created: now,
        modified: now,
        created_by_ref: HUB_IDENTITY,
        sighting_of_ref: indicatorId,
        count: 1,
        first_seen: now,
        last_seen: now,
        description: `Matched ${value.slice(0, 500)} on the Check page (recorded by ${actor.slice(0, 100)}).`,
      },
    ]);
    return id;
  }

  /**
   * The latest `limit` audit entries (of one partner, when given), newest first. The log is
   * read page by page; only the entries kept are held.
   */
  async auditEntries(partnerId?: string, limit = 200): Promise<AuditEntry[]> {
    const partner = partnerId === undefined ? undefined : this.partners.get(partnerId);
    if (partnerId !== undefined && !partner) return [];
    const last = await this.auditLog.last();
    if (!last) return [];
    // Unfiltered, the newest entries are the last `limit` sequence numbers.
    const from = partner ? 0 : Math.max(0, last.seq - limit + 1);
    const kept: AuditEntry[] = [];
    for await (const entry of this.auditLog.entries(from)) {
      if (
        partner &&
        !(
          entry.recipient === partner.recipient.identity &&
          typeof entry.actor === 'string' &&
          entry.actor.includes(`:${partner.principal}`)
        )
      )
        continue;
      kept.push(entry);
      if (kept.length > limit) kept.shift();
    }
    return kept.reverse();
  }

  /** Verifies the whole audit chain page by page, naming the first broken entry. */
  verifyAudit(): Promise<AuditVerification> {
    return this.auditLog.verify();
  }
}
