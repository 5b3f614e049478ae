/** What every browser test of the console does the same way: watch a page for errors, sign in, open a case. */
import type { BrowserContext, Page } from 'playwright-core';
import { harness } from '../../harness/client';

/** A new page whose script errors and console errors land in `problems` (a test ends on none). */
export async function watchedPage(context: BrowserContext, problems: string[]): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/Failed to load resource/.test(msg.text())) problems.push(`console: ${msg.text()}`);
  });
  return page;
}

/** Signs in with a development role and waits for the home page to know who I am. */
export async function signInAs(page: Page, role: string): Promise<void> {
  await page.goto(`${harness.apiUrl}/console/signin.html`);
  await page.getByTestId(`dev-role-${role}`).click();
  await page.getByTestId('signin-submit').click();
  await page.waitForURL(/\/console\/index\.html/);
  await page.locator(`[data-testid="me-role"][data-role="${role}"]`).waitFor();
}

/** Opens a case page by complaint id or case reference and waits for its status. */
export async function openCasePage(page: Page, ref: string): Promise<void> {
  await page.goto(`${harness.apiUrl}/console/case.html?id=${ref}`);
  await page.getByTestId('case-status').waitFor();
}
