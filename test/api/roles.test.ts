import { ACTIONS } from './support/actions';
import { api, complaintBody, eventually, KEYS, uniqueOrderId } from '../harness/client';
import { seedPaidOrder } from './support/orders';

async function openInvestigating(orderId: string, over: Record<string, unknown> = {}): Promise<string> {
  const created = await api('POST', '/complaints', { body: complaintBody(orderId, over) });
  expect(created.status).toBe(201);
  const id = created.body.complaintId as string;
  await eventually(async () => ((await api('GET', `/complaints/${id}`)).body.status === 'investigating' ? true : undefined));
  return id;
}

describe('roles and authority', () => {
  test('ops never decide: every deciding action, intake and customer reply is a 403 that changes nothing; their own actions wait for a case that needs them; reads are allowed', async () => {
    const id = await openInvestigating(uniqueOrderId('OPS'));
    const opsOwn = new Set(['note', 'claim', 'assign', 'retry', 'settle-by-hand', 'close-with-apology']);
    for (const [action, body] of Object.entries(ACTIONS)) {
      const res = await api('POST', `/complaints/${id}/actions/${action}`, { key: KEYS.ops, body });
      if (opsOwn.has(action)) expect([action, res.status >= 400 && res.status < 500 && res.status !== 403]).toEqual([action, true]);
      else expect([action, res.status]).toEqual([action, 403]);
    }
    expect((await api('POST', `/complaints/${id}/customer-reply`, { key: KEYS.ops, body: { text: 'hi' } })).status).toBe(403);
    expect((await api('POST', '/complaints', { key: KEYS.ops, body: complaintBody(uniqueOrderId('OPS')) })).status).toBe(403);

    for (const path of [`/complaints/${id}`, `/complaints/${id}/history`, '/complaints?pageSize=1', '/me']) {
      expect([path, (await api('GET', path, { key: KEYS.ops })).status]).toEqual([path, 200]);
    }
    const state = (await api('GET', `/complaints/${id}`)).body;
    expect(state).toMatchObject({ level: 1, notes: [], status: 'investigating' });
    expect(state.pendingProposal).toBeUndefined();
  });

  test('an agent over authority gets a 422 naming the approving level; asked for approval, the expert approves and the money moves', async () => {
    const orderId = uniqueOrderId('AUTH');
    await seedPaidOrder(orderId, 50_000);
    const id = await openInvestigating(orderId, { category: 'payment_dispute' });
    const proposal = { refundFen: 30_000, platformAtFault: false, reason: 'the service was not delivered' };

    const refused = await api('POST', `/complaints/${id}/actions/propose-settlement`, { body: proposal });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ type: 'AuthorityExceeded', error: expect.stringMatching(/expert \(level 2\) must approve/) });
    expect((await api('GET', `/complaints/${id}`)).body.pendingProposal).toBeUndefined();

    const asked = await api('POST', `/complaints/${id}/actions/propose-settlement`, { body: { ...proposal, forApproval: true } });
    expect(asked.status).toBe(200);
    expect(asked.body.result).toEqual({ settled: false, pendingLevel: 2 });

    // The case went up to the expert; the agent can neither approve nor act on it any more.
    const selfApproval = await api('POST', `/complaints/${id}/actions/approve-settlement`, {});
    expect(selfApproval.status).toBe(422);
    expect(selfApproval.body.type).toBe('AuthorityExceeded');
    const agentEscalates = await api('POST', `/complaints/${id}/actions/escalate`, { body: { reason: 'again' } });
    expect(agentEscalates.status).toBe(422);
    expect(agentEscalates.body).toMatchObject({ type: 'NotPermitted', error: expect.stringMatching(/level 2/) });

    const approved = await api('POST', `/complaints/${id}/actions/approve-settlement`, { key: KEYS.expert });
    expect(approved.status).toBe(200);
    expect(approved.body.result).toMatchObject({ settled: true, refundFen: 30_000 });

    const closed = await eventually(async () => {
      const s = (await api('GET', `/complaints/${id}`)).body;
      return s.status === 'closed' ? s : undefined;
    }, 30_000, 'the approved case to close');
    expect(closed.settlement).toMatchObject({ refundFen: 30_000, approvedBy: { id: 'expert-wang', role: 'expert' } });
    expect(closed.refunds[0].amountFen).toBeGreaterThan(0);

    const history = (await api('GET', `/complaints/${id}/history`, { key: KEYS.ops })).body.entries as Array<{ actor: string; text: string }>;
    expect(history).toContainEqual(expect.objectContaining({ actor: 'agent-li', text: 'agent-li proposed a refund of ¥300.00 for approval: the service was not delivered' }));
    expect(history).toContainEqual(expect.objectContaining({ actor: 'expert-wang', text: 'expert-wang approved the pending settlement' }));

    // A decided case takes no more decisions: 409, not 404 or 500.
    const late = await api('POST', `/complaints/${id}/actions/resolve`, { key: KEYS.supervisor, body: { reason: 'late' } });
    expect(late.status).toBe(409);
  });

  test('the top of the ladder cannot escalate (409) and an empty reason after trimming is a 400', async () => {
    const id = await openInvestigating(uniqueOrderId('TOP'));
    expect((await api('POST', `/complaints/${id}/actions/escalate`, { body: { reason: 'to expert' } })).status).toBe(200);
    expect((await api('POST', `/complaints/${id}/actions/escalate`, { key: KEYS.expert, body: { reason: 'to supervisor' } })).status).toBe(200);
    const top = await api('POST', `/complaints/${id}/actions/escalate`, { key: KEYS.supervisor, body: { reason: 'higher' } });
    expect(top.status).toBe(409);
    expect(top.body.type).toBe('InvalidState');
    expect((await api('POST', `/complaints/${id}/actions/note`, { key: KEYS.supervisor, body: { text: '   ' } })).status).toBe(400);
    expect((await api('POST', `/complaints/${id}/actions/note`, { key: KEYS.supervisor, body: { text: 'checked with finance' } })).status).toBe(200);
  });
});
