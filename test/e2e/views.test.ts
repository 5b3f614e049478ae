/**
 * The triage views that need a case in a particular state, in Debian's chromium against the real
 * stack: an expert's "awaiting my approval" holds the case an agent put up for approval, ops'
 * "needs ops" the case whose refund the rail refused for good, each counted, each row openable
 * with the same urgency on its page; and the console's files arrive compressed and cached.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { api, complaintBody, eventually, harness, KEYS, simulator, uniqueOrderId, untilState } from '../harness/client';
import { seedPaidOrder } from '../api/support/orders';
import { SHOTS, contextPerTest, describeBrowser, launchChromium, seriousViolations as axe, shot } from './support/browser';
import { openCasePage, signInAs } from './support/console-pages';

describeBrowser('the approval and ops views (chromium, real stack)', () => {
  let browser: Browser;
  const { newPage } = contextPerTest(() => browser);
  const customerId = uniqueOrderId('VWC');
  const approvalOrder = uniqueOrderId('VWA');
  const opsOrder = uniqueOrderId('VWO');
  let approval = { id: '', caseRef: '' };
  let ops = { id: '', caseRef: '' };

  const open = async (orderId: string) => {
    const res = await api('POST', '/complaints', { body: complaintBody(orderId, { customerId, category: 'payment_dispute' }) });
    expect(res.status).toBe(201);
    return { id: res.body.complaintId as string, caseRef: res.body.caseRef as string };
  };

  const propose = (caseRef: string, body: Record<string, unknown>) =>
    eventually(async () => {
      const res = await api('POST', `/complaints/${caseRef}/actions/propose-settlement`, { body });
      return res.status === 200 ? res : undefined;
    }, 20_000, `the proposal on ${caseRef} accepted once the records are read`);

  beforeAll(async () => {
    browser = await launchChromium();
    await seedPaidOrder(approvalOrder, 100_000);
    await seedPaidOrder(opsOrder, 10_000);
    approval = await open(approvalOrder);
    ops = await open(opsOrder);
    await Promise.all([approval, ops].map((c) => untilState(c.id, (s) => s.status === 'investigating' && s.records?.ledger !== undefined)));
    // Above the agent's limit: it waits for an expert.
    const asked = await propose(approval.caseRef, { refundFen: 50_000, platformAtFault: false, reason: '超出权限的补偿，提交专家审批', forApproval: true });
    expect(asked.body.result).toMatchObject({ settled: false, pendingLevel: 2 });
    // The rail refuses this order's refund for good: the case goes to ops.
    await simulator('POST', '/_admin/faults', { service: 'payment', mode: 'refuse_writes', match: opsOrder });
    await propose(ops.caseRef, { refundFen: 10_000, platformAtFault: true, reason: '退还车费' });
    await eventually(async () => ((await api('GET', `/complaints?view=needs_ops&q=${customerId}`, { key: KEYS.ops })).body.items.length === 1 ? true : undefined), 30_000, 'the refused refund in needs ops');
    await eventually(async () => ((await api('GET', `/complaints?view=awaiting_approval&q=${customerId}`, { key: KEYS.expert })).body.items.length === 1 ? true : undefined), 20_000, 'the proposal awaiting approval');
  }, 120_000);

  afterAll(async () => {
    await simulator('POST', '/_admin/faults', { service: 'payment', mode: 'none', match: opsOrder });
    for (const c of [approval, ops]) if (c.caseRef) await api('POST', `/complaints/${c.caseRef}/actions/withdraw`, { key: KEYS.supervisor, body: { reason: 'e2e test case, no longer needed' } });
    await browser?.close();
  });

  /**
   * The view narrowed to this file's customer, as the address says it: the rows' case references.
   * Read again (for up to 15 s) until the row we expect is there: the view is a visibility search,
   * and a CI run once read it empty between the case's upserts.
   */
  async function rowsOf(page: Page, view: string, expected: string): Promise<string[]> {
    const until = Date.now() + 15_000;
    for (;;) {
      await page.goto(`${harness.apiUrl}/console/index.html?view=${view}&q=${customerId}`);
      await page.locator(`[data-testid="view-${view}"][aria-current="page"]`).waitFor();
      await page.getByTestId('case-table').or(page.locator('#results .empty')).waitFor();
      const rows = await page.getByTestId('case-row').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-case-ref') ?? ''));
      if (rows.includes(expected) || Date.now() > until) return rows;
      await page.waitForTimeout(1_000);
    }
  }

  test("an expert's “awaiting my approval” holds the agent's proposal, counted; the row opens the case with the approval to give", async () => {
    const page = await newPage();
    await signInAs(page, 'expert');
    expect(Number(await page.getByTestId('view-count-awaiting_approval').textContent())).toBeGreaterThanOrEqual(1);
    expect(await page.getByTestId('view-awaiting_approval').textContent()).toContain('待我审批');
    expect(await rowsOf(page, 'awaiting_approval', approval.caseRef)).toEqual([approval.caseRef]);
    await page.screenshot({ path: path.join(SHOTS, 'views-awaiting-approval.png'), fullPage: true });
    expect(['awaiting approval', await axe(page)]).toEqual(['awaiting approval', []]);
    await page.locator(`[data-testid="case-row"][data-case-ref="${approval.caseRef}"] a`).click();
    await page.waitForURL(new RegExp(`case\\.html\\?id=${approval.caseRef}`));
    await page.getByTestId('case-status').waitFor();
    await page.getByTestId('pending-proposal').waitFor();
    expect(await page.getByTestId('pending-proposal').textContent()).toContain('¥500.00');
    // The server's verdict arrives after the page: the expert may approve it.
    await page.locator('[data-testid="btn-approve"]:not([disabled])').waitFor();
    await shot(page.locator('#actions'), 'views-approval-case-actions.png');

    // The agent has no approvals to give, so no such view (the session is the browser's: this signs the expert out).
    await signInAs(page, 'agent');
    await page.getByTestId('view-my_queue').waitFor();
    expect(await page.getByTestId('view-awaiting_approval').count()).toBe(0);
  }, 60_000);

  test('ops’ “needs ops” holds the case whose refund the rail refused; list and page say the same urgency', async () => {
    const page = await newPage();
    await signInAs(page, 'ops');
    expect(Number(await page.getByTestId('view-count-needs_ops').textContent())).toBeGreaterThanOrEqual(1);
    expect(await rowsOf(page, 'needs_ops', ops.caseRef)).toEqual([ops.caseRef]);
    const row = page.locator(`[data-testid="case-row"][data-case-ref="${ops.caseRef}"]`);
    expect(await row.getAttribute('data-urgency')).toBe('needs_ops');
    const listLabel = await row.locator('.cd-label').textContent();
    await page.screenshot({ path: path.join(SHOTS, 'views-needs-ops.png'), fullPage: true });
    expect(['needs ops', await axe(page)]).toEqual(['needs ops', []]);

    await openCasePage(page, ops.caseRef);
    const next = page.getByTestId('next-deadline');
    await next.waitFor();
    expect(await next.getAttribute('data-urgency')).toBe('needs_ops');
    expect(await next.locator('.cd-label').textContent()).toBe(listLabel);
  }, 60_000);

  test('the console’s files arrive compressed, the versioned ones cached for good, the rest revalidated on reload', async () => {
    const page = await newPage();
    const seen = new Map<string, Record<string, string>>();
    page.on('response', (res) => {
      const url = new URL(res.url());
      if (/^\/console\/js\/(signin|i18n)\.js$/.test(url.pathname) && !seen.has(url.pathname + url.search)) seen.set(url.pathname + url.search, res.headers());
    });
    // The first page of a fresh browser: nothing is cached yet.
    await page.goto(`${harness.apiUrl}/console/signin.html`);
    await page.getByTestId('signin-submit').waitFor();
    const entry = [...seen.keys()].find((k) => k.startsWith('/console/js/signin.js?v='));
    expect(entry).toBeDefined();
    expect(seen.get(entry!)).toMatchObject({ 'content-encoding': 'br', 'cache-control': 'public, max-age=31536000, immutable' });
    expect(seen.get('/console/js/i18n.js')).toMatchObject({ 'content-encoding': 'br', 'cache-control': 'no-cache', etag: expect.stringMatching(/^"/) });

    // What the browser really moved: compressed bytes first; on a reload nothing for the
    // immutable entry script and only headers (a 304) for a module it revalidates.
    const sizes = () =>
      page.evaluate(() =>
        (globalThis as unknown as { performance: { getEntriesByType(t: string): Array<{ name: string; transferSize: number; decodedBodySize: number }> } }).performance
          .getEntriesByType('resource')
          .filter((e) => /\/console\/js\/[\w-]+\.js/.test(e.name))
          .map((e) => ({ file: new URL(e.name).pathname, transfer: e.transferSize, body: e.decodedBodySize })),
      );
    const first = await sizes();
    const big = first.filter((e) => e.body > 4_000);
    expect(big.length).toBeGreaterThan(1);
    for (const e of big) expect([e.file, e.transfer > 0 && e.transfer < e.body]).toEqual([e.file, true]);
    await page.reload();
    await page.getByTestId('signin-submit').waitFor();
    const again = await sizes();
    expect(again.find((e) => e.file === '/console/js/signin.js')?.transfer).toBe(0);
    const revalidated = again.find((e) => e.file === '/console/js/i18n.js')!;
    // A 304: headers only, the body comes from the cache.
    expect([revalidated.transfer > 0, revalidated.transfer < 600]).toEqual([true, true]);
  }, 60_000);
});
