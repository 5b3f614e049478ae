/**
 * The live workspace in Debian's chromium against the real stack: one session across the tabs of
 * a browser (a deep link lands on the case; a change without the CSRF token is refused; signing
 * out signs out every tab), an expert's action showing on the agent's open case without a reload,
 * who else has the case open, assignment to a named person, a draft the case changed under kept
 * and flagged, and a confirmation before every irreversible action.
 */
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { api, complaintBody, eventually, harness, KEYS, simulator, uniqueOrderId, untilState } from '../harness/client';
import { SHOTS, describeBrowser, launchChromium, seriousViolations, shot } from './support/browser';
import { openCasePage, signInAs, watchedPage } from './support/console-pages';


type Role = keyof typeof KEYS;

/** A paid order with nothing wrong in its records: nothing settles by itself, staff decide. */
async function paidCase(prefix: string): Promise<string> {
  const orderId = uniqueOrderId(prefix);
  const paidAt = new Date(Date.now() - 3_600_000).toISOString();
  await simulator('POST', '/_admin/orders', {
    orderId,
    kind: 'flight',
    customerId: 'CUST-LIVE',
    orderAmountFen: 120_000,
    attempts: [{ attemptId: `${orderId}-ATT`, at: paidAt, amountFen: 120_000, status: 'SUCCEEDED' }],
    debits: [{ amountFen: 120_000, at: paidAt, kind: 'payment', attemptId: `${orderId}-ATT` }],
  });
  const res = await api('POST', '/complaints', { body: complaintBody(orderId) });
  expect(res.status).toBe(201);
  await untilState(res.body.complaintId, (s) => s.status === 'investigating');
  return res.body.complaintId;
}

/** A message to the customer goes only once previewed (composer.js): point at the button, wait for its preview. */
async function pointAndPreview(page: Page, button: string, form: string): Promise<void> {
  await page.getByTestId(button).hover();
  await page.locator(`[data-testid="form-${form}-preview"][data-ready]`).waitFor();
}

describeBrowser('the live workspace (chromium, real stack)', () => {
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let problems: string[];

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  beforeEach(() => {
    problems = [];
  });

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
    expect(problems).toEqual([]);
  });

  /** One browser profile: its tabs share cookies, as one person's browser does. */
  async function newContext(): Promise<BrowserContext> {
    // bypassCSP only so that axe can be injected; the pages are otherwise as served.
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, timezoneId: 'America/New_York', bypassCSP: true });
    context.setDefaultTimeout(15_000);
    contexts.push(context);
    return context;
  }

  const newPage = (context: BrowserContext) => watchedPage(context, problems);

  const signIn = (page: Page, role: Role) => signInAs(page, role);

  async function openCase(page: Page, id: string): Promise<void> {
    await openCasePage(page, id);
    await page.locator('[data-testid="live-status"][data-state="open"]').waitFor();
  }

  test('one session across tabs: a deep link in a new tab lands on the case, a change without the CSRF token is refused, signing out signs out every tab', async () => {
    const id = await paidCase('LS');
    const context = await newContext();
    const first = await newPage(context);
    await signIn(first, 'agent');
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'console_session')!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    // Scripts cannot read it.
    expect(await first.evaluate(() => (globalThis as unknown as { document: { cookie: string } }).document.cookie)).not.toContain('console_session');

    const second = await newPage(context);
    await second.goto(`${harness.apiUrl}/console/case.html?id=${id}`);
    await second.getByTestId('case-status').waitFor();
    expect(second.url()).toContain(`case.html?id=${id}`);
    await second.screenshot({ path: path.join(SHOTS, 'live-deep-link-new-tab.png') });

    // A request the browser would send for a forged page: the cookie goes along, the token does not.
    const forged = await context.request.post(`${harness.apiUrl}/complaints/${id}/actions/note`, { data: { text: 'forged' }, headers: { 'content-type': 'application/json' } });
    expect(forged.status()).toBe(403);
    expect(await forged.json()).toMatchObject({ type: 'CsrfRejected', code: 'csrf_missing' });
    // The console's own form carries it.
    await second.locator('#note-text').fill('通话记录：客户确认订单号');
    await second.getByTestId('btn-note').click();
    await second.locator('[data-testid="msg-note"].alert-ok').waitFor();

    await second.getByTestId('sign-out').click();
    await second.waitForURL(/signin\.html/);
    // The first tab is told at once and says why.
    await first.waitForURL(/signin\.html\?reason=elsewhere/);
    expect(await first.locator('#notice').textContent()).toContain('另一个标签页');
    // And the session is over on the server: a new tab lands on sign-in, with the way back.
    const third = await newPage(context);
    await third.goto(`${harness.apiUrl}/console/case.html?id=${id}`);
    await third.waitForURL(/signin\.html\?next=/);
    await signIn3(third);
    await third.waitForURL(new RegExp(`case\\.html\\?id=${id}`));
    await api('POST', `/complaints/${id}/actions/withdraw`, { body: { reason: 'test over' } });

    async function signIn3(page: Page) {
      await page.getByTestId('dev-role-agent').click();
      await page.getByTestId('signin-submit').click();
    }
  }, 90_000);

  test('an expert acts in another browser: the agent’s open case shows it without a reload, with who else has the case open; then the expert assigns it', async () => {
    const id = await paidCase('LV');
    const agent = await newPage(await newContext());
    await signIn(agent, 'agent');
    await openCase(agent, id);
    await agent.getByTestId('presence-alone').waitFor();
    let reloads = 0;
    agent.on('framenavigated', (frame) => frame === agent.mainFrame() && reloads++);

    const expert = await newPage(await newContext());
    await signIn(expert, 'expert');
    await openCase(expert, id);
    // Both see both, by name and role.
    const agentSeesExpert = agent.locator('[data-testid="presence-viewer"][data-viewer-id="expert-wang"]');
    await agentSeesExpert.waitFor();
    expect(await agentSeesExpert.textContent()).toContain('王强');
    expect(await agentSeesExpert.textContent()).toContain('投诉专家');
    await expert.locator('[data-testid="presence-viewer"][data-viewer-id="agent-li"]').waitFor();

    await expert.locator('#note-text').fill('专家已核对支付机构账本');
    await expert.getByTestId('btn-note').click();
    await expert.locator('[data-testid="msg-note"].alert-ok').waitFor();
    const started = Date.now();
    await agent.locator('[data-testid="note"]', { hasText: '专家已核对支付机构账本' }).waitFor({ timeout: 5_000 });
    const seenAfterMs = Date.now() - started;
    console.log(`the expert's note reached the agent's open page in ${seenAfterMs} ms, without a reload`);
    expect(reloads).toBe(0);
    await agent.screenshot({ path: path.join(SHOTS, 'live-agent-sees-expert.png'), fullPage: true });

    // Ops cannot own a case being decided: the refusal is worded in Chinese, not the server's English.
    await expert.getByTestId('assign-to').selectOption('ops-chen');
    await expert.getByTestId('btn-assign').click();
    const refusal = expert.locator('[data-testid="msg-owner"].alert-danger');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('运维人员只读，不能负责正在处理的案件');
    expect(await refusal.textContent()).not.toMatch(/read-only|cannot/);
    // The case goes to a supervisor by name, and the agent's page says so at once.
    await expert.getByTestId('assign-to').selectOption('supervisor-zhao');
    await expert.getByTestId('btn-assign').click();
    await expert.locator('[data-testid="msg-owner"].alert-ok').waitFor();
    await agent.locator('[data-testid="owner-current"]', { hasText: 'supervisor-zhao' }).waitFor({ timeout: 5_000 });
    expect(reloads).toBe(0);
    // The agent takes it back herself.
    await agent.getByTestId('btn-claim').click();
    await agent.locator('[data-testid="msg-owner"].alert-ok').waitFor();
    await expert.locator('[data-testid="owner-current"]', { hasText: 'agent-li' }).waitFor({ timeout: 5_000 });
    await shot(agent.getByTestId('form-owner'), 'live-owner-panel.png');

    // The expert leaves: the agent is alone again.
    await expert.close();
    await agent.getByTestId('presence-alone').waitFor();
    await api('POST', `/complaints/${id}/actions/withdraw`, { body: { reason: 'test over' } });
  }, 90_000);

  test('the home page’s view counts follow the server without a reload: claiming a case raises “my cases” on the open page', async () => {
    const id = await paidCase('LH');
    const page = await newPage(await newContext());
    await signIn(page, 'agent');
    const count = page.getByTestId('view-count-mine');
    await count.waitFor();
    const before = Number(await count.textContent());
    let reloads = 0;
    page.on('framenavigated', (frame) => frame === page.mainFrame() && reloads++);
    expect((await api('POST', `/complaints/${id}/actions/claim`, { body: {} })).status).toBe(200);
    await page.waitForFunction((n) => Number((globalThis as unknown as { document: { querySelector(s: string): { textContent: string } | null } }).document.querySelector('[data-testid="view-count-mine"]')?.textContent) > n, before, { timeout: 15_000 });
    expect(reloads).toBe(0);
    await page.screenshot({ path: path.join(SHOTS, 'live-home-counts.png') });
    await api('POST', `/complaints/${id}/actions/withdraw`, { body: { reason: 'test over' } });
  }, 60_000);

  test('when the stream ends (the server’s time limit, a proxy, a restart), it reconnects by itself and what changed meanwhile shows', async () => {
    const id = await paidCase('LR');
    const context = await newContext();
    const page = await newPage(context);
    await signIn(page, 'agent');
    // The first stream ends at once, as the API ends every stream after its time limit; the next ones are the real server's.
    // The reconnection waits at the gate until the test has changed the case.
    let streams = 0;
    let openGate = () => {};
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    // The case's stream only (the home page's counts stream is /complaints/views/live).
    await page.route(/\/complaints\/(?!views\/)[^/]+\/live$/, async (route) => {
      streams += 1;
      if (streams === 1) return route.fulfill({ status: 200, headers: { 'content-type': 'text/event-stream' }, body: 'retry: 500\n\nevent: case\ndata: {"version":"first"}\n\n' });
      await gate;
      return route.continue();
    });
    await page.goto(`${harness.apiUrl}/console/case.html?id=${id}`);
    await page.getByTestId('case-status').waitFor();
    await page
      .locator('[data-testid="live-status"][data-state="reconnecting"]')
      .waitFor({ timeout: 10_000 })
      .catch(async (err) => {
        throw new Error(`${err.message}; streams asked: ${streams}; live status: ${await page.getByTestId('live-status').getAttribute('data-state')}`);
      });
    expect(await page.getByTestId('live-status').textContent()).toContain('正在重连');
    // Changed while this page had no stream.
    expect((await api('POST', `/complaints/${id}/actions/note`, { key: KEYS.expert, body: { text: '断线期间的专家备注' } })).status).toBe(200);
    openGate();
    await page.locator('[data-testid="live-status"][data-state="open"]').waitFor({ timeout: 10_000 });
    await page.locator('[data-testid="note"]', { hasText: '断线期间的专家备注' }).waitFor({ timeout: 10_000 });
    // And the new stream carries later changes.
    expect((await api('POST', `/complaints/${id}/actions/note`, { key: KEYS.expert, body: { text: '重连之后的备注' } })).status).toBe(200);
    await page.locator('[data-testid="note"]', { hasText: '重连之后的备注' }).waitFor({ timeout: 10_000 });
    expect(streams).toBe(2);
    await api('POST', `/complaints/${id}/actions/withdraw`, { body: { reason: 'test over' } });
  }, 90_000);

  test('a change the server announces while the page is still reading the last one shows too (a CI run once kept a closed case on “apologizing”)', async () => {
    const id = await paidCase('LW');
    const context = await newContext();
    const page = await newPage(context);
    await signIn(page, 'agent');
    await openCase(page, id);
    const heard = () => page.getByTestId('live-status').getAttribute('data-version');
    const changed = (from: string | null, what: string) => eventually(async () => ((await heard()) !== from ? true : undefined), 10_000, what);
    const before = await heard();
    // The page's next read of the timeline waits at the gate, as a read does on a slow API.
    let held = 0;
    let openGate = () => {};
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    await page.route(new RegExp(`/complaints/${id}/history$`), async (route) => {
      held += 1;
      if (held === 1) await gate;
      return route.continue();
    });
    expect((await api('POST', `/complaints/${id}/actions/note`, { key: KEYS.expert, body: { text: '读取途中之前的备注' } })).status).toBe(200);
    await changed(before, 'the first note announced');
    await eventually(async () => (held === 1 ? true : undefined), 10_000, 'the read of the first note in flight');
    const first = await heard();
    // Announced while the read above, which saw only the first note, is still running.
    expect((await api('POST', `/complaints/${id}/actions/note`, { key: KEYS.expert, body: { text: '读取途中的备注' } })).status).toBe(200);
    await changed(first, 'the second note announced');
    openGate();
    await page.locator('[data-testid="note"]', { hasText: '读取途中的备注' }).waitFor({ timeout: 10_000 });
    await api('POST', `/complaints/${id}/actions/withdraw`, { body: { reason: 'test over' } });
  }, 90_000);

  test('the issue’s scenario: an agent drafts a refund, an expert closes the case; the draft is still there, flagged, and its submit disabled with the server’s verdict', async () => {
    const id = await paidCase('LD');
    const agent = await newPage(await newContext());
    await signIn(agent, 'agent');
    await openCase(agent, id);
    await agent.getByTestId('propose-amount').fill('50');
    await agent.locator('#propose-reason').fill('航班延误补偿 50 元');
    await agent.locator('[data-testid="btn-propose"][data-verdict-for="5000"]').waitFor();
    expect(await agent.getByTestId('btn-propose').isEnabled()).toBe(true);

    const expert = await newPage(await newContext());
    await signIn(expert, 'expert');
    await openCase(expert, id);
    await expert.locator('#decide-reason').fill('已与客户电话沟通，客户接受解释');
    await pointAndPreview(expert, 'btn-resolve', 'decide');
    await expert.getByTestId('btn-resolve').click();
    await expert.getByTestId('confirm-yes').click();
    await expert.locator('[data-testid="msg-decide"].alert-ok').waitFor();

    const flag = agent.getByTestId('draft-flag-propose');
    await flag.waitFor({ timeout: 10_000 });
    await agent.locator('[data-testid="case-status"][data-status="closed"]').waitFor({ timeout: 30_000 });
    await agent.locator('[data-testid="draft-flag-propose"]', { hasText: '已结案' }).waitFor();
    const text = (await flag.textContent())!;
    expect(text).toContain('expert-wang');
    expect(text).toMatch(/\d{2}:\d{2}/);
    expect(text).toContain('您的草稿已保留');
    expect(await agent.getByTestId('form-propose').isVisible()).toBe(true);
    expect(await agent.getByTestId('propose-amount').inputValue()).toBe('50');
    expect(await agent.locator('#propose-reason').inputValue()).toBe('航班延误补偿 50 元');
    expect(await agent.getByTestId('btn-propose').isDisabled()).toBe(true);
    expect(await agent.getByTestId('why-propose').textContent()).toContain('已结案');
    await shot(agent.getByTestId('actions'), 'live-draft-kept.png');
    const state = (await api('GET', `/complaints/${id}`)).body;
    expect(state.settlement ?? null).toBeNull();
  }, 90_000);

  test('every irreversible action asks first; cancelling changes nothing', async () => {
    const id = await paidCase('LC');
    const page = await newPage(await newContext());
    await signIn(page, 'agent');
    await openCase(page, id);
    const dialog = page.getByTestId('confirm-dialog');

    await page.locator('#decide-reason').fill('客户已撤回');
    for (const [action, title] of [
      ['resolve', '结案（不涉及退款）？'],
      ['reject', '驳回此投诉？'],
      ['withdraw', '记录客户撤回投诉？'],
    ] as const) {
      await pointAndPreview(page, `btn-${action}`, 'decide');
      await page.getByTestId(`btn-${action}`).click();
      await dialog.waitFor();
      expect(await dialog.locator('h2').textContent()).toBe(title);
      expect(await dialog.textContent()).toContain('无法撤销');
      if (action === 'reject') await page.screenshot({ path: path.join(SHOTS, 'live-confirm-reject.png') });
      await page.getByTestId('confirm-no').click();
      await dialog.waitFor({ state: 'hidden' });
    }
    // Escape says no too.
    await page.getByTestId('propose-amount').fill('120');
    await page.locator('#propose-reason').fill('补偿 120 元');
    await page.locator('[data-testid="btn-propose"][data-verdict-for="12000"]').waitFor();
    await pointAndPreview(page, 'btn-propose', 'propose');
    await page.getByTestId('btn-propose').click();
    await dialog.waitFor();
    expect(await dialog.locator('h2').textContent()).toBe('确认退款 ¥120.00？');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await page.waitForTimeout(1_000);
    const untouched = (await api('GET', `/complaints/${id}`)).body;
    expect(untouched.status).toBe('investigating');
    expect(untouched.settlement ?? null).toBeNull();
    expect(await page.getByTestId('propose-amount').inputValue()).toBe('120');

    // A proposal for approval moves no money yet: no question.
    // Withdraw, confirmed: the case closes.
    await pointAndPreview(page, 'btn-withdraw', 'decide');
    await page.getByTestId('btn-withdraw').click();
    await page.getByTestId('confirm-yes').click();
    await page.locator('[data-testid="msg-decide"].alert-ok').waitFor();
    await untilState(id, (s) => s.outcome === 'withdrawn' || s.status === 'closed' || s.status === 'apologizing');
  }, 90_000);

  test('the case page with people present and a kept draft has no serious or critical accessibility violation (axe-core)', async () => {
    const id = await paidCase('LA');
    const page = await newPage(await newContext());
    await signIn(page, 'agent');
    await openCase(page, id);
    const other = await newPage(await newContext());
    await signIn(other, 'supervisor');
    await openCase(other, id);
    await page.locator('[data-testid="presence-viewer"][data-viewer-id="supervisor-zhao"]').waitFor();
    await page.locator('#note-text').fill('草稿');
    await other.locator('#note-text').fill('主管备注');
    await other.getByTestId('btn-note').click();
    await page.getByTestId('draft-flag-note').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, 'live-case-presence-draft.png'), fullPage: true });
    await api('POST', `/complaints/${id}/actions/withdraw`, { body: { reason: 'test over' } });
  }, 90_000);
});
