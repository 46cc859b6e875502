import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPackage } from '../../../src/archive/export/export.js';
import { windowOf } from '../../../src/archive/export/window.js';
import { ZONE, seededEnv } from '../../helpers/export-fixture.js';
import type { TestEnv } from '../../helpers/workspace.js';
import { unzipTo } from '../../helpers/zip.js';

/**
 * index.html opened as a reviewer would: unpacked, from disk, in a real browser (Debian's
 * chromium, installed by .ci/run). The page must render its tables and charts with no console
 * error and without asking the network for anything.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let env: TestEnv;
let browser: Browser;
let dir: string;

beforeAll(async () => {
  env = await seededEnv();
  dir = mkdtempSync(join(tmpdir(), 'dossier-browser-'));
  for (const locale of ['zh-CN', 'en'] as const) {
    const out = join(dir, `${locale}.zip`);
    await exportPackage({ config: env.config, ledger: env.ledger, archive: env.archive, service: env.config.services[0]!, window: windowOf('2025-11', '2026-10', ZONE), locale, out });
    await unzipTo(out, join(dir, locale));
  }
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await env?.close();
});

describe.each(['zh-CN', 'en'] as const)('index.html in headless Chromium (%s)', (locale) => {
  it('renders the charts and the month tables with no console error and no network request', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('request', (r) => requests.push(r.url()));
    const url = pathToFileURL(join(dir, locale, 'index.html')).href;
    await page.goto(url, { waitUntil: 'load' });

    expect(errors).toEqual([]);
    expect(requests).toEqual([url]); // the page itself, nothing else
    expect(await page.locator('html').getAttribute('lang')).toBe(locale);

    // Charts: the safety-log chart and the policy chart, drawn (bars, a line, threshold lines).
    const charts = page.locator('svg.chart');
    expect(await charts.count()).toBe(2);
    const safety = page.locator('#safety-logs svg.chart');
    expect(await safety.isVisible()).toBe(true);
    const box = await safety.boundingBox();
    expect(box!.width).toBeGreaterThan(300);
    expect(await safety.locator('rect.bar').count()).toBe(10);
    expect(await safety.locator('circle.dot').count()).toBe(10);
    expect(await safety.locator('line.threshold').count()).toBe(2);
    expect(await safety.locator('rect.band-missing').count()).toBe(2);

    // The month table: 12 rows, the two missing months visible and marked.
    const rows = page.locator('#safety-logs table.safety-logs tbody tr');
    expect(await rows.count()).toBe(12);
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-month')))).toEqual([
      '2025-11', '2025-12', '2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10',
    ]);
    const missing = page.locator('#safety-logs tr.missing');
    expect(await missing.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-month')))).toEqual(['2026-02', '2026-05']);
    expect(await missing.first().isVisible()).toBe(true);
    // Highlighted: the missing row's background is not the page's white.
    // Runs in the page; the cast spares the test's TypeScript the DOM types.
    type Win = { getComputedStyle(e: unknown): { backgroundColor: string } };
    const bg = await missing.first().locator('td').first().evaluate((td) => (globalThis as unknown as Win).getComputedStyle(td).backgroundColor);
    expect(bg).toBe('rgb(253, 226, 226)'); // --miss

    // The other tables are there and filled.
    expect(await page.locator('#cases table.cases tbody tr').count()).toBe(2);
    expect(await page.locator('#notifications table.notifications tbody tr').count()).toBe(2);
    expect(await page.locator('#policy-freshness table.policy tbody tr').count()).toBe(12);
    expect(await page.locator('#complaint-sla table.complaints tbody tr').count()).toBe(12);

    await page.screenshot({ path: join(dir, `${locale}.png`), fullPage: true });
    await page.close();
  });
});
