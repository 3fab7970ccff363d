import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fixturePath, readFixture } from '@intelshare/fixtures';

/** Public inputs (from `@intelshare/fixtures` and the shipped agreements) that mutations start from. */
export interface Seeds {
  /** STIX 2.1 bundles as JSON text. */
  stixBundles: string[];
  /** Single STIX objects as JSON text (one per object of the bundles). */
  stixObjects: string[];
  /** Indicator patterns found in the bundles, plus a few that use every operator. */
  patterns: string[];
  /** MISP events as JSON text. */
  mispEvents: string[];
  /** Plain feeds (CSV and lists) as text, by the preset that reads them. */
  feeds: { preset: FeedPresetName; text: string }[];
  /** Sharing agreements as YAML text. */
  agreements: string[];
}

export type FeedPresetName = 'urlhaus' | 'feodoTracker' | 'openPhish' | 'spamhausDrop';

const STIX_FILES = [
  'stix21/cti-documentation/apt1.json',
  'stix21/cti-documentation/indicator-for-malicious-url.json',
  'stix21/cti-documentation/malware-indicator-for-file-hash.json',
  'stix21/cti-documentation/sighting-of-observed-data.json',
  'stix21/cti-documentation/using-granular-markings.json',
  'stix21/cti-documentation/using-marking-definitions.json',
  'stix21/cti-documentation/threat-actor-leveraging-attack-patterns-and-malware.json',
  'stix21/cti-python-stix2/sco-examples-bundle.json',
];

const EXTRA_PATTERNS = [
  "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
  "([file:hashes.MD5 = '79054025255fb1a26e4bc422aef54eb4'] FOLLOWEDBY [windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\foo\\\\bar']) WITHIN 300 SECONDS",
  "[network-traffic:dst_ref.type = 'domain-name' AND network-traffic:dst_ref.value = 'example.com'] REPEATS 5 TIMES WITHIN 1800 SECONDS",
  "[(file:name = 'pdf.exe' OR file:size = 371712) AND file:created = t'2014-01-13T07:03:17Z']",
  "[x-y:a[*].b NOT IN (1, -2.5, 'x', true)] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'",
  "[url:value MATCHES '^https?://[a-z]+\\\\.example/' OR EXISTS url:x] AND [ipv6-addr:value ISSUBSET '2001:db8::/32']",
  "[domain-name:value LIKE '%.example.com' AND domain-name:value NOT LIKE 'www._xample.com']",
  "[ipv4-addr:value ISSUBSET '198.51.100.0/24'] OR [ipv4-addr:value = '203.0.113.7']",
];

const FEED_FILES: { preset: FeedPresetName; path: string }[] = [
  { preset: 'urlhaus', path: 'feeds/abusech/urlhaus-csv_online.head40.csv' },
  { preset: 'feodoTracker', path: 'feeds/abusech/feodotracker-ipblocklist.csv' },
  { preset: 'openPhish', path: 'feeds/intelmq-tests/openphish/feed.txt' },
  { preset: 'spamhausDrop', path: 'feeds/intelmq-tests/spamhaus/drop.txt' },
];

let cached: Seeds | undefined;

/** Loads the seeds once per process. */
export function loadSeeds(): Seeds {
  if (cached) return cached;
  const stixBundles = STIX_FILES.map((file) => readFixture(file));
  const stixObjects: string[] = [];
  const patterns = new Set<string>(EXTRA_PATTERNS);
  for (const text of stixBundles) {
    const bundle = JSON.parse(text) as { objects?: Record<string, unknown>[] };
    for (const object of bundle.objects ?? []) {
      stixObjects.push(JSON.stringify(object));
      if (typeof object.pattern === 'string') patterns.add(object.pattern);
    }
  }
  const mispDir = fixturePath('misp/feed-circl-osint-sample');
  const mispEvents = readdirSync(mispDir)
    .filter((name) => name !== 'manifest.json' && name.endsWith('.json'))
    .map((name) => readFileSync(join(mispDir, name), 'utf8'));
  mispEvents.push(readFixture('misp/pymisp-tests/mispevent_testfiles/event_obj_attr_tag.json'));
  const require = createRequire(import.meta.url);
  const agreements = [
    'isac-membership.yaml',
    'cert-constituents.yaml',
    'vendor-crime-agency-mou.yaml',
  ].map((name) => readFileSync(require.resolve(`@intelshare/policy/agreements/${name}`), 'utf8'));
  cached = {
    stixBundles,
    stixObjects,
    patterns: [...patterns],
    mispEvents,
    feeds: FEED_FILES.map(({ preset, path }) => ({ preset, text: readFixture(path) })),
    agreements,
  };
  return cached;
}
