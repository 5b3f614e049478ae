/**
 * The gaps the case machine closed, on the real dev server: a wait that did not wake, an intake
 * that never returned, and a case whose history grows without bound (it continues as new).
 */
import { seedPaidOrder } from '../api/support/orders';
import { api, captureHistory, complaintBody, eventually, KEYS, simulator, temporalClient, uniqueOrderId, untilClosed, untilState } from '../harness/client';

const act = (id: string, action: string, key: string, body: Record<string, unknown> = {}) => api('POST', `/complaints/${id}/actions/${action}`, { key, body });
const outbox = async (caseRef: string) => ((await simulator<any>('GET', '/sms/outbox')).messages as Array<{ outId: string; text: string }>).filter((m) => m.outId.startsWith(caseRef));

test('escalating while the customer is asked wakes the case now: the customer hears of it at once and the expert gets a whole deadline', async () => {
  const orderId = uniqueOrderId('EW');
  const c = (await api('POST', '/complaints', { body: complaintBody(orderId) })).body;
  await untilState(c.caseRef, (s) => s.status === 'investigating');
  expect((await act(c.caseRef, 'request-info', KEYS.agent, { question: '请问您乘坐的是哪一班航班？' })).status).toBe(200);
  await untilState(c.caseRef, (s) => s.status === 'awaiting_customer');
  const escalatedAt = Date.now();
  expect((await act(c.caseRef, 'escalate', KEYS.agent, { reason: 'needs an expert' })).status).toBe(200);
  const s = await untilState(c.caseRef, (x) => x.level === 2 && x.status === 'investigating', 'with the expert');
  // The test policy gives every level 600 minutes on a 24x7 clock.
  expect(Math.abs(Date.parse(s.nextDeadline) - (escalatedAt + 600 * 60_000))).toBeLessThan(60_000);
  const told = await eventually(async () => (await outbox(c.caseRef)).find((m) => m.outId.includes(':escalation-')), 5_000, 'the escalation message');
  expect(told.text).toContain('投诉专家');
});

test('a second complaint on a case stuck after its decision is answered at once, not when the case closes', async () => {
  const orderId = uniqueOrderId('IS');
  await seedPaidOrder(orderId, 10_000);
  const c = (await api('POST', '/complaints', { body: complaintBody(orderId) })).body;
  await untilState(c.caseRef, (s) => s.status === 'investigating' && s.owedFen !== undefined);
  await simulator('POST', '/_admin/faults', { service: 'payment', mode: 'refuse_writes', match: orderId });
  try {
    await act(c.caseRef, 'propose-settlement', KEYS.agent, { refundFen: 1_000, platformAtFault: true, reason: 'late' });
    await untilState(c.caseRef, (s) => s.status === 'needs_manual');
    const started = Date.now();
    const joined = await api('POST', '/complaints', { body: complaintBody(orderId, { description: '还没退款？' }) });
    expect(joined.status).toBe(200);
    expect(joined.body).toMatchObject({ created: false, caseRef: c.caseRef, status: 'needs_manual' });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await act(c.caseRef, 'close-with-apology', KEYS.ops, { reason: '已线下退款' })).status).toBe(200);
    const closed = await untilClosed(c.caseRef);
    expect(closed.events.map((e: { kind: string }) => e.kind)).toContain('money_abandoned');
  } finally {
    await simulator('POST', '/_admin/faults', { service: 'payment', mode: 'none' });
  }
});

test('a long case continues as new, carrying its state, and still closes correctly', async () => {
  const orderId = uniqueOrderId('CAN');
  const c = (await api('POST', '/complaints', { body: complaintBody(orderId) })).body;
  await untilState(c.caseRef, (s) => s.status === 'investigating');
  const { client, close } = await temporalClient();
  try {
    const runs = async () => {
      const seen = [];
      for await (const e of client.workflow.list({ query: `WorkflowId = 'complaint-${orderId}'` })) seen.push(e.status.name);
      return seen;
    };
    let notes = 0;
    for (let i = 0; (await runs()).filter((x) => x === 'CONTINUED_AS_NEW').length < 2 && i < 400; i++) {
      const res = i % 5 === 4 ? await act(c.caseRef, 'claim', i % 2 ? KEYS.agent : KEYS.expert) : await act(`complaint-${orderId}`, 'note', KEYS.agent, { text: `note ${i}` });
      expect([i, res.status]).toEqual([i, 200]);
      if (i % 5 !== 4) notes += 1;
    }
    expect((await runs()).filter((x) => x === 'CONTINUED_AS_NEW').length).toBeGreaterThanOrEqual(2);
    const s = await untilState(c.caseRef, (x) => x.continuedRuns >= 2);
    expect(s.notes).toHaveLength(notes);
    expect(s.caseRef).toBe(c.caseRef);
    expect((await act(c.caseRef, 'resolve', KEYS.expert, { reason: '已处理' })).status).toBe(200);
    const closed = await untilClosed(c.caseRef);
    expect(closed.apologyDelivered).toBe(true);
    expect((await api('GET', `/complaints?orderId=${orderId}`)).body.items).toHaveLength(1);
    await captureHistory(`complaint-${orderId}`, 'continued-as-new-then-resolved');
  } finally {
    await close();
  }
});
