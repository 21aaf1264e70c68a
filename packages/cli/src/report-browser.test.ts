import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { toJsonLine } from './output-record.ts';
import { reportDataFromLines } from './report-data.ts';
import { renderReportHtml } from './report-html.ts';
import { reportRecords } from './testing/report-records.ts';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  console.warn(`report-browser.test.ts: skipped: ${CHROMIUM} is missing (install it with scripts/ci-browser as root)`);
}
// Not tracked (.gitignore): the screenshot is for a person to look at.
const SCREENSHOT_DIR = new URL('../.cascade-out/', import.meta.url);

describe.skipIf(!haveChromium)('the HTML report in headless Chromium', () => {
  it('loads with no console error and no failed request, shows its charts, and runs no script from a record', async () => {
    const { chromium } = await import('playwright-core');
    const dir = mkdtempSync(join(tmpdir(), 'report-browser-'));
    // A fresh profile each run; playwright takes it as launchPersistentContext's first argument.
    const context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      viewport: { width: 1000, height: 800 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const page = await context.newPage();
      const consoleErrors: string[] = [];
      const failedRequests: string[] = [];
      const requests: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') consoleErrors.push(message.text());
      });
      page.on('pageerror', (error) => consoleErrors.push(error.message));
      page.on('requestfailed', (request) => failedRequests.push(request.url()));
      page.on('request', (request) => requests.push(request.url()));

      const htmlPath = join(dir, 'report.html');
      const data = reportDataFromLines(reportRecords().map(toJsonLine));
      writeFileSync(htmlPath, renderReportHtml({ data }));
      const url = pathToFileURL(htmlPath).href;
      await page.goto(url, { waitUntil: 'load' });

      expect(consoleErrors).toEqual([]);
      expect(failedRequests).toEqual([]);
      // The page itself is the only load: no script, font, image or style from anywhere else.
      expect(requests).toEqual([url]);
      expect(await page.locator('figure.chart > svg').count()).toBe(5);
      const sankeyBox = await page.locator('figure.chart > svg').first().boundingBox();
      expect(sankeyBox?.width).toBeGreaterThan(300);
      expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(await page.locator('script, img').count()).toBe(0);
      expect(await page.locator('td').first().textContent()).toContain('</script><script>');

      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      await page.screenshot({ path: new URL('report.png', SCREENSHOT_DIR).pathname, fullPage: true });
    } finally {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
