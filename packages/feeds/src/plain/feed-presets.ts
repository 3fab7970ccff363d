import type { FeedMappingInput } from './feed-mapping';

/**
 * abuse.ch URLhaus `csv_online` / `csv_recent` dumps: the header hides in the `#` banner, so
 * columns are given; tags become labels and the URLhaus page is the external reference.
 *
 * @example
 * ```ts
 * import { parseFeed, urlhausMapping } from '@intelshare/feeds';
 *
 * const csv = '"1","2024-01-01 00:00:00","http://bad.example/x","online","","malware_download","elf","https://urlhaus.abuse.ch/url/1/","r"\n';
 * console.log(parseFeed(csv, urlhausMapping).stats.indicators); // 1
 * ```
 */
export const urlhausMapping: FeedMappingInput = {
  name: 'URLhaus',
  provider: 'abuse.ch',
  url: 'https://urlhaus.abuse.ch/',
  format: 'csv',
  columns: [
    'id',
    'dateadded',
    'url',
    'url_status',
    'last_online',
    'threat',
    'tags',
    'urlhaus_link',
    'reporter',
  ],
  observable: { column: 'url', kind: 'url' },
  firstSeen: 'dateadded',
  lastSeen: 'last_online',
  labels: ['threat', 'tags'],
  externalId: 'id',
  externalUrl: 'urlhaus_link',
};

/**
 * abuse.ch Feodo Tracker botnet C2 IP blocklist CSV (`ipblocklist.csv`): IP and port become a
 * `network-traffic` pattern; the malware family is a label.
 *
 * @example
 * ```ts
 * import { feodoTrackerMapping, parseFeed } from '@intelshare/feeds';
 *
 * const csv = '"first_seen_utc","dst_ip","dst_port","c2_status","last_online","malware"\n"2024-01-01 00:00:00","192.0.2.1","443","online","2024-01-02","Pikabot"\n';
 * console.log(parseFeed(csv, feodoTrackerMapping).stats.indicators); // 1
 * ```
 */
export const feodoTrackerMapping: FeedMappingInput = {
  name: 'Feodo Tracker',
  provider: 'abuse.ch',
  url: 'https://feodotracker.abuse.ch/',
  format: 'csv',
  columns: ['first_seen_utc', 'dst_ip', 'dst_port', 'c2_status', 'last_online', 'malware'],
  observable: { column: 'dst_ip', kind: 'ip' },
  port: 'dst_port',
  firstSeen: 'first_seen_utc',
  lastSeen: 'last_online',
  labels: ['malware'],
  tags: ['botnet-c2'],
};

/**
 * abuse.ch ThreatFox CSV export: the `ioc_type` column names the observable kind
 * (`ip:port`, `domain`, `url`, `md5_hash`, `sha1_hash`, `sha256_hash`); confidence is kept.
 *
 * @example
 * ```ts
 * import { parseFeed, threatFoxMapping } from '@intelshare/feeds';
 *
 * const csv = '"2024-01-01 00:00:00", "1", "bad.example", "domain", "botnet_cc", "win.x", "", "X", "", "75", "", "tag", "0", "r"\n';
 * console.log(parseFeed(csv, threatFoxMapping).stats.indicators); // 1
 * ```
 */
export const threatFoxMapping: FeedMappingInput = {
  name: 'ThreatFox',
  provider: 'abuse.ch',
  url: 'https://threatfox.abuse.ch/',
  format: 'csv',
  columns: [
    'first_seen_utc',
    'ioc_id',
    'ioc_value',
    'ioc_type',
    'threat_type',
    'fk_malware',
    'malware_alias',
    'malware_printable',
    'last_seen_utc',
    'confidence_level',
    'reference',
    'tags',
    'anonymous',
    'reporter',
  ],
  observable: {
    column: 'ioc_value',
    typeColumn: 'ioc_type',
    typeMap: {
      'ip:port': 'ip:port',
      domain: 'domain-name',
      url: 'url',
      md5_hash: 'md5',
      sha1_hash: 'sha1',
      sha256_hash: 'sha256',
    },
  },
  firstSeen: 'first_seen_utc',
  lastSeen: 'last_seen_utc',
  confidence: { column: 'confidence_level' },
  labels: ['threat_type', 'malware_printable', 'tags'],
  externalId: 'ioc_id',
};

/**
 * Spamhaus DROP / EDROP (`drop.txt`): one CIDR per line, `;` comments, the SBL id after `;`.
 *
 * @example
 * ```ts
 * import { parseFeed, spamhausDropMapping } from '@intelshare/feeds';
 *
 * console.log(parseFeed('; banner\n192.0.2.0/24 ; SBL1\n', spamhausDropMapping).stats.indicators); // 1
 * ```
 */
export const spamhausDropMapping: FeedMappingInput = {
  name: 'Spamhaus DROP',
  provider: 'The Spamhaus Project',
  url: 'https://www.spamhaus.org/drop/',
  format: 'lines',
  comment: [';', '#'],
  inlineComment: ';',
  header: 'none',
  observable: { column: 0, kind: 'ip' },
  tags: ['spamhaus-drop'],
};

/**
 * OpenPhish community feed (`feed.txt`): one phishing URL per line.
 *
 * @example
 * ```ts
 * import { openPhishMapping, parseFeed } from '@intelshare/feeds';
 *
 * console.log(parseFeed('https://phish.example/\n', openPhishMapping).stats.indicators); // 1
 * ```
 */
export const openPhishMapping: FeedMappingInput = {
  name: 'OpenPhish',
  provider: 'OpenPhish',
  url: 'https://openphish.com/',
  format: 'lines',
  header: 'none',
  observable: { column: 0, kind: 'url' },
  tags: ['phishing'],
};
