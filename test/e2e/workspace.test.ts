/**
 * The triage home in Debian's chromium against the real stack: the views with their counts, the
 * search box finding a case by case reference, phone, order prefix and customer, the breached
 * view agreeing with the case page on urgency, "order not found" as a blocking state, and an
 * axe-core pass with no serious or critical violation on the list page.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { api, complaintBody, eventually, harness, KEYS, uniqueOrderId } from '../harness/client';
import { SHOTS, contextPerTest, describeBrowser, launchChromium, seriousViolations, shot } from './support/browser';
import { signInAs } from './support/console-pages';

type Role = keyof typeof KEYS;

describeBrowser('the triage home (chromium, real stack)', () => {
  let browser: Browser;
  const { newPage } = contextPerTest(() => browser);

  const customerId = uniqueOrderId('WSC');
  const phone = `137${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
  const plainOrder = uniqueOrderId('WSP');
  const hotOrder = uniqueOrderId('WSH');
  let plain = { id: '', caseRef: '' };
  let hot = { id: '', caseRef: '' };

  beforeAll(async () => {
    browser = await launchChromium();
    const customer = { name: '赵六', phone: `+86${phone}`, language: 'zh' };
    // Neither order is known to the payment system: its evidence is "order not found".
    const a = await api('POST', '/complaints', { body: complaintBody(plainOrder, { customerId, customer }) });
    const b = await api('POST', '/complaints', { body: complaintBody(hotOrder, { customerId, customer, tier: 'premium' }) });
    expect([a.status, b.status]).toEqual([201, 201]);
    plain = { id: a.body.complaintId, caseRef: a.body.caseRef };
    hot = { id: b.body.complaintId, caseRef: b.body.caseRef };
    await eventually(async () => ((await api('GET', `/complaints?q=${customerId}`)).body.items.length === 2 ? true : undefined), 20_000, 'both cases listed');
  });

  afterAll(async () => {
    await api('POST', `/complaints/${hot.caseRef}/actions/withdraw`, { key: KEYS.supervisor, body: { reason: 'e2e test case, no longer needed' } });
    await api('POST', `/complaints/${plain.caseRef}/actions/withdraw`, { key: KEYS.supervisor, body: { reason: 'e2e test case, no longer needed' } });
    await browser?.close();
  });

  const signIn = (page: Page, role: Role) => signInAs(page, role);

  async function searchFor(page: Page, text: string): Promise<string[]> {
    await page.getByTestId('search-input').fill(text);
    await page.getByTestId('search-submit').click();
    await page.locator('#results-title', { hasText: text }).waitFor();
    await page.getByTestId('case-table').or(page.locator('#results .empty')).waitFor();
    await page.waitForFunction((q) => new URLSearchParams((globalThis as unknown as { location: { search: string } }).location.search).get('q') === q, text);
    return page.getByTestId('case-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-case-ref') ?? ''));
  }

  test('the home is my queue with every view counted; one search box finds a case by reference, phone, order prefix and customer', async () => {
    const page = await newPage();
    await signIn(page, 'agent');
    // A bare address is my queue, and the agent has no approvals to give.
    await page.locator('[data-testid="view-my_queue"][aria-current="page"]').waitFor();
    const names = await page.getByTestId('views').locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('data-view')));
    expect(names).toEqual(['mine', 'my_queue', 'due_soon', 'breached', 'needs_ops', 'all']);
    const counted = Number(await page.getByTestId('view-count-my_queue').textContent());
    expect(counted).toBeGreaterThanOrEqual(1);
    expect(await page.getByTestId('view-my_queue').textContent()).toContain('我的队列');
    await page.screenshot({ path: path.join(SHOTS, 'workspace-home.png'), fullPage: true });

    expect(await searchFor(page, plain.caseRef)).toEqual([plain.caseRef]);
    const link = page.locator(`[data-testid="case-row"][data-case-ref="${plain.caseRef}"] a`);
    expect(await link.getAttribute('href')).toBe(`case.html?id=${encodeURIComponent(plain.caseRef)}`);
    await page.screenshot({ path: path.join(SHOTS, 'workspace-search-case-ref.png'), fullPage: true });

    // The phone as a customer says it, without the country code, in groups.
    expect((await searchFor(page, `${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}`)).sort()).toEqual([plain.caseRef, hot.caseRef].sort());
    expect(await searchFor(page, plainOrder.slice(0, -1))).toContain(plain.caseRef);
    expect((await searchFor(page, customerId)).sort()).toEqual([plain.caseRef, hot.caseRef].sort());
    expect(await searchFor(page, '13000000000')).toEqual([]);
    expect(await page.locator('#results .empty').textContent()).toContain('没有找到案件');

    // The row opens the case by its reference.
    await searchFor(page, plain.caseRef);
    await link.click();
    await page.waitForURL(new RegExp(`case\\.html\\?id=${plain.caseRef}`));
    await page.getByTestId('case-status').waitFor();
  }, 90_000);

  test('the breached view lists a premium case that missed its deadline, and its page says breached too; an unknown order blocks in red', async () => {
    await eventually(async () => ((await api('GET', `/complaints?view=breached&q=${customerId}`)).body.items.some((i: { caseRef: string }) => i.caseRef === hot.caseRef) ? true : undefined), 30_000, 'the premium case in the breached view');
    const page = await newPage();
    await signIn(page, 'supervisor');
    await page.getByTestId('view-breached').click();
    await page.waitForURL(/view=breached/);
    await page.locator('[data-testid="view-breached"][aria-current="page"]').waitFor();
    const row = page.locator(`[data-testid="case-row"][data-case-ref="${hot.caseRef}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-urgency')).toBe('breached');
    expect(await row.locator('.cd-label').textContent()).toBe('已违约');
    expect(Number(await page.getByTestId('view-count-breached').textContent())).toBeGreaterThanOrEqual(1);
    // Sorted by the next deadline, earliest first.
    const deadlines = await page.locator('[data-testid="case-row"] time').evaluateAll((times) => times.map((t) => Date.parse(t.getAttribute('datetime')!)));
    expect([...deadlines].sort((x, y) => x - y)).toEqual(deadlines);
    await page.screenshot({ path: path.join(SHOTS, 'workspace-view-breached.png'), fullPage: true });

    await row.locator('a').click();
    await page.waitForURL(new RegExp(`case\\.html\\?id=${hot.caseRef}`));
    const next = page.getByTestId('next-deadline');
    await next.waitFor();
    expect(await next.getAttribute('data-urgency')).toBe('breached');
    expect(await next.locator('.cd-label').textContent()).toBe('已违约');

    // Neither order is known to the payment system.
    const blocking = page.getByTestId('order-not-found');
    await blocking.waitFor();
    expect(await blocking.getAttribute('role')).toBe('alert');
    expect(await blocking.getAttribute('class')).toContain('alert-danger');
    expect(await blocking.textContent()).toContain('订单未找到');
    expect(await page.locator('#evidence').textContent()).not.toContain('未显示异常');
    await shot(page.locator('#evidence'), 'workspace-order-not-found.png');
  }, 90_000);

  test('the list page has no serious or critical accessibility violation (axe-core)', async () => {
    const page = await newPage();
    await signIn(page, 'expert');
    await page.locator('[data-testid="view-awaiting_approval"]').waitFor();
    await page.getByTestId('case-table').or(page.locator('#results .empty')).waitFor();
    await page.locator('#more-filters summary').click();
    const blocking = await seriousViolations(page);
    expect(blocking).toEqual([]);
  }, 60_000);
});
