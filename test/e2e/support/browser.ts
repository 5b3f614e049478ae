/**
 * Debian's chromium for the console's browser tests: where it is, how it is launched, one fresh
 * context per test that fails the test on any page error, and the axe-core check every page passes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Locator, type Page } from 'playwright-core';
import { watchedPage } from './console-pages';

export const CHROMIUM = '/usr/bin/chromium';
/** Without Debian's chromium the browser suites are skipped, not failed, and say so. */
export const describeBrowser = fs.existsSync(CHROMIUM) ? describe : describe.skip;
if (!fs.existsSync(CHROMIUM)) console.warn(`browser tests skipped: ${CHROMIUM} is absent (apt-get install chromium fonts-noto-cjk; CI installs it)`);
export const SHOTS = path.join(__dirname, '..', '..', '..', 'test-artifacts', 'screenshots');
const AXE = require.resolve('axe-core/axe.min.js');

/**
 * A screenshot of one element into SHOTS. A live update can re-render the section while it is
 * taken, and Playwright then fails with a detached element instead of finding it again: so look
 * it up again, a few times.
 */
export async function shot(target: Locator, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await target.screenshot({ path: path.join(SHOTS, name) });
      return;
    } catch (err) {
      if (attempt >= 3 || !/not attached to the DOM/.test(String(err))) throw err;
    }
  }
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

export function launchChromium(): Promise<Browser> {
  fs.mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * A new context for each test of the suite (its own cookies: its own session), closed after it;
 * the test fails on any script or console error its pages had. bypassCSP only so that axe can be
 * injected: the pages are otherwise as served.
 */
export function contextPerTest(browser: () => Browser, options: BrowserContextOptions = {}) {
  let context: BrowserContext | undefined;
  let problems: string[] = [];
  beforeEach(async () => {
    context = await browser().newContext({ viewport: { width: 1400, height: 900 }, timezoneId: 'America/New_York', bypassCSP: true, ...options });
    context.setDefaultTimeout(15_000);
    problems = [];
  });
  afterEach(async () => {
    await context?.close();
    expect(problems).toEqual([]);
  });
  return { newPage: (): Promise<Page> => watchedPage(context!, problems) };
}

/** axe-core's serious and critical violations on the page as it is now (0 is the bar). */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const g = globalThis as unknown as { axe: { run(ctx: unknown, opts: object): Promise<{ violations: AxeViolation[] }> }; document: unknown };
    const result = await g.axe.run(g.document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
