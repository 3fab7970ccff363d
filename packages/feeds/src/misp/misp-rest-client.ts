import { FeedValidationError } from '../errors/feed-validation-error';
import { type HttpOptions, HttpTransport } from '../http/http-transport';
import { parseJsonBytes } from '../http/parse-json';
import {
  type MispAttribute,
  type MispEvent,
  mispAttributeSchema,
  mispEventSchema,
} from './misp-schemas';

/** Options of {@link MispRestClient}. */
export interface MispRestClientOptions extends Omit<HttpOptions, 'auth'> {
  /** The MISP instance URL. */
  url: string;
  /** The user's API key, sent as the `Authorization` header and nowhere else. */
  apiKey: string;
}

/** Search parameters of `restSearch` (MISP's names; see the MISP automation API). */
export interface MispSearchParams {
  [name: string]: unknown;
  /** Only data changed since this time (`timestamp`, epoch seconds or `1d`-style). */
  timestamp?: string | number;
  tags?: string | string[];
  type?: string | string[];
  value?: string;
  eventid?: string | number | (string | number)[];
  to_ids?: boolean;
  published?: boolean;
  limit?: number;
  page?: number;
}

/**
 * A client for the MISP REST API: `events/restSearch`, `attributes/restSearch` and
 * `events/add`. The API key is only ever placed in the `Authorization` header; errors and
 * events carry method, URL and status, never headers.
 *
 * @see /feeds/misp/
 *
 * @example
 * ```ts
 * import { MispRestClient } from '@intelshare/feeds';
 *
 * const misp = new MispRestClient({ url: 'https://misp.example.org/', apiKey: 'key' });
 * const events = await misp.searchEvents({ tags: ['tlp:green'], timestamp: '1d', limit: 50 });
 * console.log(events.map((event) => event.info));
 * ```
 */
export class MispRestClient {
  readonly #http: HttpTransport;
  readonly #base: URL;

  /** @param options - Instance URL, API key and transport options. */
  constructor(options: MispRestClientOptions) {
    if (!options.apiKey) throw new TypeError('`apiKey` is required.');
    const { apiKey, url, ...http } = options;
    this.#http = new HttpTransport(
      { ...http, auth: { type: 'header', name: 'authorization', value: apiKey } },
      url,
    );
    this.#base = new URL(url.endsWith('/') ? url : `${url}/`);
  }

  /**
   * Searches events (`POST events/restSearch`, JSON).
   *
   * @returns The matching events, validated.
   */
  async searchEvents(
    params: MispSearchParams = {},
    options: { signal?: AbortSignal } = {},
  ): Promise<MispEvent[]> {
    const body = await this.#post(
      'events/restSearch',
      { returnFormat: 'json', ...params },
      options.signal,
    );
    const list = (body as { response?: unknown }).response ?? body;
    if (!Array.isArray(list))
      throw new FeedValidationError(
        'VALIDATION_FAILED',
        'events/restSearch did not return a list.',
      );
    return list.map((item, index) => {
      const parsed = mispEventSchema.safeParse((item as { Event?: unknown })?.Event ?? item);
      if (!parsed.success) {
        throw new FeedValidationError(
          'VALIDATION_FAILED',
          'events/restSearch returned something that is not an event.',
          parsed.error.issues.map((issue) => ({
            path: `response[${index}].Event.${issue.path.join('.')}`,
            message: issue.message,
          })),
        );
      }
      return parsed.data;
    });
  }

  /**
   * Searches attributes (`POST attributes/restSearch`, JSON).
   *
   * @returns The matching attributes, validated.
   */
  async searchAttributes(
    params: MispSearchParams = {},
    options: { signal?: AbortSignal } = {},
  ): Promise<MispAttribute[]> {
    const body = await this.#post(
      'attributes/restSearch',
      { returnFormat: 'json', ...params },
      options.signal,
    );
    const list = (body as { response?: { Attribute?: unknown } }).response?.Attribute;
    if (!Array.isArray(list))
      throw new FeedValidationError(
        'VALIDATION_FAILED',
        'attributes/restSearch did not return `response.Attribute`.',
      );
    return list.map((item, index) => {
      const parsed = mispAttributeSchema.safeParse(item);
      if (!parsed.success) {
        throw new FeedValidationError(
          'VALIDATION_FAILED',
          'attributes/restSearch returned something that is not an attribute.',
          parsed.error.issues.map((issue) => ({
            path: `response.Attribute[${index}].${issue.path.join('.')}`,
            message: issue.message,
          })),
        );
      }
      return parsed.data;
    });
  }

  /**
   * Creates an event (`POST events/add`), e.g. one built by `stixToMisp`.
   *
   * @returns The event as MISP stored it.
   */
  async addEvent(
    event: Record<string, unknown>,
    options: { signal?: AbortSignal } = {},
  ): Promise<MispEvent> {
    const body = (await this.#post('events/add', { Event: event }, options.signal)) as {
      Event?: unknown;
    };
    const parsed = mispEventSchema.safeParse(body.Event ?? body);
    if (!parsed.success)
      throw new FeedValidationError('VALIDATION_FAILED', 'events/add did not return an event.');
    return parsed.data;
  }

  async #post(path: string, payload: unknown, signal: AbortSignal | undefined): Promise<unknown> {
    const response = await this.#http.request({
      method: 'POST',
      url: new URL(path, this.#base),
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify(payload),
      signal,
    });
    return parseJsonBytes(response.body, `The MISP ${path} response`);
  }
}
