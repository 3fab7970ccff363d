import { fileURLToPath } from 'node:url';
import { chromiumLaunchOptions } from '@intelshare/test-env/chromium';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixtureTaxiiServer, makeObjects } from './support/taxii-fixture-server';

const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));
let server: FixtureTaxiiServer;
let base: string;

beforeAll(async () => {
  server = new FixtureTaxiiServer();
  base = await server.start();
});
afterAll(() => server.stop());

describe('the core runs in a browser', () => {
  it('bundles for the browser platform without any Node built-in', async () => {
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      conditions: ['@intelshare/source'],
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    expect(result.outputFiles[0]!.text).not.toMatch(/from\s*["']node:/);
  });

  it('pages a misbehaving TAXII server and parses a feed inside Chromium', {
    timeout: 120_000,
  }, async () => {
    const bundle = await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      conditions: ['@intelshare/source'],
      logLevel: 'silent',
    });
    const rows = makeObjects(45);
    server.addCollection('coll-1', rows);
    server.misbehaviour = { noNext: true, storm429: { count: 2, retryAfter: '0' } };
    const browser = await chromium.launch({
      ...chromiumLaunchOptions(),
    });
    try {
      const page = await browser.newPage();
      // Serve the page and the bundle from the TAXII server's origin, so fetches are same-origin.
      await page.route(`${base}__app/**`, (route) =>
        route.request().url().endsWith('.js')
          ? route.fulfill({ contentType: 'text/javascript', body: bundle.outputFiles[0]!.text })
          : route.fulfill({
              contentType: 'text/html',
              body: '<!doctype html><title>feeds</title>',
            }),
      );
      await page.goto(`${base}__app/index.html`);
      // A string, so the test runner's transform does not rewrite `import()`.
      const result = (await page.evaluate(`(async () => {
        const feeds = await import(location.origin + '/__app/feeds.js');
        const client = new feeds.TaxiiClient({ url: location.origin + '/', retry: { limit: 5, baseDelayMs: 1 } });
        const objects = await client.objects('api1/', 'coll-1', { limit: 10 }).toArray();
        const parsed = feeds.parseFeed('https://phish.example/a\\nnot a url\\n', feeds.openPhishMapping);
        // The same feed as a stream of UTF-8 chunks, split inside a line.
        const bytes = new TextEncoder().encode('https://phish.example/a\\nnot a url\\n');
        const stream = new ReadableStream({
          start(controller) {
            controller.enqueue(bytes.subarray(0, 15));
            controller.enqueue(bytes.subarray(15));
            controller.close();
          },
        });
        let streamed = 0;
        const streamIssues = [];
        for await (const batch of feeds.parseFeedStream(stream, feeds.openPhishMapping)) {
          streamed += batch.objects.filter((o) => o.type === 'indicator').length;
          streamIssues.push(...batch.issues);
        }
        const readAhead = await client.objects('api1/', 'coll-1', { limit: 10, readAhead: true }).toArray();
        return {
          streamed,
          streamIssues,
          readAheadIds: readAhead.map((o) => o.id),
          ids: objects.map((o) => o.id),
          indicators: parsed.stats.indicators,
          issues: parsed.issues,
          userAgent: navigator.userAgent,
        };
      })()`)) as {
        ids: string[];
        indicators: number;
        issues: unknown[];
        userAgent: string;
        streamed: number;
        streamIssues: unknown[];
        readAheadIds: string[];
      };
      expect(result.ids).toEqual(rows.map((r) => r.object.id));
      expect(result.indicators).toBe(1);
      expect(result.issues).toEqual([{ path: 'line 2', message: '`not a url` is not a URL' }]);
      expect(result.streamed).toBe(1);
      expect(result.streamIssues).toEqual(result.issues);
      expect(result.readAheadIds).toEqual(result.ids);
      const objectRequests = server.requests.filter((r) => r.url.includes('/objects/'));
      expect(objectRequests[0]!.headers['user-agent']).toBe(result.userAgent);
    } finally {
      await browser.close();
    }
  });
});
