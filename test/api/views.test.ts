/**
 * The triage views: each person's own (mine, my queue, awaiting my approval) and the shared ones
 * (due soon, breached, needs ops), counted, sorted by the next deadline, closed cases left out;
 * and one urgency for a case in the list and on its page. Every listing is narrowed by this
 * file's own customer ids (q=), so cases of tests running beside it do not disturb it.
 */
import { api, complaintBody, eventually, KEYS, simulator, uniqueOrderId, untilClosed, untilState } from '../harness/client';
import { seedPaidOrder } from './support/orders';

interface Row {
  complaintId: string;
  caseRef: string;
  nextDeadline?: string;
  urgency: string;
  owner?: string;
  pendingApprovalLevel?: number;
}

async function view(name: string, customerId: string, key: string = KEYS.agent, extra = '') {
  const res = await api('GET', `/complaints?view=${name}&q=${customerId}${extra}`, { key });
  expect(res.status).toBe(200);
  return res.body as { items: Row[]; nextPageToken?: string; query: string; view: string };
}

/** Visibility is eventually consistent: poll until the view holds exactly these cases. */
function viewHolds(name: string, customerId: string, refs: string[], key: string = KEYS.agent, timeoutMs = 20_000) {
  return eventually(async () => {
    const page = await view(name, customerId, key);
    return JSON.stringify(page.items.map((i) => i.caseRef)) === JSON.stringify(refs) ? page : undefined;
  }, timeoutMs, `view ${name} holding ${refs.join(', ') || 'nothing'}`);
}

async function open(orderId: string, over: Record<string, unknown>): Promise<{ id: string; caseRef: string }> {
  const res = await api('POST', '/complaints', { body: complaintBody(orderId, over) });
  expect(res.status).toBe(201);
  return { id: res.body.complaintId, caseRef: res.body.caseRef };
}

async function counts(key: string): Promise<Record<string, { count: number; query: string }>> {
  const res = await api('GET', '/complaints/views', { key });
  expect(res.status).toBe(200);
  return Object.fromEntries((res.body.views as Array<{ view: string; count: number; query: string }>).map((v) => [v.view, v]));
}

describe('triage views', () => {
  test('my queue lists the earliest deadline first, pages, and loses a case I claim to my cases and one that closes', async () => {
    const customerId = uniqueOrderId('VQ');
    const a = await open(uniqueOrderId('VQA'), { customerId });
    const b = await open(uniqueOrderId('VQB'), { customerId });
    const c = await open(uniqueOrderId('VQC'), { customerId });
    // Visibility's own order is newest first; the view's is by deadline, so the oldest leads.
    const queue = await viewHolds('my_queue', customerId, [a.caseRef, b.caseRef, c.caseRef]);
    const deadlines = queue.items.map((i) => Date.parse(i.nextDeadline!));
    expect([...deadlines].sort((x, y) => x - y)).toEqual(deadlines);
    expect(queue.items.map((i) => i.urgency)).toEqual(['normal', 'normal', 'normal']);
    expect(queue.query).toContain("Owner = 'queue:agents'");

    const first = await view('my_queue', customerId, KEYS.agent, '&pageSize=2');
    expect(first.items.map((i) => i.caseRef)).toEqual([a.caseRef, b.caseRef]);
    const second = await view('my_queue', customerId, KEYS.agent, `&pageSize=2&pageToken=${first.nextPageToken}`);
    expect(second.items.map((i) => i.caseRef)).toEqual([c.caseRef]);
    expect(second.nextPageToken).toBeUndefined();
    expect((await api('GET', `/complaints?view=breached&pageToken=${first.nextPageToken}`)).status).toBe(400);

    expect((await api('POST', `/complaints/${b.caseRef}/actions/claim`, { body: {} })).status).toBe(200);
    await viewHolds('mine', customerId, [b.caseRef]);
    await viewHolds('my_queue', customerId, [a.caseRef, c.caseRef]);
    expect((await counts(KEYS.agent)).mine!.count).toBeGreaterThanOrEqual(1);
    // The same case is in nobody else's "mine".
    expect((await view('mine', customerId, KEYS.expert)).items).toEqual([]);

    expect((await api('POST', `/complaints/${a.caseRef}/actions/withdraw`, { body: { reason: 'the customer sorted it out' } })).status).toBe(200);
    await untilClosed(a.caseRef);
    await viewHolds('my_queue', customerId, [c.caseRef]);
    // Still found by a plain search: the views leave closed cases out, the list does not.
    expect((await api('GET', `/complaints?q=${customerId}`)).body.items.map((i: Row) => i.caseRef)).toContain(a.caseRef);
  });

  test("a proposal above the agent's limit waits in the expert's approvals, not the supervisor's, and the agent has no such view", async () => {
    const customerId = uniqueOrderId('VA');
    const orderId = uniqueOrderId('VAP');
    await seedPaidOrder(orderId, 100_000);
    const c = await open(orderId, { customerId, category: 'payment_dispute' });
    await untilState(c.caseRef, (s) => s.status === 'investigating' && s.findings !== undefined);
    const proposed = await eventually(async () => {
      const res = await api('POST', `/complaints/${c.caseRef}/actions/propose-settlement`, { body: { refundFen: 50_000, platformAtFault: false, reason: 'goodwill above my limit', forApproval: true } });
      return res.status === 200 ? res : undefined;
    }, 20_000, 'the proposal accepted once the records are read');
    expect(proposed.body.result).toMatchObject({ settled: false, pendingLevel: 2 });

    const approvals = await viewHolds('awaiting_approval', customerId, [c.caseRef], KEYS.expert);
    expect(approvals.items[0]).toMatchObject({ pendingApprovalLevel: 2 });
    expect((await view('awaiting_approval', customerId, KEYS.supervisor)).items).toEqual([]);
    expect((await counts(KEYS.expert)).awaiting_approval!.count).toBeGreaterThanOrEqual(1);
    expect(Object.keys(await counts(KEYS.agent))).toEqual(['mine', 'my_queue', 'due_soon', 'breached', 'needs_ops']);
    expect(Object.keys(await counts(KEYS.ops))).toEqual(['mine', 'my_queue', 'due_soon', 'breached', 'needs_ops']);
    expect((await api('GET', `/complaints?view=awaiting_approval&q=${customerId}`)).status).toBe(403);

    // Approved, it leaves the view.
    expect((await api('POST', `/complaints/${c.caseRef}/actions/approve-settlement`, { key: KEYS.expert, body: {} })).status).toBe(200);
    await viewHolds('awaiting_approval', customerId, [], KEYS.expert);
  });

  test('a premium case is due soon inside its warning window, then breached, with the same urgency in the list and on its page', async () => {
    const customerId = uniqueOrderId('VD');
    const c = await open(uniqueOrderId('VDP'), { customerId, tier: 'premium' });
    // The 6-second level warns at 75%: the case is due soon for about a second and a half.
    const due = await viewHolds('due_soon', customerId, [c.caseRef], KEYS.agent, 15_000);
    const page = (await api('GET', `/complaints/${c.caseRef}`)).body;
    expect(due.items[0]!.urgency).toBe('due_soon');
    // The page agrees, unless the deadline passed between the two requests.
    if (Date.now() < Date.parse(page.nextDeadline) && !page.flags.breached) expect(page.urgency).toBe('due_soon');
    else expect(page.urgency).toBe('breached');

    const breached = await viewHolds('breached', customerId, [c.caseRef], KEYS.agent, 15_000);
    expect(breached.items[0]!.urgency).toBe('breached');
    expect((await api('GET', `/complaints/${c.caseRef}`)).body.urgency).toBe('breached');
    // Breached outranks due soon: a breached case warned again at its next level is not "due soon".
    expect((await view('due_soon', customerId)).items).toEqual([]);
  });

  test("a refund the rail refuses for good puts the case in ops' queue and the needs-ops view", async () => {
    const customerId = uniqueOrderId('VN');
    const orderId = uniqueOrderId('VNO');
    await seedPaidOrder(orderId, 10_000);
    const c = await open(orderId, { customerId, category: 'payment_dispute' });
    await untilState(c.caseRef, (s) => s.status === 'investigating' && s.findings !== undefined);
    await simulator('POST', '/_admin/faults', { service: 'payment', mode: 'refuse_writes', match: orderId });
    try {
      await eventually(async () => {
        const res = await api('POST', `/complaints/${c.caseRef}/actions/propose-settlement`, { body: { refundFen: 10_000, platformAtFault: true, reason: 'refund the fare' } });
        return res.status === 200 ? res : undefined;
      }, 20_000, 'the settlement accepted');
      const ops = await viewHolds('needs_ops', customerId, [c.caseRef], KEYS.ops, 30_000);
      expect(ops.items[0]).toMatchObject({ urgency: 'needs_ops', owner: 'queue:ops' });
      await viewHolds('my_queue', customerId, [c.caseRef], KEYS.ops);
      expect((await api('GET', `/complaints/${c.caseRef}`, { key: KEYS.ops })).body.urgency).toBe('needs_ops');
      const all = await counts(KEYS.ops);
      expect(all.needs_ops!.count).toBeGreaterThanOrEqual(1);
      expect(all.needs_ops!.query).toContain('NeedsOps = true');
      expect(all.needs_ops!.query).toContain("ComplaintStatus != 'closed'");
    } finally {
      await simulator('POST', '/_admin/faults', { service: 'payment', mode: 'none', match: orderId });
    }
  });

  test('bad view input is a 400 with the zod issues', async () => {
    const unknown = await api('GET', '/complaints?view=everything');
    expect(unknown.status).toBe(400);
    expect(unknown.body.issues[0].path).toEqual(['view']);
    expect((await api('GET', '/complaints/views?view=mine')).status).toBe(400);
    expect((await api('GET', '/complaints/views', { key: null })).status).toBe(401);
  });
});
