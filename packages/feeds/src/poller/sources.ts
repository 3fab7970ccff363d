import type { HttpOptions } from '../http/http-transport';
import { HttpTransport } from '../http/http-transport';
import type { MispFeedClient, MispFeedState } from '../misp/misp-feed-client';
import { mispToStix } from '../misp/misp-to-stix';
import type { FeedMappingInput } from '../plain/feed-mapping';
import { parseFeed } from '../plain/parse-feed';
import type { ObjectsOptions, TaxiiCursor } from '../taxii/object-stream';
import type { TaxiiClient } from '../taxii/taxii-client';
import type { PollBatch, PollContext, PollSource } from './poll-source';

const decoder = new TextDecoder();

/**
 * A poll source for a TAXII 2.1 collection: one batch per page, the cursor as state, so
 * each run fetches only what was added since the last one.
 *
 * @param options - The client, API root, collection and schedule.
 * @returns A source for {@link Poller}.
 *
 * @example
 * ```ts
 * import { TaxiiClient, taxiiSource } from '@intelshare/feeds';
 *
 * const client = new TaxiiClient({ url: 'https://taxii.example.org/' });
 * const source = taxiiSource({ id: 'partner', client, apiRoot: 'api1/', collectionId: 'c1', intervalMs: 60_000 });
 * console.log(source.id);
 * ```
 */
export function taxiiSource(options: {
  id: string;
  client: TaxiiClient;
  apiRoot: string;
  collectionId: string;
  intervalMs: number;
  limit?: number;
  filters?: ObjectsOptions['filters'];
}): PollSource {
  return {
    id: options.id,
    intervalMs: options.intervalMs,
    async *poll({ state, signal }: PollContext): AsyncIterable<PollBatch> {
      const stream = options.client.objects(options.apiRoot, options.collectionId, {
        signal,
        ...(options.limit === undefined ? {} : { limit: options.limit }),
        ...(options.filters === undefined ? {} : { filters: options.filters }),
        ...(state ? { cursor: state as TaxiiCursor } : {}),
      });
      try {
        for await (const page of stream.pages()) yield { objects: page, state: stream.cursor };
      } catch (error) {
        // A batch's state is the cursor before its page (the page commits once taken); a
        // pull that stops early has committed every page delivered, so persist that before
        // the poller reports the failure, or the next run would deliver them again.
        yield { objects: [], state: stream.cursor };
        throw error;
      }
      yield { objects: [], state: stream.cursor };
    },
  };
}

/** State of {@link httpFeedSource}: the validators for conditional requests. */
export interface HttpFeedState {
  etag?: string;
  lastModified?: string;
}

/**
 * A poll source for a CSV/TSV/list/JSON-lines feed over HTTP, with conditional requests
 * (`If-None-Match` / `If-Modified-Since`, RFC 9110 §13.1) so an unchanged feed costs a 304.
 *
 * @param options - URL, mapping, schedule, batch size and transport options.
 * @returns A source for {@link Poller}.
 *
 * @example
 * ```ts
 * import { httpFeedSource, urlhausMapping } from '@intelshare/feeds';
 *
 * const source = httpFeedSource({
 *   id: 'urlhaus',
 *   url: 'https://urlhaus.abuse.ch/downloads/csv_online/',
 *   mapping: urlhausMapping,
 *   intervalMs: 300_000,
 * });
 * console.log(source.intervalMs);
 * ```
 */
export function httpFeedSource(options: {
  id: string;
  url: string;
  mapping: FeedMappingInput;
  intervalMs: number;
  batchSize?: number;
  http?: HttpOptions;
}): PollSource {
  const http = new HttpTransport(options.http ?? {}, options.url);
  const batchSize = options.batchSize ?? 1000;
  return {
    id: options.id,
    intervalMs: options.intervalMs,
    async *poll({ state, signal }: PollContext): AsyncIterable<PollBatch> {
      const previous = (state ?? {}) as HttpFeedState;
      const headers: Record<string, string> = {
        accept: 'text/csv, text/plain, application/json;q=0.9, */*;q=0.5',
      };
      if (previous.etag) headers['if-none-match'] = previous.etag;
      if (previous.lastModified) headers['if-modified-since'] = previous.lastModified;
      const response = await http.request({
        method: 'GET',
        url: options.url,
        headers,
        signal,
        acceptStatuses: [304],
      });
      if (response.status === 304) return;
      const next: HttpFeedState = {};
      const etag = response.headers.get('etag');
      const lastModified = response.headers.get('last-modified');
      if (etag) next.etag = etag;
      if (lastModified) next.lastModified = lastModified;
      const parsed = parseFeed(decoder.decode(response.body), options.mapping);
      // Intermediate batches keep the old validators: only the last one marks the feed as taken.
      for (let i = 0; i < parsed.objects.length; i += batchSize) {
        const last = i + batchSize >= parsed.objects.length;
        yield {
          objects: parsed.objects.slice(i, i + batchSize),
          state: last ? next : previous,
          ...(i === 0 && parsed.issues.length > 0 ? { issues: parsed.issues } : {}),
        };
      }
      if (parsed.objects.length === 0) yield { objects: [], state: next, issues: parsed.issues };
    },
  };
}

/**
 * A poll source for a MISP feed: each changed event (by manifest timestamp) is converted
 * to STIX and handed over as one batch.
 *
 * @param options - The feed client and schedule.
 * @returns A source for {@link Poller}.
 *
 * @example
 * ```ts
 * import { MispFeedClient, mispFeedSource } from '@intelshare/feeds';
 *
 * const client = new MispFeedClient({ url: 'https://www.circl.lu/doc/misp/feed-osint/' });
 * const source = mispFeedSource({ id: 'circl', client, intervalMs: 3_600_000 });
 * console.log(source.id);
 * ```
 */
export function mispFeedSource(options: {
  id: string;
  client: MispFeedClient;
  intervalMs: number;
}): PollSource {
  return {
    id: options.id,
    intervalMs: options.intervalMs,
    async *poll({ state, signal }: PollContext): AsyncIterable<PollBatch> {
      for await (const update of options.client.changedEvents(
        (state as MispFeedState) ?? { timestamps: {} },
        { signal },
      )) {
        const converted = mispToStix(update.event);
        yield { objects: converted.objects, state: update.state, issues: converted.issues };
      }
    },
  };
}
