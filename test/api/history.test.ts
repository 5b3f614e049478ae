import { api, complaintBody, eventually, KEYS, simulator, uniqueOrderId } from '../harness/client';
import { driverReportBody, postDriverReport } from './support/driver';
import { seedPaidOrder, seedStoryBRide } from './support/orders';

interface Entry {
  at: string;
  actor: string;
  category: string;
  kind: string;
  text: string;
}

async function history(complaintId: string, key: string = KEYS.agent): Promise<Entry[]> {
  const res = await api('GET', `/complaints/${complaintId}/history`, { key });
  expect(res.status).toBe(200);
  expect(res.body.complaintId).toBe(complaintId);
  return res.body.entries;
}

describe('GET /complaints/:id/history (timeline from the Temporal event history)', () => {
  test("shows who acted, the acknowledgement sent to the customer and the deadlines, and ops may read it", async () => {
    const orderId = uniqueOrderId('HIS');
    const created = await api('POST', '/complaints', { body: complaintBody(orderId) });
    const id = created.body.complaintId;
    await eventually(async () => ((await api('GET', `/complaints/${id}`)).body.status === 'investigating' ? true : undefined));
    const escalated = await api('POST', `/complaints/${id}/actions/escalate`, { body: { reason: 'needs the payment records checked' } });
    expect(escalated.status).toBe(200);

    const state = (await api('GET', `/complaints/${id}`)).body;
    const ack = state.notifications.find((n: { purpose: string }) => n.purpose === 'acknowledgement');
    const entries = await eventually(async () => {
      const list = await history(id, KEYS.ops);
      return list.some((e) => e.kind === 'escalated') ? list : undefined;
    });

    expect(entries[0]).toMatchObject({ actor: 'agent-li', category: 'intake', kind: 'received' });
    expect(entries).toContainEqual(expect.objectContaining({ actor: 'agent-li', category: 'action', kind: 'escalated', text: 'agent-li escalated the case: needs the payment records checked' }));
    const message = entries.find((e) => e.category === 'message' && e.kind === 'message_sent');
    expect(message?.text).toContain(ack.text);
    expect(message?.text).toMatch(/delivered by sms/);
    expect(entries).toContainEqual(expect.objectContaining({ category: 'deadline', kind: 'deadline_set', text: expect.stringContaining(`next deadline ${state.nextDeadline} (level 2`) }));
    expect(entries).toContainEqual(expect.objectContaining({ category: 'deadline', kind: 'warning_timer' }));
    expect(entries).toContainEqual(expect.objectContaining({ category: 'status', kind: 'level', text: expect.stringContaining('level 1 → 2') }));
    for (const e of entries) expect(e.at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?\+08:00$/);
    const times = entries.map((e) => Date.parse(e.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  test('a settled story B case shows the hold, the evidence, the money and the closing', async () => {
    const orderId = uniqueOrderId('HISB');
    await seedStoryBRide(orderId);
    const res = await postDriverReport(driverReportBody(orderId));
    const id = res.body.complaintId;
    await eventually(async () => ((await api('GET', `/complaints/${id}`)).body.status === 'closed' ? true : undefined), 30_000);
    const entries = await history(id);
    const kinds = entries.map((e) => e.kind);
    expect(entries[0]).toMatchObject({ actor: 'driver:DRV-B-042', kind: 'received', text: expect.stringContaining('driver report, driver DRV-B-042 admits fault (detour)') });
    expect(kinds).toEqual(expect.arrayContaining(['charge_held', 'evidence', 'charge_captured', 'oa_voucher', 'closed']));
    // Settled as it opened: the approval got the outcome, not a dispute notice a second before it.
    expect(kinds).not.toContain('oa_notified');
    expect(entries.find((e) => e.kind === 'evidence')?.text).toMatch(/planned 18 km, driven 31 km/);
    expect(entries[entries.length - 1]).toMatchObject({ category: 'status', kind: 'closed' });
  });

  test("a provider's refusal is on the timeline with its decoded reason, and the case waits for ops", async () => {
    const orderId = uniqueOrderId('HISF');
    await seedPaidOrder(orderId, 10_000);
    const id = (await api('POST', '/complaints', { body: complaintBody(orderId, { category: 'payment_dispute' }) })).body.complaintId;
    await eventually(async () => ((await api('GET', `/complaints/${id}`)).body.status === 'investigating' ? true : undefined));
    // The rail refuses the refund for good: the merchant account cannot pay it out.
    await simulator('POST', '/_admin/faults', { service: 'payment', mode: 'refuse_writes', match: orderId });
    try {
      const settled = await api('POST', `/complaints/${id}/actions/propose-settlement`, { body: { refundFen: 10_000, platformAtFault: true, reason: 'refund the whole fare' } });
      expect(settled.status).toBe(200);
      const entries = await eventually(async () => {
        const list = await history(id);
        return list.some((e) => e.kind === 'refunded_failed') && list.some((e) => e.kind === 'ops_retry_timer') ? list : undefined;
      }, 30_000, 'the refused refund on the timeline');
      expect(entries.find((e) => e.kind === 'refunded_failed')).toMatchObject({ category: 'money', text: expect.stringMatching(/^failed refunding ¥100\.00 .*cannot pay/) });
      expect((await api('GET', `/complaints/${id}`)).body).toMatchObject({ status: 'needs_manual', flags: { needsOps: true } });
    } finally {
      await simulator('POST', '/_admin/faults', { service: 'payment', mode: 'none', match: orderId });
    }
  });

  test('an unknown case is a 404, a malformed id a 400, no key a 401', async () => {
    expect((await api('GET', '/complaints/complaint-NOPE0001/history')).status).toBe(404);
    expect((await api('GET', '/complaints/NOPE/history')).status).toBe(400);
    expect((await api('GET', '/complaints/complaint-NOPE0001/history', { key: null })).status).toBe(401);
  });
});
