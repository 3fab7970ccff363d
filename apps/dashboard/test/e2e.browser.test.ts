import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TaxiiClient } from '@intelshare/feeds';
import { chromiumLaunchOptions } from '@intelshare/test-env/chromium';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_PASSWORD,
  EXTERNAL_NETWORK_MARKER,
  type RunningDashboard,
  startDashboard,
} from './helpers/start-dashboard';

const screenshots = fileURLToPath(new URL('../test-results/screenshots/', import.meta.url));

let hub: RunningDashboard;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const consoleProblems: string[] = [];
const outsideRequests: string[] = [];

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: `${screenshots}${name}.png` });
}

/**
 * A basic accessibility check of the current page, reloaded (GET) so keyboard focus
 * starts at the top: language, one h1, every form control
 * and button with an accessible name, every SVG image named, and Tab reaching the skip link
 * first and then the main navigation.
 */
async function checkAccessibility(where: string): Promise<void> {
  await page.goto(page.url().split('#')[0]!);
  const problems = await page.evaluate(() => {
    const out: string[] = [];
    if (!document.documentElement.lang) out.push('html has no lang');
    if (document.querySelectorAll('h1').length !== 1) out.push('not exactly one h1');
    for (const el of document.querySelectorAll<HTMLElement>('input, select, textarea, button')) {
      if (el instanceof HTMLInputElement && el.type === 'hidden') continue;
      const labelled =
        el.getAttribute('aria-label') ||
        el.getAttribute('aria-labelledby') ||
        ((el as HTMLInputElement).labels?.length ?? 0) > 0 ||
        (el.tagName === 'BUTTON' && el.textContent?.trim());
      if (!labelled)
        out.push(`unlabelled ${el.tagName.toLowerCase()} ${el.getAttribute('name') ?? ''}`);
    }
    for (const svg of document.querySelectorAll('svg[role="img"]')) {
      if (!svg.getAttribute('aria-labelledby') && !svg.getAttribute('aria-label'))
        out.push('svg image without a name');
    }
    return out;
  });
  expect(problems, where).toEqual([]);
  await page.keyboard.press('Tab');
  expect(
    await page.evaluate(() => document.activeElement?.textContent?.trim()),
    `${where}: first Tab`,
  ).toBe('Skip to content');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  expect(
    await page.evaluate(() => document.activeElement?.closest('nav')?.getAttribute('aria-label')),
    `${where}: Tab into the navigation`,
  ).toBe('Main');
}

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  hub = await startDashboard();
  browser = await chromium.launch(chromiumLaunchOptions());
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') consoleProblems.push(`${page.url()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => consoleProblems.push(`${page.url()}: ${error.message}`));
  page.on('request', (request) => {
    if (!request.url().startsWith(hub.origin)) outsideRequests.push(request.url());
  });
});

afterAll(async () => {
  await browser?.close();
  await hub?.stop();
});

describe('the sharing hub in Chromium', () => {
  it('walks through sign-in, sources, indicators, check, partners, a TAXII pull and the audit chain', async () => {
    await page.goto(`${hub.origin}/`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await shot('01-sign-in');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await checkAccessibility('overview');

    // Sources: poll one now and watch the live progress (server-sent events).
    await page.getByRole('link', { name: 'Sources' }).click();
    await page
      .locator('tr[data-source="demo-taxii"] [data-field="state"]', { hasText: 'ok' })
      .waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Poll demo-taxii now' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /demo-taxii: (received|done)/ })
      .waitFor({ timeout: 60_000 });
    await shot('02-sources');
    await checkAccessibility('sources');

    // The generator publishes every few seconds: the overview chart shows indicators added.
    await page.getByRole('link', { name: 'Overview' }).click();
    expect(await page.locator('svg[role="img"] rect').count()).toBe(24);
    await shot('03-overview');

    // Indicators: search, then open one.
    await page.getByRole('link', { name: 'Indicators' }).click();
    await page.getByLabel('Search (value, name, pattern)').fill('eclipse');
    await page.getByRole('button', { name: 'Apply' }).click();
    const first = page.locator('tbody tr a').first();
    await expect.poll(() => first.textContent()).toContain('eclipse');
    await checkAccessibility('indicators');
    await shot('04-indicators');
    await first.click();
    await page.locator('pre.json').first().waitFor();
    expect(await page.locator('pre.json').first().textContent()).toContain('"pattern"');
    await checkAccessibility('indicator detail');
    await shot('05-indicator');

    // Check: paste text with a defanged IOC.
    await page.getByRole('link', { name: 'Check' }).click();
    await page
      .getByLabel('Text')
      .fill('blocked: hxxp://176.65.139[.]212/eclipse.sh4 and 198.51.100.200');
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await page.getByRole('heading', { name: /hits? from/ }).waitFor();
    expect(await page.getByRole('heading', { name: /hits? from/ }).textContent()).toMatch(
      /^[1-9]\d* hits? from/,
    );
    await shot('06-check');
    await page
      .getByRole('button', { name: /Record a sighting of/ })
      .first()
      .click();
    await page.getByText('Sighting recorded').waitFor();
    await checkAccessibility('check');

    // Partners: preview the share, then create a key.
    await page.getByRole('link', { name: 'Partners' }).click();
    await checkAccessibility('partners');
    await page.getByRole('link', { name: 'National Crime Agency — Cyber Unit' }).click();
    await page.getByRole('link', { name: 'Preview the share now' }).click();
    await page.locator('#preview').waitFor();
    expect(await page.locator('#preview .action-withhold').count()).toBeGreaterThan(0);
    await shot('07-preview');
    await page.getByRole('button', { name: 'Create API key' }).click();
    const key = (await page.locator('#new-key').textContent()) ?? '';
    expect(key).toMatch(/^ish_/);
    await checkAccessibility('partner');
    await shot('08-partner-key');

    // The partner pulls its collection with the SDK's TaxiiClient.
    const client = new TaxiiClient({ url: hub.origin, auth: { type: 'bearer', token: key } });
    const discovery = await client.discover();
    expect(discovery.api_roots).toEqual([`${hub.origin}/partner-crime-agency/`]);
    let pulled = 0;
    for await (const object of client.objects(`${hub.origin}/partner-crime-agency/`, 'shared', {
      limit: 500,
    })) {
      expect(object.type).not.toBe('x-vendor-telemetry');
      pulled++;
    }
    expect(pulled).toBeGreaterThan(10);

    // Audit: the pull is there, and the chain verifies.
    await page.getByRole('link', { name: 'Audit' }).click();
    await page
      .getByText('taxii:partner-crime-agency/shared:partner:crime-agency')
      .first()
      .waitFor();
    await page.getByRole('button', { name: 'Verify chain' }).click();
    await page.getByText(/Chain intact: \d+ entries checked/).waitFor();
    await checkAccessibility('audit');
    await shot('09-audit');

    expect(consoleProblems).toEqual([]);
    expect(outsideRequests).toEqual([]);
    expect(hub.output()).not.toContain(EXTERNAL_NETWORK_MARKER);
  });
});
