/**
 * The agent console in a real browser (Debian's chromium via playwright-core) against the real
 * stack from global setup: sign in by role, open a complaint, hit the authority limit (the server's
 * verdict for the typed amount), escalate, settle as an expert, see the case close with the apology;
 * and ops unsticking a case a provider refused.
 */
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { SimulatorAdmin } from '../../simulators/admin-client';
import { api, complaintBody, eventually, harness, KEYS, simulator, uniqueOrderId } from '../harness/client';
import { SHOTS, describeBrowser, launchChromium, shot } from './support/browser';
import { openCasePage, signInAs, watchedPage } from './support/console-pages';

const HOUR = 3_600_000;

type Role = keyof typeof KEYS;

/** Beijing time as the console prints it, computed independently of the console's code. */
function beijing(iso: string): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Asia/Shanghai',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(iso))
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** A flight order the payment simulator knows: one debit, nothing wrong in the ledger, so no automatic settlement. */
async function seedPlainOrder(orderId: string): Promise<void> {
  const paidAt = new Date(Date.now() - 2 * HOUR).toISOString();
  await new SimulatorAdmin(harness.simulatorUrl).seedOrder({
    orderId,
    kind: 'flight',
    customerId: 'CUST-E2E',
    orderAmountFen: 120_000,
    attempts: [{ at: paidAt, amountFen: 120_000, status: 'SUCCEEDED' }],
    debits: [{ amountFen: 120_000, at: paidAt }],
  });
}

describeBrowser('agent console (chromium, real stack)', () => {
  let browser: Browser;
  let context: BrowserContext;
  let problems: string[];

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1400, height: 900 }, timezoneId: 'America/New_York' });
    context.setDefaultTimeout(15_000);
    problems = [];
  });

  afterEach(async () => {
    await context.close();
    // CSP violations and script errors would mean a page silently does nothing.
    expect(problems).toEqual([]);
  });

  const newPage = () => watchedPage(context, problems);

  const signIn = (page: Page, role: Role) => signInAs(page, role);

  const openCase = openCasePage;

  /** A message to the customer goes only once previewed (composer.js): wait for the preview of what was typed. */
  async function previewShown(page: Page, form: string): Promise<void> {
    await page.locator(`[data-testid="form-${form}-preview"][data-ready]`).waitFor();
  }

  async function waitForStatus(page: Page, status: string, timeout = 15_000): Promise<void> {
    await page
      .locator(`[data-testid="case-status"][data-status="${status}"]`)
      .waitFor({ timeout })
      .catch(async (err) => {
        // Which side is behind, the page or the case, is what the next reader of a failure needs.
        const id = new URL(page.url()).searchParams.get('id') ?? '';
        const server = (await api('GET', `/complaints/${id}`)).body;
        const shown = await page.getByTestId('case-status').getAttribute('data-status');
        const live = await page.getByTestId('live-status').getAttribute('data-state');
        const recent = (server.events ?? []).slice(-6).map((e: { kind: string; at: string }) => `${e.at} ${e.kind}`);
        throw new Error(`${err.message}\npage shows ${shown} (live ${live}); the server says ${server.status}; its last events: ${recent.join(' | ')}`);
      });
  }

  /** Types a refund and waits until the server's verdict for exactly that amount is on the buttons. */
  async function typeAmount(page: Page, yuan: string, fen: number): Promise<void> {
    await page.getByTestId('propose-amount').fill(yuan);
    await page.locator(`[data-testid="btn-propose"][data-verdict-for="${fen}"]`).waitFor();
  }

  test('an agent opens a complaint, is refused above her limit and escalates; an expert settles and the case closes with the apology', async () => {
    const orderId = uniqueOrderId('E');
    const complaintId = `complaint-${orderId}`;
    await seedPlainOrder(orderId);
    const page = await newPage();

    // Sign in as the agent; the dev keys are labelled as such.
    await signIn(page, 'agent');
    await page.getByTestId('case-table').or(page.locator('#results .empty')).waitFor();

    // Create the complaint from the form.
    await page.goto(`${harness.apiUrl}/console/new.html`);
    await page.locator('#orderId').fill(orderId);
    await page.locator('#orderKind').selectOption('flight');
    await page.locator('#category').selectOption('payment_dispute');
    await page.locator('#description').fill('支付页面显示失败，之后仍被扣款 / the payment page said it failed, then he was charged');
    await page.locator('#customerId').fill('CUST-E2E');
    await page.locator('#tier').selectOption('individual');
    await page.locator('[name="customer.name"]').fill('张伟');
    await page.locator('[name="customer.phone"]').fill('+8613900139000');
    await page.locator('[name="customer.language"]').selectOption('zh');
    const before = Date.now();
    await page.getByTestId('create-submit').click();
    await page.waitForURL(/\/console\/case\.html\?id=complaint-/);
    expect(page.url()).toContain(complaintId);

    // The concrete deadline: a timestamp in Beijing time, 10 hours out under the test policy.
    const flashDeadline = page.getByTestId('flash-deadline');
    const deadlineIso = (await flashDeadline.getAttribute('datetime'))!;
    expect(Date.parse(deadlineIso) - before).toBeGreaterThan(10 * HOUR - 2 * 60_000);
    expect(Date.parse(deadlineIso) - before).toBeLessThan(10 * HOUR + 2 * 60_000);
    expect(await flashDeadline.textContent()).toContain(beijing(deadlineIso));
    await waitForStatus(page, 'investigating');
    const next = page.getByTestId('next-deadline');
    expect(await next.textContent()).toContain(beijing(deadlineIso));
    expect(await next.textContent()).toMatch(/剩余 \d+小时\d+分/);
    // The acknowledgement as sent to the customer, with the same concrete time.
    const ack = page.locator('[data-testid="notification"][data-purpose="acknowledgement"]').first();
    await ack.waitFor();
    expect(await ack.locator('blockquote').textContent()).toMatch(/已受理.*\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}/);

    // ¥800 is over the agent's ¥200.00 limit: the server's verdict disables the button and says who can approve.
    await typeAmount(page, '800', 80_000);
    expect(await page.getByTestId('btn-propose').isDisabled()).toBe(true);
    const why = (await page.getByTestId('why-propose').textContent())!;
    expect(why).toContain('¥800.00');
    expect(why).toContain('¥200.00');
    expect(why).toContain('投诉专家');
    expect(why).toContain('L2');
    expect(await page.getByTestId('btn-forApproval').isEnabled()).toBe(true);

    // The list shows the open case with its deadline in Beijing time and a live countdown.
    // (Same tab: the key lives in this tab's sessionStorage.)
    await page.goto(`${harness.apiUrl}/console/index.html?orderId=${orderId}`);
    const row = page.locator(`[data-testid="case-row"][data-complaint-id="${complaintId}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain(beijing(deadlineIso));
    const firstTick = await row.locator('.cd-left').textContent();
    await page.waitForTimeout(1_600);
    expect(await row.locator('.cd-left').textContent()).not.toBe(firstTick);

    // A premium case (seconds-long deadlines in the test policy) breaches: the list says so in words.
    const hotOrder = uniqueOrderId('H');
    expect((await api('POST', '/complaints', { body: complaintBody(hotOrder, { tier: 'premium' }) })).status).toBe(201);
    await eventually(async () => ((await api('GET', `/complaints?orderId=${hotOrder}`)).body.items?.[0]?.breached ? true : undefined), 30_000, 'the premium case to breach');
    // (A page of 100: other suites open cases in the same stack at the same time.)
    await page.goto(`${harness.apiUrl}/console/index.html?pageSize=100`);
    await row.waitFor();
    const hotRow = page.locator(`[data-testid="case-row"][data-complaint-id="complaint-${hotOrder}"]`);
    expect(await hotRow.getAttribute('data-urgency')).toBe('breached');
    expect(await hotRow.locator('.cd-label').textContent()).toBe('已违约');
    expect(await row.locator('.cd-label').textContent()).toBe('正常');
    await page.screenshot({ path: path.join(SHOTS, 'case-list.png'), fullPage: true });

    // Filters and paging: only breached cases; one case a page.
    await page.goto(`${harness.apiUrl}/console/index.html?breached=true&pageSize=100`);
    await hotRow.waitFor();
    expect(await row.count()).toBe(0);
    await page.goto(`${harness.apiUrl}/console/index.html?pageSize=1`);
    await page.getByTestId('case-row').first().waitFor();
    expect(await page.getByTestId('case-row').count()).toBe(1);
    const firstPageCase = await page.getByTestId('case-row').getAttribute('data-complaint-id');
    expect(await page.locator('#prev').isDisabled()).toBe(true);
    await page.locator('#next').click();
    await page.locator('#page-info', { hasText: '第 2 页' }).waitFor();
    await page.locator(`[data-testid="case-row"]:not([data-complaint-id="${firstPageCase}"])`).waitFor();
    expect(await page.locator('#prev').isEnabled()).toBe(true);
    await api('POST', `/complaints/complaint-${hotOrder}/actions/withdraw`, { body: { reason: 'e2e test case, no longer needed' } });
    await openCase(page, complaintId);
    await waitForStatus(page, 'investigating');

    // Escalate to the expert.
    await page.locator('#escalate-reason').fill('金额超出我的权限，需要专家处理');
    await page.getByTestId('btn-escalate').click();
    await page.locator('[data-testid="msg-escalate"].alert-ok').waitFor();
    await page.locator('[data-testid="case-level"][data-level="2"]').waitFor();
    expect(await page.getByTestId('btn-escalate').isDisabled()).toBe(true);
    expect(await page.getByTestId('why-escalate').textContent()).toContain('L2');
    await shot(page.getByTestId('actions'), 'actions-agent-escalated.png');
    await page.locator('[data-testid="notification"][data-purpose="escalation"]').first().waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'case-agent-escalated.png'), fullPage: true });

    // The expert signs in and settles ¥800 within the expert limit.
    await page.getByTestId('sign-out').click();
    await page.waitForURL(/signin\.html/);
    await signIn(page, 'expert');
    await openCase(page, complaintId);
    await typeAmount(page, '800', 80_000);
    await page.locator('#propose-fault').check();
    await page.locator('#propose-reason').fill('支付机构账本显示扣款成功但页面提示失败，平台责任，退还 800 元');
    expect(await page.getByTestId('btn-propose').isEnabled()).toBe(true);
    await previewShown(page, 'propose');
    await page.getByTestId('btn-propose').click();
    // Money paid out cannot be taken back: the console asks first.
    await page.getByTestId('confirm-yes').click();
    await page.locator('[data-testid="msg-propose"].alert-ok').waitFor();
    expect(await page.getByTestId('msg-propose').textContent()).toContain('¥800.00');

    // Money moves, the apology is delivered, the case closes.
    await waitForStatus(page, 'closed', 30_000);
    const apology = page.locator('[data-testid="notification"][data-purpose="apology"]').first();
    await apology.waitFor();
    expect(await apology.locator('blockquote').textContent()).toMatch(/非常抱歉.*退款 ¥800\.00/);
    expect(await page.getByTestId('refunds').textContent()).toContain(`${orderId}`);
    await page.getByTestId('timeline-entry').first().waitFor();
    expect(await page.locator('#timeline').textContent()).toMatch(/apolog|致歉|closed/i);
    await page.screenshot({ path: path.join(SHOTS, 'case-closed.png'), fullPage: true });

    const state = await api('GET', `/complaints/${complaintId}`);
    expect(state.body).toMatchObject({ status: 'closed', apologyDelivered: true, settlement: { refundFen: 80_000, approvedBy: { id: 'expert-wang' } } });
    expect(state.body.levels.map((l: { level: number }) => l.level)).toEqual([1, 2]);
  }, 120_000);

  test('bad input on the create form shows an error at each field and opens nothing', async () => {
    const page = await newPage();
    await signIn(page, 'agent');
    await page.goto(`${harness.apiUrl}/console/new.html`);
    await page.locator('#orderId').fill('bad id!');
    await page.locator('#description').fill('something happened');
    await page.locator('#customerId').fill('CUST-1');
    await page.locator('[name="customer.phone"]').fill('call me');
    await page.getByTestId('create-submit').click();

    for (const field of ['orderId', 'category', 'tier', 'customer.name', 'customer.phone']) {
      await page.getByTestId(`error-${field}`).waitFor();
    }
    expect(await page.getByTestId('error-customer.name').textContent()).toContain('必填');
    expect(await page.getByTestId('error-customer.phone').textContent()).toContain('digits, optionally starting with +');
    expect(await page.locator('[name="customer.phone"]').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#form-error').textContent()).toContain('5');
    expect(page.url()).toContain('new.html');
    await page.screenshot({ path: path.join(SHOTS, 'create-errors.png'), fullPage: true });

    // The language switch relabels the form and its errors.
    await page.getByTestId('lang-switch').click();
    await page.locator('label[for="orderId"]', { hasText: 'Order' }).waitFor();
    expect(await page.getByTestId('error-customer.name').textContent()).toContain('Required');
  });

  test('a refusal shows the server message; submit-for-approval hands the case to an expert, ops only read, the expert approves', async () => {
    const orderId = uniqueOrderId('F');
    const complaintId = `complaint-${orderId}`;
    await seedPlainOrder(orderId);
    const created = await api('POST', '/complaints', {
      body: { orderId, customerId: 'CUST-E2E', category: 'refund_fee', tier: 'individual', orderKind: 'flight', description: 'refund fee of 50%', customer: { name: 'Li', phone: '+8613700137000', language: 'en' } },
    });
    expect(created.status).toBe(201);

    const page = await newPage();
    await signIn(page, 'agent');
    await page.getByTestId('lang-switch').click();

    // A server that gives no verdicts (the state without `allowed`, /allowed without actions): the
    // console holds no rule to guess with, so the button stays enabled and the server decides.
    const caseUrls = new RegExp(`/complaints/${complaintId}(/allowed\\?.*)?$`);
    await page.route(caseUrls, async (route) => {
      const res = await route.fetch();
      const { allowed: _allowed, actions: _actions, forApproval: _forApproval, limitFen: _limitFen, ...rest } = await res.json();
      await route.fulfill({ response: res, json: rest });
    });
    await openCase(page, complaintId);
    await waitForStatus(page, 'investigating');
    await typeAmount(page, '800', 80_000);
    expect(await page.getByTestId('btn-propose').getAttribute('data-verdict')).toBe('unknown');
    expect(await page.getByTestId('btn-propose').isEnabled()).toBe(true);
    expect(await page.getByTestId('why-propose').textContent()).toBe('');
    expect(await page.getByTestId('act-notice').isHidden()).toBe(true);
    expect(await page.getByTestId('act-summary').textContent()).not.toContain('limit');
    await page.locator('#propose-reason').fill('fee above the 20% cap');
    await previewShown(page, 'propose');
    await page.getByTestId('btn-propose').click();
    await page.getByTestId('confirm-yes').click();
    await page.locator('[data-testid="msg-propose"].alert-danger').waitFor();
    const refusal = (await page.getByTestId('msg-propose').textContent())!;
    expect(refusal).toContain('Refused by the server (422)');
    expect(refusal).toContain('exceeds the agent limit');

    // With the server's verdicts: each amount gets its own, the latest one typed wins.
    await page.unroute(caseUrls);
    await openCase(page, complaintId);
    await waitForStatus(page, 'investigating');
    expect(await page.getByTestId('act-summary').textContent()).toContain('my settlement limit ¥200.00');
    await typeAmount(page, '100', 10_000);
    expect(await page.getByTestId('btn-propose').isEnabled()).toBe(true);
    expect(await page.getByTestId('btn-forApproval').isDisabled()).toBe(true);
    expect(await page.getByTestId('why-forApproval').textContent()).toBe('Within my limit: propose and settle directly.');
    await typeAmount(page, '800', 80_000);
    expect(await page.getByTestId('btn-propose').isDisabled()).toBe(true);
    expect(await page.getByTestId('why-propose').getAttribute('data-code')).toBe('exceeds');
    expect(await page.getByTestId('why-propose').textContent()).toContain('¥800.00 exceeds the agent limit ¥200.00; an expert (level 2) must approve it');
    expect(await page.getByTestId('btn-forApproval').isEnabled()).toBe(true);
    // A goodwill gesture: the kind travels with the proposal and is what the expert approves.
    await page.getByTestId('propose-kind').selectOption('goodwill');
    expect(await page.locator('#propose-kind option:checked').textContent()).toBe('Goodwill gesture');
    await page.locator('#propose-reason').fill('fee above the 20% cap');
    await page.screenshot({ path: path.join(SHOTS, 'case-propose-verdict-en.png'), fullPage: true });
    await shot(page.getByTestId('actions'), 'actions-propose-verdict-en.png');
    // Pointing at the button previews what it sends (the escalation, for approval).
    await page.getByTestId('btn-forApproval').hover();
    await previewShown(page, 'propose');
    expect(await page.getByTestId('form-propose-preview').textContent()).toContain('escalat');
    await page.getByTestId('btn-forApproval').click();
    await page.locator('[data-testid="msg-propose"].alert-ok').waitFor();
    await page.locator('[data-testid="case-level"][data-level="2"]').waitFor();
    await page.getByTestId('pending-proposal').waitFor();
    expect(await page.getByTestId('pending-proposal').textContent()).toContain('Goodwill gesture');
    expect(await page.getByTestId('btn-approve').isDisabled()).toBe(true);

    // Ops can look but not act.
    const ops = await newPage();
    await signIn(ops, 'ops');
    await openCase(ops, complaintId);
    await ops.getByTestId('pending-proposal').waitFor();
    // Ops never approve: the form is not shown to them at all.
    expect(await ops.getByTestId('form-approve').isHidden()).toBe(true);
    expect(await ops.locator('nav a[href="new.html"]').count()).toBe(0);
    await ops.close();

    // The expert approves; the case settles and closes.
    await page.getByTestId('sign-out').click();
    // Signing out asks the server first, then leaves the page.
    await page.waitForURL(/signin\.html/);
    await signIn(page, 'expert');
    await openCase(page, complaintId);
    await page.getByTestId('pending-proposal').waitFor();
    expect(await page.getByTestId('btn-approve').isEnabled()).toBe(true);
    await page.getByTestId('btn-approve').click();
    await page.getByTestId('confirm-yes').click();
    await waitForStatus(page, 'closed', 30_000);
    await page.locator('[data-testid="notification"][data-purpose="apology"]').first().waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'case-approved-en.png'), fullPage: true });
    const state = await api('GET', `/complaints/${complaintId}`);
    expect(state.body.settlement).toMatchObject({ kind: 'goodwill', refundFen: 80_000, approvedBy: { id: 'expert-wang' } });
  }, 120_000);

  test('without /me and /history the console shows the role picked at sign-in and the case\'s own events', async () => {
    const orderId = uniqueOrderId('G');
    expect((await api('POST', '/complaints', { body: complaintBody(orderId) })).status).toBe(201);
    await context.route('**/me', (route) => route.fulfill({ status: 404, json: { error: 'no route GET /me' } }));
    await context.route('**/history', (route) => route.fulfill({ status: 404, json: { error: 'no route' } }));
    const page = await newPage();
    await signIn(page, 'expert');
    expect(await page.getByTestId('me').textContent()).toContain('登录时所选角色');
    await openCase(page, `complaint-${orderId}`);
    await waitForStatus(page, 'investigating');
    expect(await page.getByTestId('timeline-source').textContent()).toContain('404');
    expect(await page.locator('[data-testid="timeline-entry"][data-kind="received"]').count()).toBe(1);
    expect(await page.getByTestId('temporal-link').count()).toBe(0);
    // The server knows whose key it is and answers for the expert: she may settle up to ¥2,000.00.
    await typeAmount(page, '2000.01', 200_001);
    expect(await page.getByTestId('why-propose').textContent()).toContain('¥2,000.00');
  });

  test('a refund the provider refuses waits for ops: only ops see the panel with its reason and deadline, and each way out is confirmed first', async () => {
    const orderId = uniqueOrderId('M');
    const complaintId = `complaint-${orderId}`;
    await seedPlainOrder(orderId);
    expect((await api('POST', '/complaints', { body: complaintBody(orderId, { category: 'payment_dispute', orderKind: 'flight' }) })).status).toBe(201);
    await eventually(async () => ((await api('GET', `/complaints/${complaintId}`)).body.status === 'investigating' ? true : undefined), 30_000, 'investigating');
    // The rail refuses the refund for good: the case stops in needs_manual and, once its automatic
    // retries are spent, waits for a person.
    await simulator('POST', '/_admin/faults', { service: 'payment', mode: 'refuse_writes', match: orderId });
    try {
      const settled = await api('POST', `/complaints/${complaintId}/actions/propose-settlement`, { body: { refundFen: 10_000, platformAtFault: true, reason: '平台责任，退还 100 元' } });
      expect(settled.status).toBe(200);
      const stuck = await eventually(async () => {
        const s = (await api('GET', `/complaints/${complaintId}`)).body;
        return s.status === 'needs_manual' && s.manual && !s.manual.retryAt ? s : undefined;
      }, 60_000, 'needs_manual with the automatic retries spent');

      // The agent sees why nothing can be decided, and no ops panel.
      const page = await newPage();
      await signIn(page, 'agent');
      await openCase(page, complaintId);
      await waitForStatus(page, 'needs_manual');
      expect(await page.getByTestId('case-status').textContent()).toBe('待人工处理');
      expect(await page.getByTestId('act-notice').textContent()).toBe('案件状态为“待人工处理”，不能再做决定。');
      expect(await page.getByTestId('ops-panel').isHidden()).toBe(true);
      expect(await page.getByTestId('form-propose').isHidden()).toBe(true);
      await shot(page.getByTestId('actions'), 'actions-needs-manual-agent.png');

      // Ops see the reason, the deadline in Beijing time and the three ways out.
      await page.getByTestId('sign-out').click();
      await page.waitForURL(/signin\.html/);
      await signIn(page, 'ops');
      await openCase(page, complaintId);
      const panel = page.getByTestId('ops-panel');
      await panel.waitFor();
      expect(await page.getByTestId('ops-reason').textContent()).toBe(stuck.manual.reason);
      expect(await page.getByTestId('ops-deadline').textContent()).toBe(beijing(stuck.manual.deadline));
      expect(await panel.textContent()).toContain('退款或扣款调整');
      expect(await panel.textContent()).toContain('不再自动重试');
      for (const name of ['retry', 'settleByHand', 'closeWithApology']) expect(await page.getByTestId(`btn-${name}`).isEnabled()).toBe(true);
      expect(await page.getByTestId('act-notice').isHidden()).toBe(true);
      expect(await page.getByTestId('act-summary').textContent()).toMatch(/^我：运营（只读） · /);
      await page.screenshot({ path: path.join(SHOTS, 'case-needs-manual-ops.png'), fullPage: true });
      await shot(page.getByTestId('actions'), 'actions-needs-manual-ops.png');

      // Cancelling the confirmation sends nothing.
      await page.getByTestId('btn-retry').click();
      const dialog = page.getByTestId('confirm-dialog');
      await dialog.waitFor();
      expect(await dialog.textContent()).toContain('重新执行被拒绝的步骤');
      await page.getByTestId('confirm-no').click();
      await dialog.waitFor({ state: 'hidden' });
      await page.waitForTimeout(1_000);
      const after = (await api('GET', `/complaints/${complaintId}`)).body;
      expect(after.status).toBe('needs_manual');
      expect(after.events.filter((e: { actor: string }) => e.actor === 'ops-chen')).toEqual([]);

      // Settled by hand: a note is required, the confirmation repeats it, then the case apologizes and closes.
      await page.getByTestId('btn-settleByHand').click();
      expect(await page.getByTestId('msg-settleByHand').textContent()).toBe('请填写内容。');
      expect(await dialog.isHidden()).toBe(true);
      await page.locator('#ops-by-hand-note').fill('财务已通过银行转账退还 ¥100.00，流水 BANK-778');
      await page.getByTestId('btn-settleByHand').click();
      await dialog.waitFor();
      expect(await dialog.textContent()).toContain('BANK-778');
      expect(await page.getByTestId('msg-settleByHand').textContent()).toBe('');
      await page.screenshot({ path: path.join(SHOTS, 'confirm-settle-by-hand.png') });
      await page.getByTestId('confirm-yes').click();
      await page.locator('[data-testid="msg-settleByHand"].alert-ok').waitFor();
      await waitForStatus(page, 'closed', 30_000);
      await page.locator('[data-testid="notification"][data-purpose="apology"]').first().waitFor();
      const closed = (await api('GET', `/complaints/${complaintId}`)).body;
      expect(closed).toMatchObject({ status: 'closed', apologyDelivered: true, refunds: [] });
      expect(closed.events).toContainEqual(expect.objectContaining({ actor: 'ops-chen', kind: 'settled_by_hand' }));
      expect(await panel.isHidden()).toBe(false); // the answer stays in view
    } finally {
      await simulator('POST', '/_admin/faults', { service: 'payment', mode: 'none', match: orderId });
    }
  }, 120_000);
});
