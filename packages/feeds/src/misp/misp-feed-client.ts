import { FeedValidationError } from '../errors/feed-validation-error';
import { type HttpOptions, HttpTransport } from '../http/http-transport';
import { parseJsonBytes } from '../http/parse-json';
import {
  type MispEvent,
  type MispManifestEntry,
  mispEventSchema,
  mispManifestEntrySchema,
} from './misp-schemas';

/** Options of {@link MispFeedClient}. */
export interface MispFeedClientOptions extends HttpOptions {
  /** The feed's base URL, the folder holding `manifest.json`. */
  url: string;
}

/** Serialisable progress of a MISP feed poll: the manifest timestamp of each event already taken. */
export interface MispFeedState {
  timestamps: Record<string, string>;
}

/** One changed event from {@link MispFeedClient.changedEvents}. */
export interface MispFeedUpdate {
  uuid: string;
  entry: MispManifestEntry;
  event: MispEvent;
  /** The state to store once this event is safely processed. */
  state: MispFeedState;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const decoder = new TextDecoder();

/**
 * A client for MISP feeds (the `manifest.json` + `<uuid>.json` + `hashes.csv` layout that
 * MISP publishes and imports). Polls incrementally: only events whose manifest timestamp
 * changed since the stored state are fetched.
 *
 * @see /feeds/misp/
 *
 * @example
 * ```ts
 * import { MispFeedClient, mispToStix, type MispFeedState } from '@intelshare/feeds';
 *
 * const feed = new MispFeedClient({ url: 'https://www.circl.lu/doc/misp/feed-osint/' });
 * let state: MispFeedState = { timestamps: {} };
 * for await (const update of feed.changedEvents(state)) {
 *   console.log(update.event.info, mispToStix(update.event).objects.length);
 *   state = update.state;
 * }
 * ```
 */
export class MispFeedClient {
  readonly #http: HttpTransport;
  readonly #base: URL;

  /** @param options - Feed URL and transport options. */
  constructor(options: MispFeedClientOptions) {
    this.#http = new HttpTransport(options, options.url);
    this.#base = new URL(options.url.endsWith('/') ? options.url : `${options.url}/`);
  }

  /**
   * Reads `manifest.json`.
   *
   * @returns A map from event uuid to its manifest entry.
   */
  async manifest(options: { signal?: AbortSignal } = {}): Promise<Map<string, MispManifestEntry>> {
    const response = await this.#http.request({
      method: 'GET',
      url: new URL('manifest.json', this.#base),
      headers: { accept: 'application/json' },
      signal: options.signal,
    });
    const value = parseJsonBytes(response.body, 'The MISP feed manifest');
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new FeedValidationError(
        'VALIDATION_FAILED',
        'The MISP feed manifest is not an object.',
      );
    const entries = new Map<string, MispManifestEntry>();
    const issues = [];
    for (const [uuid, raw] of Object.entries(value)) {
      if (!UUID.test(uuid)) {
        issues.push({ path: `manifest.${uuid.slice(0, 40)}`, message: 'is not an event uuid' });
        continue;
      }
      const parsed = mispManifestEntrySchema.safeParse(raw);
      if (!parsed.success) {
        issues.push({
          path: `manifest.${uuid}`,
          message: parsed.error.issues[0]?.message ?? 'invalid entry',
        });
        continue;
      }
      entries.set(uuid.toLowerCase(), parsed.data);
    }
    if (issues.length > 0)
      throw new FeedValidationError(
        'VALIDATION_FAILED',
        'The MISP feed manifest has bad entries.',
        issues,
      );
    return entries;
  }

  /**
   * Reads one event file, `<uuid>.json`.
   *
   * @returns The validated event.
   */
  async event(uuid: string, options: { signal?: AbortSignal } = {}): Promise<MispEvent> {
    if (!UUID.test(uuid)) throw new TypeError('`uuid` must be a MISP event uuid.');
    const response = await this.#http.request({
      method: 'GET',
      url: new URL(`${uuid}.json`, this.#base),
      headers: { accept: 'application/json' },
      signal: options.signal,
    });
    const value = parseJsonBytes(response.body, `The MISP event ${uuid}`) as { Event?: unknown };
    const parsed = mispEventSchema.safeParse(value?.Event ?? value);
    if (!parsed.success) {
      throw new FeedValidationError(
        'VALIDATION_FAILED',
        `The MISP event ${uuid} is not a MISP event.`,
        parsed.error.issues.map((issue) => ({
          path: `Event.${issue.path.join('.')}`,
          message: issue.message,
        })),
      );
    }
    return parsed.data;
  }

  /**
   * Reads `hashes.csv` (`<hash>,<event uuid>` per line), for quick lookups without events.
   *
   * @returns Every hash with the event it belongs to.
   */
  async hashes(
    options: { signal?: AbortSignal } = {},
  ): Promise<{ hash: string; eventUuid: string }[]> {
    const response = await this.#http.request({
      method: 'GET',
      url: new URL('hashes.csv', this.#base),
      headers: { accept: 'text/csv, text/plain;q=0.9' },
      signal: options.signal,
    });
    const out: { hash: string; eventUuid: string }[] = [];
    for (const line of decoder.decode(response.body).split('\n')) {
      const [hash, eventUuid] = line.trim().split(',');
      if (hash && eventUuid && /^[0-9a-f]{32,128}$/i.test(hash) && UUID.test(eventUuid))
        out.push({ hash: hash.toLowerCase(), eventUuid });
    }
    return out;
  }

  /**
   * Yields every event that is new or whose manifest timestamp changed since `state`, oldest
   * first; each update carries the state to store after processing it.
   *
   * @param state - Progress from an earlier poll (default: nothing seen).
   * @returns An async iterator of updates.
   */
  async *changedEvents(
    state: MispFeedState = { timestamps: {} },
    options: { signal?: AbortSignal } = {},
  ): AsyncGenerator<MispFeedUpdate> {
    const manifest = await this.manifest(options);
    const changed = [...manifest.entries()]
      .filter(([uuid, entry]) => state.timestamps[uuid] !== entry.timestamp)
      .sort((a, b) => Number(a[1].timestamp) - Number(b[1].timestamp));
    const timestamps: Record<string, string> = Object.assign(Object.create(null), state.timestamps);
    for (const [uuid, entry] of changed) {
      const event = await this.event(uuid, options);
      timestamps[uuid] = entry.timestamp;
      yield { uuid, entry, event, state: { timestamps: { ...timestamps } } };
    }
  }
}
