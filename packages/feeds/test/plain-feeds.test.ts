import { readFixture } from '@intelshare/fixtures';
import { describe, expect, it } from 'vitest';
import {
  FeedValidationError,
  feodoTrackerMapping,
  openPhishMapping,
  parseFeed,
  spamhausDropMapping,
  threatFoxMapping,
  urlhausMapping,
} from '../src/index';

const NOW = new Date('2026-01-01T00:00:00Z');

function indicators(objects: readonly { type: string }[]) {
  return objects.filter((o) => o.type === 'indicator') as unknown as Record<string, unknown>[];
}

describe('abuse.ch', () => {
  it('reads the Feodo Tracker CSV: banner, quoted header, 28 rows, trailer without newline', () => {
    const text = readFixture('feeds/abusech/feodotracker-ipblocklist.csv');
    const { objects, issues, stats } = parseFeed(text, feodoTrackerMapping, { now: NOW });
    expect(issues).toEqual([]);
    expect(stats.rows).toBe(28);
    expect(stats.indicators).toBe(28);
    const first = indicators(objects)[0]!;
    expect(first.pattern).toBe(
      "[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = '192.9.135.73' AND network-traffic:dst_port = 1194]",
    );
    expect(first.created).toBe('2023-05-23T17:51:44.000Z');
    expect(first.labels).toEqual(['botnet-c2', 'Pikabot']);
    expect(first.created_by_ref).toBe(objects[0]!.id);
    expect(objects[0]!.type).toBe('identity');
    expect(objects.filter((o) => o.type === 'ipv4-addr')).toHaveLength(
      new Set(text.match(/"\d+\.\d+\.\d+\.\d+"/g)).size,
    );
  });

  it('reads the 2021 Feodo format from IntelMQ', () => {
    const { stats, issues } = parseFeed(
      readFixture('feeds/intelmq-tests/abusech/feodoips.txt'),
      feodoTrackerMapping,
    );
    expect(issues).toEqual([]);
    expect(stats.indicators).toBe(2);
  });

  it('reads URLhaus csv_online with the header inside the banner', () => {
    const text = readFixture('feeds/abusech/urlhaus-csv_online.head40.csv');
    const { objects, issues, stats } = parseFeed(text, urlhausMapping, { now: NOW });
    expect(issues).toEqual([]);
    expect(stats.indicators).toBe(40);
    const second = indicators(objects)[1]!;
    expect(second.pattern).toBe("[url:value = 'http://176.65.139.212/eclipse.sh4']");
    expect(second.labels).toEqual([
      'malware_download',
      '176-65-139-212',
      'elf',
      'mirai',
      'ua-wget',
    ]);
    expect(second.external_references).toEqual([
      {
        source_name: 'URLhaus',
        external_id: '3905435',
        url: 'https://urlhaus.abuse.ch/url/3905435/',
      },
    ]);
    const firstLabels = indicators(objects)[0]!.labels;
    expect(firstLabels).toEqual(['malware_download']); // "None" is not a tag
  });

  it('reads ThreatFox rows of every ioc_type and reports unsupported ones with line numbers', () => {
    const csv = [
      '################################################################',
      '# ThreatFox IOCs: CSV export                                   #',
      '#                                                              #',
      '################################################################',
      '#',
      '# "first_seen_utc","ioc_id","ioc_value","ioc_type","threat_type","fk_malware","malware_alias","malware_printable","last_seen_utc","confidence_level","reference","tags","anonymous","reporter"',
      '"2024-04-04 07:00:00", "1250001", "198.51.100.7:8080", "ip:port", "botnet_cc", "win.cobalt_strike", "Agentemis,BEACON", "Cobalt Strike", "", "100", "None", "c2,CobaltStrike", "0", "abuse_ch"',
      '"2024-04-04 07:00:01", "1250002", "evil.example.com", "domain", "payload_delivery", "win.qakbot", "", "QakBot", "", "75", "https://x.example/r", "qakbot", "0", "someone"',
      '"2024-04-04 07:00:02", "1250003", "http://evil.example.com/p.exe", "url", "payload_delivery", "win.qakbot", "", "QakBot", "", "50", "", "None", "0", "someone"',
      '"2024-04-04 07:00:03", "1250004", "d41d8cd98f00b204e9800998ecf8427e", "md5_hash", "payload", "win.qakbot", "", "QakBot", "", "50", "", "", "0", "someone"',
      '"2024-04-04 07:00:04", "1250005", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "sha256_hash", "payload", "win.qakbot", "", "QakBot", "", "50", "", "", "0", "someone"',
      '"2024-04-04 07:00:05", "1250006", "something", "mutex", "payload", "win.qakbot", "", "QakBot", "", "50", "", "", "0", "someone"',
      '"2024-04-04 07:00:06", "1250007", "not-a-hash", "md5_hash", "payload", "win.qakbot", "", "QakBot", "", "50", "", "", "0", "someone"',
      '"2024-04-04 07:00:07", "1250008", "short row"',
      '"2024-04-04 07:00:08", "1250009", "http://x.example/unterminated',
      '# Number of entries: 8',
    ].join('\n');
    const { objects, issues, stats } = parseFeed(csv, threatFoxMapping, { now: NOW });
    expect(stats.indicators).toBe(5);
    expect(issues).toEqual([
      { path: 'line 12', message: 'has unsupported observable type `mutex`' },
      { path: 'line 13', message: '`not-a-hash` is not a MD5 hash' },
      { path: 'line 14', message: 'has 3 fields, expected 14' },
      { path: 'line 15', message: 'has an unterminated quoted field' },
    ]);
    const patterns = indicators(objects).map((i) => i.pattern);
    expect(patterns).toEqual([
      "[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = '198.51.100.7' AND network-traffic:dst_port = 8080]",
      "[domain-name:value = 'evil.example.com']",
      "[url:value = 'http://evil.example.com/p.exe']",
      "[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']",
      "[file:hashes.'SHA-256' = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']",
    ]);
    expect(indicators(objects)[0]!.confidence).toBe(100);
  });
});

describe('Spamhaus DROP and OpenPhish', () => {
  it('reads DROP with `;` banners and SBL ids, IPv4 and IPv6', () => {
    const { objects, issues } = parseFeed(
      readFixture('feeds/intelmq-tests/spamhaus/drop.txt'),
      spamhausDropMapping,
      { now: NOW },
    );
    expect(issues).toEqual([]);
    expect(
      indicators(objects).map((i) => [
        i.pattern,
        (i.external_references as { external_id: string }[])[0]!.external_id,
      ]),
    ).toEqual([
      ["[ipv4-addr:value = '1.4.0.0/17']", 'SBL256893'],
      ["[ipv6-addr:value = '2a06:e480::/29']", 'SBL301771'],
    ]);
  });

  it('reads OpenPhish', () => {
    const { stats } = parseFeed(
      readFixture('feeds/intelmq-tests/openphish/feed.txt'),
      openPhishMapping,
      { now: NOW },
    );
    expect(stats.indicators).toBeGreaterThan(0);
  });
});

describe('determinism, custom mappings and bad input', () => {
  it('gives the same ids on re-poll, so nothing duplicates', () => {
    const text = readFixture('feeds/abusech/urlhaus-csv_online.head40.csv');
    const a = parseFeed(text, urlhausMapping, { now: NOW }).objects.map((o) => o.id);
    const b = parseFeed(text, urlhausMapping, { now: new Date() }).objects.map((o) => o.id);
    expect(b).toEqual(a);
    expect(new Set(a).size).toBe(a.length);
  });

  it('maps TSV and JSON lines declaratively and reports bad rows without stopping', () => {
    const tsv =
      'indicator\ttype_hint\tseen\tscore\n10.0.0.1\tx\t2024-01-02\t80\nnot an ip\tx\t\t\n';
    const parsed = parseFeed(
      tsv,
      {
        name: 'Internal',
        provider: 'ACME SOC',
        format: 'tsv',
        header: 'row',
        observable: { column: 'indicator', kind: 'ipv4-addr' },
        firstSeen: 'seen',
        confidence: { column: 'score' },
      },
      { now: NOW },
    );
    expect(parsed.stats.indicators).toBe(1);
    expect(parsed.issues).toEqual([
      { path: 'line 3', message: '`not an ip` is not an IPv4 address or CIDR' },
    ]);
    expect(indicators(parsed.objects)[0]!.confidence).toBe(80);

    const jsonl =
      '{"domain":"a.example","tags":"x,y"}\n{oops\n{"__proto__":{"p":1},"domain":"b.example"}\n{"domain":"c.example"}\n';
    const fromJson = parseFeed(
      jsonl,
      {
        name: 'J',
        provider: 'J',
        format: 'jsonl',
        observable: { column: 'domain', kind: 'domain-name' },
        labels: ['tags'],
      },
      { now: NOW },
    );
    expect(fromJson.stats.indicators).toBe(2);
    expect(fromJson.issues.map((i) => i.path)).toEqual(['line 2', 'line 3.__proto__']);
    expect(({} as Record<string, unknown>).p).toBeUndefined();
  });

  it('counts repeated observables instead of duplicating them', () => {
    const { stats } = parseFeed('https://a.example/\nhttps://a.example/\n', openPhishMapping, {
      now: NOW,
    });
    expect(stats).toMatchObject({ rows: 2, indicators: 1, duplicates: 1 });
  });

  it('escapes quotes and backslashes in patterns', () => {
    const { objects } = parseFeed("http://x.example/a'b\\c\n", openPhishMapping, { now: NOW });
    expect(indicators(objects)[0]!.pattern).toBe("[url:value = 'http://x.example/a\\'b\\\\c']");
  });

  it('rejects an invalid mapping with FEED_FORMAT', () => {
    expect(() => parseFeed('', { name: '', provider: 'p', observable: { column: 0 } })).toThrow(
      FeedValidationError,
    );
  });
});
