/**
 * The complaint lifecycle against the real dev server with the fast test policy: premium cases
 * have 6-second levels (breach tests), individual and enterprise cases 10-hour ones.
 */
import { formatDeadline } from '../../domain/calendar';
import { api, captureHistory, eventually, KEYS, openComplaint, simulator, uniqueOrderId, temporalClient, untilState } from '../harness/client';

type Msg = { outId: string; text: string; channel: string; status: string };

async function outboxFor(caseRef: string): Promise<Msg[]> {
  const { messages } = await simulator<{ messages: Msg[] }>('GET', '/sms/outbox');
  return messages.filter((m) => m.outId.startsWith(`${caseRef}:`));
}

const open = (over: Record<string, unknown> = {}) => openComplaint(over);

async function stateOf(id: string) {
  return (await api('GET', `/complaints/${id}`)).body;
}

const until = (id: string, pred: (s: any) => boolean, what: string, timeoutMs?: number) => untilState(id, pred, what, timeoutMs);

async function seedPaidOrder(orderId: string, amountFen: number) {
  const at = new Date(Date.now() - 3_600_000).toISOString();
  await simulator('POST', '/_admin/orders', {
    orderId,
    orderAmountFen: amountFen,
    attempts: [{ attemptId: `${orderId}-A1`, at, amountFen, status: 'SUCCEEDED', shownToCustomer: 'paid' }],
    debits: [{ amountFen, at, attemptId: `${orderId}-A1` }],
  });
}

async function openPaid(amountFen: number) {
  const orderId = uniqueOrderId();
  await seedPaidOrder(orderId, amountFen);
  return openComplaint({}, orderId);
}

const act = (id: string, action: string, key: string, body: unknown = {}) => api('POST', `/complaints/${id}/actions/${action}`, { key, body });

describe('escalation ladder', () => {
  test('a missed deadline warns, then escalates by itself and tells the customer the new concrete deadline', async () => {
    const c = await open({ tier: 'premium' });
    const s = await until(c.id, (x) => x.level === 2, 'the breach escalation', 30_000);
    expect(s.flags.breached).toBe(true);
    expect(s.owner).toBe('queue:experts');
    const kinds = s.events.map((e: { kind: string }) => e.kind);
    expect(kinds.indexOf('warned')).toBeGreaterThan(-1);
    expect(kinds.indexOf('warned')).toBeLessThan(kinds.indexOf('breached'));
    const breach = s.events.find((e: { kind: string }) => e.kind === 'breached');
    // The breach fires at the level-1 deadline, not before.
    expect(Date.parse(breach.at)).toBeGreaterThanOrEqual(Date.parse(s.levels[0].deadline));
    expect(Date.parse(breach.at) - Date.parse(s.levels[0].deadline)).toBeLessThan(3_000);

    const escalation = await eventually(async () => (await outboxFor(c.caseRef)).find((m) => m.outId.includes(':escalation-')), 10_000, 'escalation SMS');
    expect(escalation.text).toContain(formatDeadline(new Date(s.levels[1].deadline), 'zh'));
  });
});

describe('authority and agent actions', () => {
  test('an agent claims a case: she owns it, the list finds it by owner, and an escalation hands it to the experts queue', async () => {
    const c = await open();
    await until(c.id, (x) => x.status === 'investigating', 'investigating');
    const claimed = await act(c.id, 'claim', KEYS.agent);
    expect(claimed.status).toBe(200);
    expect(claimed.body.result).toEqual({ owner: 'agent-li' });
    expect((await act(c.id, 'claim', KEYS.agent)).status).toBe(409);
    const mine = await eventually(async () => {
      const res = await api('GET', `/complaints?owner=agent-li&orderId=${c.orderId}`);
      return res.body.items?.length === 1 ? res.body.items[0] : undefined;
    }, 10_000, 'visibility to show the owner');
    expect(mine.complaintId).toBe(c.id);
    await act(c.id, 'escalate', KEYS.agent, { reason: 'needs an expert' });
    const s = await stateOf(c.id);
    expect(s.owner).toBe('queue:experts');
    expect(s.levels.map((l: { owner: string }) => l.owner)).toEqual(['agent-li', 'queue:experts']);
    expect((await act(c.id, 'withdraw', KEYS.expert, { reason: 'customer withdrew' })).status).toBe(200);
    await until(c.id, (x) => x.status === 'closed', 'closed');
    await captureHistory(c.id, 'claim-escalate-withdraw');
  });

  test('a refund over the agent limit is refused naming the approving level and writes nothing; the expert settles it', async () => {
    // The order is known before the complaint: the case reads the records as it opens.
    const c = await openPaid(100_000);
    await until(c.id, (x) => x.status === 'investigating', 'investigating');

    const refused = await act(c.id, 'propose-settlement', KEYS.agent, { refundFen: 80_000, platformAtFault: true, reason: 'late pickup' });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatch(/expert \(level 2\) must approve/);

    const { client, close } = await temporalClient();
    try {
      const history = await client.workflow.getHandle(c.id).fetchHistory();
      const updates = (history.events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes);
      expect(updates.map((e) => e.workflowExecutionUpdateAcceptedEventAttributes!.acceptedRequest!.input!.name)).not.toContain('proposeSettlement');
    } finally {
      await close();
    }

    const escalated = await act(c.id, 'escalate', KEYS.agent, { reason: 'refund above my authority' });
    expect(escalated.status).toBe(200);
    expect(escalated.body.result.level).toBe(2);

    // The agent can no longer act on an expert's case.
    expect((await act(c.id, 'resolve', KEYS.agent, { reason: 'x' })).status).toBe(422);
    // Ops observe only.
    const opsTry = await act(c.id, 'resolve', KEYS.ops, { reason: 'x' });
    expect([403, 422]).toContain(opsTry.status);

    const settled = await act(c.id, 'propose-settlement', KEYS.expert, { refundFen: 80_000, platformAtFault: true, reason: 'late pickup' });
    expect(settled.status).toBe(200);
    expect(settled.body.result).toMatchObject({ settled: true, refundFen: 80_000, feeFen: 0 });

    const closed = await until(c.id, (x) => x.status === 'closed', 'closed');
    expect(closed.settlement).toMatchObject({ refundFen: 80_000, approvedBy: { id: 'expert-wang', role: 'expert' } });
    await captureHistory(c.id, 'refused-escalated-expert-settles');
  });

  test('an agent may submit an over-limit refund for approval; the case moves to the expert who approves it', async () => {
    // The order is known before the complaint: the case reads the records as it opens.
    const c = await openPaid(100_000);
    await until(c.id, (x) => x.status === 'investigating', 'investigating');
    const pending = await act(c.id, 'propose-settlement', KEYS.agent, { refundFen: 50_000, platformAtFault: false, kind: 'goodwill', reason: 'goodwill', forApproval: true });
    expect(pending.status).toBe(200);
    expect(pending.body.result).toEqual({ settled: false, pendingLevel: 2 });
    const s = await stateOf(c.id);
    expect(s.level).toBe(2);
    expect(s.pendingProposal).toMatchObject({ refundFen: 50_000, needsLevel: 2 });

    const approved = await act(c.id, 'approve-settlement', KEYS.expert);
    expect(approved.status).toBe(200);
    // Goodwill carries no fee, at fault or not.
    expect(approved.body.result).toMatchObject({ settled: true, refundFen: 50_000, feeFen: 0 });
    expect((await act(c.id, 'approve-settlement', KEYS.expert)).status).toBe(409);
  });

  test('asking the customer pauses the clock; the reply resumes it with the remaining time', async () => {
    const c = await open();
    const before = await until(c.id, (x) => x.status === 'investigating', 'investigating');
    const originalDeadline = Date.parse(before.nextDeadline);
    const asked = await act(c.id, 'request-info', KEYS.agent, { question: '请提供乘车时间。' });
    expect(asked.status).toBe(200);
    const waiting = await stateOf(c.id);
    expect(waiting.status).toBe('awaiting_customer');
    expect(waiting.clockPausedRemainingMs).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 1_500));
    const reply = await api('POST', `/complaints/${c.id}/customer-reply`, { body: { text: '晚上九点' } });
    expect(reply.status).toBe(202);
    const resumed = await until(c.id, (x) => x.status === 'investigating' && x.events.some((e: { kind: string }) => e.kind === 'clock_resumed'), 'resumed');
    // The deadline moved later by about the time spent waiting on the customer.
    expect(Date.parse(resumed.nextDeadline) - originalDeadline).toBeGreaterThanOrEqual(1_000);
    const question = (await outboxFor(c.caseRef)).find((m) => m.outId.includes(':request-info-'));
    expect(question?.text).toContain('请提供乘车时间。');
    expect((await act(c.id, 'reject', KEYS.agent, { reason: 'the route was the planned one' })).status).toBe(200);
    await until(c.id, (x) => x.status === 'closed', 'closed');
    await captureHistory(c.id, 'request-info-reply-reject');
  });
});

describe('the mandatory apology', () => {
  test.each([
    ['resolve', { reason: 'driver retrained' }, 'resolved'],
    ['reject', { reason: 'the trace shows the planned route' }, 'rejected'],
    ['withdraw', { reason: 'customer withdrew by phone' }, 'withdrawn'],
    ['propose-settlement', { refundFen: 1_000, platformAtFault: true, reason: 'late pickup' }, 'partly_refunded'],
  ])('%s: closes only after exactly one delivered apology that says what was done', async (action, body, outcome) => {
    // The order is known before the complaint: the case reads the records as it opens.
    const c = await openPaid(10_000);
    await until(c.id, (x) => x.status === 'investigating', 'investigating');
    expect((await act(c.id, action, KEYS.agent, body)).status).toBe(200);
    const closed = await until(c.id, (x) => x.status === 'closed', 'closed');
    expect(closed.outcome).toBe(outcome);
    expect(closed.apologyDelivered).toBe(true);
    const apologies = (await outboxFor(c.caseRef)).filter((m) => m.outId.includes(':apology'));
    expect(apologies).toHaveLength(1);
    expect(apologies[0]!.text).toContain('非常抱歉');
    expect(apologies[0]!.text).toContain((body as { reason: string }).reason);
    expect(apologies[0]!.text).toMatch(/处理时间：\d{4}年/);
  });

});
