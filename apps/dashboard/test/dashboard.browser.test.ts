import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readFixture } from '@intelshare/fixtures';
import { TLP2_MARKING_IDS } from '@intelshare/policy';
import { chromiumLaunchOptions } from '@intelshare/test-env/chromium';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_BUNDLES, expectedCounts } from './helpers/expected-counts';
import {
  EXTERNAL_NETWORK_MARKER,
  NETWORK_GUARD_ACTIVE_MARKER,
  type RunningDashboard,
  startDashboard,
} from './helpers/start-dashboard';

const resultsDir = fileURLToPath(new URL('../test-results/', import.meta.url));
const fmt = (n: number) => n.toLocaleString('en-US');

let dashboard: RunningDashboard;
let browser: Browser;
const consoleProblems: string[] = [];
const requestedUrls: string[] = [];

async function openPage(path: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') {
      consoleProblems.push(`${path} ${message.type()}: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => consoleProblems.push(`${path} pageerror: ${error.message}`));
  page.on('request', (request) => requestedUrls.push(request.url()));
  const response = await page.goto(`${dashboard.origin}${path}`, { waitUntil: 'load' });
  expect(response?.status()).toBe(200);
  return page;
}

beforeAll(async () => {
  mkdirSync(resultsDir, { recursive: true });
  dashboard = await startDashboard();
  browser = await chromium.launch({
    ...chromiumLaunchOptions(),
  });
});

afterAll(async () => {
  await browser?.close();
  await dashboard?.stop();
});

describe('embedded demo data', () => {
  it.each(DEMO_BUNDLES)('data/$file is the fixture file, byte for byte', ({ file, fixture }) => {
    const embedded = readFileSync(new URL(`../data/${file}`, import.meta.url), 'utf8');
    expect(embedded === readFixture(fixture)).toBe(true);
  });

  it('ships the MITRE ATT&CK license beside the ATT&CK bundles', () => {
    const license = readFileSync(new URL('../data/attack/LICENSE.txt', import.meta.url), 'utf8');
    expect(license).toBe(readFixture('attack/attack-stix-data/LICENSE.txt'));
  });
});

describe('overview page in Chromium', () => {
  let page: Page;

  beforeAll(async () => {
    page = await openPage('/');
  });

  it('renders the title, headings and one section per bundle', async () => {
    expect(await page.title()).toBe('Overview · intelshare dashboard');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Demo data overview');
    const sections = await page.$$eval('section[data-bundle]', (nodes) =>
      nodes.map((node) => node.getAttribute('data-bundle')),
    );
    expect(sections).toEqual(DEMO_BUNDLES.map((bundle) => bundle.file));
    await page.screenshot({ path: `${resultsDir}overview.png`, fullPage: true });
  });

  it('agrees with the known ICS facts (1,826 objects, 1,373 relationships, 95 attack-patterns)', async () => {
    const section = page.locator('section[data-bundle="attack/ics-attack-18.1.json"]');
    expect(await section.locator('[data-stat="objects"]').textContent()).toBe('1,826');
    expect(await section.locator('tr[data-type="relationship"]').getAttribute('data-count')).toBe(
      '1373',
    );
    expect(await section.locator('tr[data-type="attack-pattern"]').getAttribute('data-count')).toBe(
      '95',
    );
    expect(await section.locator('[data-stat="revoked"]').textContent()).toBe('2');
    expect(await section.locator('[data-stat="deprecated"]').textContent()).toBe('37');
  });

  it.each(DEMO_BUNDLES)(
    'counts $file by type, marking, revoked and deprecated exactly as the JSON does',
    async ({ file, fixture }) => {
      const expected = expectedCounts(fixture);
      const section = page.locator(`section[data-bundle="${file}"]`);
      expect(await section.locator('[data-stat="objects"]').textContent()).toBe(
        fmt(expected.objects),
      );
      expect(await section.locator('[data-stat="revoked"]').textContent()).toBe(
        fmt(expected.revoked),
      );
      expect(await section.locator('[data-stat="deprecated"]').textContent()).toBe(
        fmt(expected.deprecated),
      );

      const typeRows = await section
        .locator('table[data-table="types"] tbody tr')
        .evaluateAll((rows) =>
          rows.map((row) => ({
            type: row.getAttribute('data-type'),
            count: Number(row.getAttribute('data-count')),
            shown: row.querySelector('td')?.textContent,
          })),
        );
      expect(new Map(typeRows.map((row) => [row.type, row.count]))).toEqual(expected.byType);
      for (const row of typeRows) expect(row.shown).toBe(fmt(row.count));
      // Sorted by count, largest first.
      expect(typeRows.map((row) => row.count)).toEqual(
        [...typeRows.map((row) => row.count)].sort((a, b) => b - a),
      );

      const markingRows = await section
        .locator('table[data-table="markings"] tbody tr')
        .evaluateAll((rows) =>
          rows.map((row) => ({
            id: row.getAttribute('data-marking'),
            source: row.getAttribute('data-source'),
            count: Number(row.getAttribute('data-count')),
            name: row.querySelector('th')?.textContent ?? '',
          })),
        );
      expect(new Map(markingRows.map((row) => [row.id, row.count]))).toEqual(expected.byMarking);
      const statement = markingRows.find((row) => row.source === 'bundle');
      expect(statement?.name).toContain('Statement: Copyright 2015-2025, The MITRE Corporation.');
      expect(markingRows.find((row) => row.id === '')?.name).toContain('unmarked');
      expect(markingRows.some((row) => row.source === 'unresolved')).toBe(false);
    },
  );

  it('shows validation results from the parser', async () => {
    for (const { file } of DEMO_BUNDLES) {
      const section = page.locator(`section[data-bundle="${file}"]`);
      const issues = Number(
        (await section.locator('[data-stat="issues"]').textContent())?.replaceAll(',', ''),
      );
      expect(Number.isInteger(issues)).toBe(true);
      const validation = section.locator('.validation');
      if (issues === 0) {
        await expect.poll(() => validation.textContent()).toContain('No validation issues.');
      } else {
        const byCode = await validation
          .locator('tr[data-code]')
          .evaluateAll((rows) =>
            rows.reduce(
              (sum, row) =>
                sum +
                Number(row.getAttribute('data-errors')) +
                Number(row.getAttribute('data-warnings')),
              0,
            ),
          );
        expect(byCode).toBe(issues);
      }
    }
  });

  it('totals the bundles', async () => {
    const total = DEMO_BUNDLES.reduce(
      (sum, { fixture }) => sum + expectedCounts(fixture).objects,
      0,
    );
    expect(await page.locator('[data-stat="total-objects"]').textContent()).toBe(fmt(total));
  });
});

describe('TLP 2.0 page in Chromium', () => {
  it('lists the five TLP 2.0 marking ids from @intelshare/policy', async () => {
    const page = await openPage('/markings');
    const rows = await page
      .locator('table[data-table="tlp2"] tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [tr.querySelector('th')?.textContent, tr.getAttribute('data-marking')]),
      );
    expect(rows).toEqual(Object.entries(TLP2_MARKING_IDS));
    expect(await page.locator('nav a[aria-current="page"]').textContent()).toContain('TLP 2.0');
    await page.screenshot({ path: `${resultsDir}markings.png`, fullPage: true });
  });
});

describe('accessibility basics', () => {
  it.each(['/', '/markings'])(
    '%s has a language, one h1, no skipped heading level, captioned tables and named links',
    async (path) => {
      const page = await openPage(path);
      const facts = await page.evaluate(() => {
        const headings = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].map((h) =>
          Number(h.tagName.slice(1)),
        );
        return {
          lang: document.documentElement.lang,
          h1: headings.filter((level) => level === 1).length,
          skipped: headings.some((level, i) => i > 0 && level > (headings[i - 1] ?? 1) + 1),
          uncaptioned: [...document.querySelectorAll('table')].filter(
            (table) => !table.querySelector('caption')?.textContent?.trim(),
          ).length,
          unnamedLinks: [...document.querySelectorAll('a')].filter(
            (a) => !a.textContent?.trim() && !a.getAttribute('aria-label'),
          ).length,
          skipTarget: document.querySelector('a.skip-link')?.getAttribute('href'),
          main: document.querySelector('main')?.id,
        };
      });
      expect(facts).toEqual({
        lang: 'en',
        h1: 1,
        skipped: false,
        uncaptioned: 0,
        unnamedLinks: 0,
        skipTarget: '#main',
        main: 'main',
      });
      await page.close();
    },
  );
});

describe('hygiene', () => {
  it('logged no console errors or warnings in the browser', () => {
    expect(consoleProblems).toEqual([]);
  });

  it('loaded nothing from anywhere but the dashboard itself', () => {
    expect(requestedUrls.length).toBeGreaterThan(0);
    const foreign = requestedUrls.filter(
      (url) => !url.startsWith(`${dashboard.origin}/`) && !url.startsWith('data:'),
    );
    expect(foreign).toEqual([]);
  });

  it('the server tried no outgoing connection and logged no error', () => {
    expect(dashboard.output()).toContain(NETWORK_GUARD_ACTIVE_MARKER);
    expect(dashboard.output()).not.toContain(EXTERNAL_NETWORK_MARKER);
    expect(dashboard.output()).not.toMatch(/error/i);
  });
});
