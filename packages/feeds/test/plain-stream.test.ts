import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { readFixture } from '@intelshare/fixtures';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FeedBatch,
  type FeedMappingInput,
  feodoTrackerMapping,
  openPhishMapping,
  parseFeed,
  parseFeedStream,
  spamhausDropMapping,
  urlhausMapping,
} from '../src/index';

const NOW = new Date('2026-01-01T00:00:00Z');

async function collect(batches: AsyncIterable<FeedBatch>) {
  const objects: unknown[] = [];
  const issues: unknown[] = [];
  let stats: FeedBatch['stats'] | undefined;
  let count = 0;
  for await (const batch of batches) {
    objects.push(...batch.objects);
    issues.push(...batch.issues);
    stats = batch.stats;
    count++;
  }
  return { objects, issues, stats, batches: count };
}

/** Splits text at the given offsets into string or UTF-8 byte chunks. */
function split(text: string, cuts: number[], bytes: boolean): (string | Uint8Array)[] {
  const whole: string | Uint8Array = bytes ? new TextEncoder().encode(text) : text;
  const points = [...new Set(cuts.map((c) => c % (whole.length + 1)))].sort((a, b) => a - b);
  const out: (string | Uint8Array)[] = [];
  let from = 0;
  for (const point of [...points, whole.length]) {
    out.push(whole.slice(from, point));
    from = point;
  }
  return out;
}

const TRICKY_CSV = [
  '\ufeff# a banner with "quotes" and, commas',
  'id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter',
  '"1","2024-01-01 00:00:00","http://a.example/x","online","","malware_download","elf,mirai","https://urlhaus.abuse.ch/url/1/","r"',
  '"2","2024-01-01 00:00:00","http://b.example/y","online","","malware_download","a ""quoted""\r\nline\nbreak","https://urlhaus.abuse.ch/url/2/","r"\r',
  '"3","2024-01-01 00:00:00","http://c.example/z"',
  '',
  '  "4","2024-01-02 00:00:00","http://d.example/é/ü","offline","","malware_download","","https://urlhaus.abuse.ch/url/4/","r"',
  `"5","2024-01-01 00:00:00","http://e.example/${'x'.repeat(300)}","online","","malware_download","","",""`,
  '"6","2024-01-01 00:00:00","http://f.example/unterminated,"online"',
  '"7","2024-01-01 00:00:00","http://g.example/g","online","","malware_download","","https://urlhaus.abuse.ch/url/7/","r"',
  '# trailer without newline',
].join('\n');

const cases: [string, string, FeedMappingInput, number?][] = [
  [
    'Feodo Tracker CSV',
    readFixture('feeds/abusech/feodotracker-ipblocklist.csv'),
    feodoTrackerMapping,
  ],
  ['URLhaus CSV', readFixture('feeds/abusech/urlhaus-csv_online.head40.csv'), urlhausMapping],
  ['OpenPhish list', readFixture('feeds/intelmq-tests/openphish/feed.txt'), openPhishMapping],
  ['Spamhaus DROP', readFixture('feeds/intelmq-tests/spamhaus/drop.txt'), spamhausDropMapping],
  ['tricky CSV (quotes, CRLF, bad and long rows)', TRICKY_CSV, urlhausMapping, 200],
];

describe('parseFeedStream', () => {
  for (const [name, text, mapping, maxLineLength] of cases) {
    it(`${name}: any chunking gives parseFeed's objects and issues`, async () => {
      const whole = parseFeed(text, mapping, { now: NOW });
      const options = { now: NOW, batchSize: 7, ...(maxLineLength ? { maxLineLength } : {}) };
      if (maxLineLength) {
        // The whole-text parser has the same limit built in at 65 536; compare like with like.
        expect(whole.issues.length).toBeGreaterThan(0);
      }
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.nat({ max: text.length * 3 }), { maxLength: 40 }),
          fc.boolean(),
          async (cuts, bytes) => {
            const streamed = await collect(
              parseFeedStream(split(text, cuts, bytes), mapping, options),
            );
            if (!maxLineLength) {
              expect(streamed.objects).toEqual(whole.objects);
              expect(streamed.issues).toEqual(whole.issues);
              expect(streamed.stats).toEqual(whole.stats);
            } else {
              const reference = await collect(parseFeedStream([text], mapping, options));
              expect(streamed.objects).toEqual(reference.objects);
              expect(streamed.issues).toEqual(reference.issues);
            }
          },
        ),
        { numRuns: 60 },
      );
    });
  }

  it('reports bad rows with their line numbers across chunks', async () => {
    const { objects, issues, stats } = await collect(
      parseFeedStream(split(TRICKY_CSV, [5, 180, 181, 400, 401, 402, 900], true), urlhausMapping, {
        now: NOW,
        maxLineLength: 200,
      }),
    );
    expect(issues).toEqual([
      { path: 'line 7', message: 'has 3 fields, expected 9' },
      { path: 'line 10', message: 'is longer than 200 characters' },
      { path: 'line 11', message: 'has 3 fields, expected 9' },
    ]);
    expect(stats?.indicators).toBe(4);
    expect(objects.filter((o) => (o as { type: string }).type === 'indicator')).toHaveLength(4);
  });

  it('skips a record longer than maxLineLength without holding it', async () => {
    const long = `# banner\n${'y'.repeat(5000)}\nhttp://ok.example/\n`;
    const chunks = split(long, [100, 1000, 2000, 3000, 4000, 5005], false);
    const { issues, stats } = await collect(
      parseFeedStream(chunks, openPhishMapping, { now: NOW, maxLineLength: 1000 }),
    );
    expect(issues).toEqual([{ path: 'line 2', message: 'is longer than 1000 characters' }]);
    expect(stats?.indicators).toBe(1);
  });

  it('yields batches of about batchSize objects', async () => {
    const text = readFixture('feeds/abusech/urlhaus-csv_online.head40.csv');
    const { batches, objects } = await collect(
      parseFeedStream([text], urlhausMapping, { now: NOW, batchSize: 1 }),
    );
    expect(batches).toBe(2); // one chunk: one batch, plus the final flush
    const small = await collect(
      parseFeedStream(
        split(
          text,
          Array.from({ length: 40 }, (_, i) => i * 97),
          false,
        ),
        urlhausMapping,
        {
          now: NOW,
          batchSize: 10,
        },
      ),
    );
    expect(small.batches).toBeGreaterThanOrEqual(5);
    expect(small.objects).toEqual(objects);
  });

  describe('from a real HTTP server sending the feed slowly in small chunks', () => {
    const text = readFixture('feeds/abusech/feodotracker-ipblocklist.csv');
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8' });
      const bytes = Buffer.from(text);
      let at = 0;
      const timer = setInterval(() => {
        if (at >= bytes.length) {
          clearInterval(timer);
          res.end();
          return;
        }
        res.write(bytes.subarray(at, at + 97));
        at += 97;
      }, 2);
      res.on('close', () => {
        clearInterval(timer);
        if (at < bytes.length) closedEarly = true;
      });
    });
    let url = '';
    let closedEarly = false;
    beforeAll(async () => {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed.csv`;
    });
    afterAll(() => {
      server.closeAllConnections();
      server.close();
    });

    it('parses response.body as it arrives, with parseFeed’s result', async () => {
      const response = await fetch(url);
      const streamed = await collect(
        parseFeedStream(response.body!, feodoTrackerMapping, { now: NOW, batchSize: 10 }),
      );
      const whole = parseFeed(text, feodoTrackerMapping, { now: NOW });
      expect(streamed.batches).toBeGreaterThan(2);
      expect(streamed.objects).toEqual(whole.objects);
      expect(streamed.issues).toEqual(whole.issues);
    });

    it('cancels the body when the consumer stops early', async () => {
      const response = await fetch(url);
      for await (const batch of parseFeedStream(response.body!, feodoTrackerMapping, {
        now: NOW,
        batchSize: 5,
      })) {
        expect(batch.objects.length).toBeGreaterThan(0);
        break;
      }
      // The server sees the connection go away before it has sent the whole feed.
      const deadline = Date.now() + 5000;
      while (!closedEarly && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(closedEarly).toBe(true);
    });
  });

  it('parses a 256 MB generated feed under a 64 MB heap (never held whole)', async () => {
    const script = fileURLToPath(new URL('./support/stream-big-feed.ts', import.meta.url));
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        [
          '--max-old-space-size=64',
          '--conditions=@intelshare/source',
          '--import',
          'tsx',
          script,
          '256',
        ],
        { timeout: 300_000, maxBuffer: 1 << 20 },
        (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)),
      );
    });
    const result = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, number | string>;
    expect(result.produced).toBeGreaterThan(256 * 1024 * 1024);
    const bad = Math.floor(Number(result.generatedRows) / 10_000);
    expect(result.rows).toBe(result.generatedRows);
    expect(result.issues).toBe(bad);
    expect(result.indicators).toBe(Number(result.generatedRows) - bad);
    // Four banner lines, then rows of 81 lines each (the description holds 80 newlines).
    expect(result.firstIssue).toBe(`line ${5 + (10_000 - 1) * 81}: has 3 fields, expected 9`);
  }, 300_000);
});
