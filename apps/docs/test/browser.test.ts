import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumLaunchOptions } from '@intelshare/test-env/chromium';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { docsRoot } from '../scripts/entry-points.mjs';
import { startStaticServer } from '../scripts/static-server.mjs';

const screenshots = join(docsRoot, 'test-results');
let server: { url: string; close: () => Promise<void> };
let context: BrowserContext;
let profile: string;
const problems: string[] = [];

/** A page that records console errors, uncaught exceptions and failed requests. */
async function open(path: string): Promise<Page> {
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`${path}: console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`${path}: uncaught ${error.message}`));
  page.on('requestfailed', (request) => {
    // A request cancelled by navigating away (a prefetch, say) is not a failure.
    const reason = request.failure()?.errorText ?? '';
    if (reason !== 'net::ERR_ABORTED')
      problems.push(`${path}: request failed: ${request.url()} ${reason}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400)
      problems.push(`${path}: HTTP ${response.status()} ${response.url()}`);
  });
  await page.goto(`${server.url}${path}`, { waitUntil: 'load' });
  return page;
}

/** WCAG 2.x contrast ratio of the first element matching `selector` against the page background. */
async function contrast(page: Page, selector: string): Promise<number> {
  return page.evaluate((sel) => {
    const rgb = (value: string) => (value.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
    const luminance = ([r = 0, g = 0, b = 0]: number[]) => {
      const channel = (c: number) => {
        const s = c / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    };
    const element = document.querySelector(sel);
    if (!element) throw new Error(`No element matches ${sel}.`);
    const fg = luminance(rgb(getComputedStyle(element).color));
    const bg = luminance(rgb(getComputedStyle(document.body).backgroundColor));
    return (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
  }, selector);
}

/** Body text and links meet WCAG AA (4.5:1) against the background. */
async function expectReadable(page: Page): Promise<void> {
  expect(await contrast(page, '.sl-markdown-content p')).toBeGreaterThanOrEqual(4.5);
  expect(await contrast(page, '.sl-markdown-content :is(p, li) > a')).toBeGreaterThanOrEqual(4.5);
}

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  server = await startStaticServer(join(docsRoot, 'dist'));
  // A fresh profile each run, Debian's Chromium; never a downloaded browser.
  profile = mkdtempSync(join(tmpdir(), 'docs-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    ...chromiumLaunchOptions(),
    viewport: { width: 1280, height: 900 },
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
});

afterEach(async () => {
  for (const page of context.pages()) await page.close();
  problems.length = 0;
});

afterAll(async () => {
  await context?.close();
  await server?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

describe('the built docs site in Chromium', () => {
  it('renders the landing page', async () => {
    const page = await open('/');
    await expect(page.locator('h1').first().textContent()).resolves.toMatch(/intelshare/i);
    expect(await page.locator('.sl-markdown-content pre').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(screenshots, 'landing.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('navigates from the landing page, through the sidebar and content links', async () => {
    const page = await open('/');
    // The landing page's call to action leads to Getting started.
    await page.locator('.hero a', { hasText: 'Get started' }).click();
    await page.waitForURL(`${server.url}/getting-started/`);
    await expect(page.locator('h1').first().textContent()).resolves.toBe('Getting started');
    const sidebar = page.locator('nav[aria-label="Main"]');
    await expect(sidebar.locator('a[aria-current="page"]').textContent()).resolves.toMatch(
      /Getting started/,
    );
    await page.screenshot({ path: join(screenshots, 'getting-started.png'), fullPage: true });

    // A sidebar link to a concepts page.
    await sidebar.locator('a', { hasText: 'STIX 2.1 in five minutes' }).click();
    await page.waitForURL(`${server.url}/concepts/stix/`);
    await expect(page.locator('h1').first().textContent()).resolves.toBe(
      'STIX 2.1 in five minutes',
    );

    // A link in the page body.
    await page.locator('.sl-markdown-content a[href="/concepts/markings/"]').first().click();
    await page.waitForURL(`${server.url}/concepts/markings/`);

    // The generated API reference, from its overview to a package.
    await page.goto(`${server.url}/api/overview/`);
    await expect(page.locator('h1').first().textContent()).resolves.toBe('API reference');
    await page.locator('.sl-markdown-content a', { hasText: /^@intelshare\/stix$/ }).click();
    await page.waitForURL(`${server.url}/api/intelshare/stix/overview/`);
    await page.screenshot({ path: join(screenshots, 'api-stix.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('finds "TLP:AMBER+STRICT" with the built-in search', async () => {
    const page = await open('/');
    await page.locator('site-search button[data-open-modal]').click();
    const input = page.locator('#starlight__search input');
    await input.waitFor({ state: 'visible' });
    await input.fill('TLP:AMBER+STRICT');
    const results = page.locator('.pagefind-ui__result-link');
    await results.first().waitFor({ state: 'visible', timeout: 15_000 });
    await page.screenshot({ path: join(screenshots, 'search.png') });
    // The concepts page that explains the term is among the results (loading more if needed).
    const markings = page.locator('.pagefind-ui__result-link[href="/concepts/markings/"]');
    const more = page.locator('.pagefind-ui__button');
    for (let i = 0; i < 10 && (await markings.count()) === 0 && (await more.isVisible()); i += 1) {
      await more.click();
    }
    await markings.first().click();
    await page.waitForURL(/\/concepts\/markings\//);
    await expect(page.locator('.sl-markdown-content').textContent()).resolves.toContain(
      'TLP:AMBER+STRICT',
    );
    expect(problems).toEqual([]);
  });

  it('copies a code block to the clipboard', async () => {
    const page = await open('/getting-started/');
    const block = page
      .locator('.expressive-code')
      .filter({ has: page.locator('.copy button') })
      .first();
    // innerText, not textContent: each code line is its own element, and only the rendered
    // text has the line breaks the copy button puts on the clipboard.
    // biome-ignore lint/performance/useDomNodeTextContent: see above.
    const code = (await block.locator('pre code').innerText()).trim();
    await block.hover();
    await block.locator('.copy button').click();
    await expect(block.locator('.copy .feedback').textContent()).resolves.toMatch(/copied/i);
    const clipboard = await page.evaluate(() => navigator.clipboard.readText());
    expect(clipboard.trim()).toBe(code);
    expect(problems).toEqual([]);
  });

  it('switches between dark and light themes, readable in both', async () => {
    const page = await open('/concepts/markings/');
    const select = page.locator('starlight-theme-select select').first();
    await select.selectOption('dark');
    await expect(page.evaluate(() => document.documentElement.dataset.theme)).resolves.toBe('dark');
    await expectReadable(page);
    await page.screenshot({ path: join(screenshots, 'markings-dark.png'), fullPage: true });
    await select.selectOption('light');
    await expect(page.evaluate(() => document.documentElement.dataset.theme)).resolves.toBe(
      'light',
    );
    await expectReadable(page);
    await page.screenshot({ path: join(screenshots, 'markings-light.png'), fullPage: true });
    // The choice survives a reload (Starlight keeps it in localStorage).
    await select.selectOption('dark');
    await page.reload();
    await expect(page.evaluate(() => document.documentElement.dataset.theme)).resolves.toBe('dark');
    expect(problems).toEqual([]);
  });
});
