import {
  feodoTrackerMapping,
  httpFeedSource,
  MispFeedClient,
  mispFeedSource,
  openPhishMapping,
  type PollSource,
  spamhausDropMapping,
  TaxiiClient,
  taxiiSource,
  threatFoxMapping,
  urlhausMapping,
} from '@intelshare/feeds';
import type { SourceConfig } from './config';

const PRESETS = {
  urlhaus: urlhausMapping,
  feodo: feodoTrackerMapping,
  threatfox: threatFoxMapping,
  'spamhaus-drop': spamhausDropMapping,
  openphish: openPhishMapping,
} as const;

/** Replaces `{demo}` with the demo server's origin. */
function expand(url: string, demoUrl: string | undefined): string {
  if (!url.includes('{demo}')) return url;
  if (!demoUrl) throw new Error(`\`${url}\` uses {demo} but the demo sources are disabled`);
  return url.replaceAll('{demo}', demoUrl);
}

/**
 * Turns a configured source into the `@intelshare/feeds` poll source of its kind: the
 * same code path for the demo feeds and for a user's real ones.
 */
export function pollSourceFor(source: SourceConfig, demoUrl: string | undefined): PollSource {
  const token = source.tokenEnv ? process.env[source.tokenEnv] : undefined;
  const http = {
    timeout: 30_000,
    ...(token ? { auth: { type: 'bearer' as const, token } } : {}),
  };
  const intervalMs = source.intervalSeconds * 1000;
  const url = expand(source.url, demoUrl);
  switch (source.kind) {
    case 'taxii':
      return taxiiSource({
        id: source.id,
        intervalMs,
        client: new TaxiiClient({ ...http, discoveryUrl: url, onInvalidObject: 'skip' }),
        apiRoot: expand(source.apiRoot, demoUrl),
        collectionId: source.collection,
        limit: 1000,
      });
    case 'misp-feed':
      return mispFeedSource({
        id: source.id,
        intervalMs,
        client: new MispFeedClient({ ...http, url }),
      });
    case 'csv':
      return httpFeedSource({
        id: source.id,
        intervalMs,
        url,
        mapping: PRESETS[source.preset],
        http,
      });
  }
}
