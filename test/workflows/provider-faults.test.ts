/**
 * Provider faults, in one file because the simulator's fault switches are shared: money and
 * messages move once even when a provider executed but answered too late, and the apology finds
 * a second channel when the first fails.
 */
import { api, captureHistory, complaintBody, eventually, KEYS, openComplaint, simulator, uniqueOrderId, untilClosed, untilState } from '../harness/client';

test('a refund executed by the provider whose answer timed out is found by its refund number, not paid again', async () => {
  const orderId = uniqueOrderId('I');
  const at = new Date(Date.now() - 3_600_000).toISOString();
  await simulator('POST', '/_admin/orders', {
    orderId,
    orderAmountFen: 30_000,
    attempts: [{ attemptId: `${orderId}-A`, at, amountFen: 30_000, status: 'SUCCEEDED', shownToCustomer: 'paid' }],
    debits: [{ amountFen: 30_000, at, attemptId: `${orderId}-A` }],
  });
  const res = await api('POST', '/complaints', { body: complaintBody(orderId) });
  await eventually(async () => ((await api('GET', `/complaints/${res.body.complaintId}`)).body.status === 'investigating' ? true : undefined));

  // The client gives up after 5 s; the provider answers after 8 s, having refunded already.
  await simulator('POST', '/_admin/faults', { service: 'payment', mode: 'timeout_after_execute', latencyMs: 8_000, count: 1, match: `${orderId}` });
  try {
    const settled = await api('POST', `/complaints/${res.body.complaintId}/actions/propose-settlement`, {
      key: KEYS.agent,
      body: { refundFen: 12_000, platformAtFault: true, reason: 'late pickup' },
    });
    expect(settled.status).toBe(200);
    const s = await untilClosed(res.body.complaintId);
    expect(s.refunds).toHaveLength(1);
    const ledger = await simulator('GET', `/payment/orders/${orderId}/ledger`);
    expect(ledger.refunds).toHaveLength(1);
    expect(ledger.totals.refundedFen).toBe(12_000);
    const faults = await simulator('GET', '/_admin/faults');
    // The fault fired (its one count is spent, so its rule is gone): the first answer really was lost.
    expect(faults.payment.rules.filter((r: { match: string }) => r.match === orderId)).toEqual([]);
  } finally {
    await simulator('POST', '/_admin/faults', { service: 'payment', mode: 'none', match: `${orderId}` });
  }
}, 60_000);

test('an SMS sent but answered too late is not sent again on retry', async () => {
  const phone = '+8613600001111';
  const orderId = uniqueOrderId('S');
  await simulator('POST', '/_admin/faults', { service: 'sms', mode: 'timeout_after_execute', latencyMs: 8_000, count: 1, match: phone });
  try {
    const res = await api('POST', '/complaints', { body: complaintBody(orderId, { customer: { name: '赵六', phone, language: 'zh' } }) });
    expect(res.status).toBe(201);
    const s = await eventually(async () => {
      const st = (await api('GET', `/complaints/${res.body.complaintId}`)).body;
      return st.status === 'investigating' && st.acknowledgedAt ? st : undefined;
    }, 30_000, 'acknowledged');
    expect(s.notifications.filter((n: { purpose: string }) => n.purpose === 'acknowledgement').map((n: { channel: string; status: string }) => `${n.channel}:${n.status}`)).toEqual(['sms:delivered']);
    const { messages } = await simulator('GET', '/sms/outbox');
    const acks = messages.filter((m: { outId: string }) => m.outId === `${s.caseRef}:ack:sms`);
    expect(acks).toHaveLength(1);
  } finally {
    await simulator('POST', '/_admin/faults', { service: 'sms', mode: 'none', match: phone });
  }
}, 60_000);

test('when the SMS channel fails, the apology is delivered by the app channel before the case closes', async () => {
    const c = await openComplaint({ customer: { name: '李四', phone: '+8613911112222', language: 'en' } });
    await untilState(c.id, (x) => x.status === 'investigating');
    await simulator('POST', '/_admin/faults', { service: 'sms', mode: 'fail_channel', channel: 'sms', match: '+8613911112222' });
    try {
      expect((await api('POST', `/complaints/${c.id}/actions/resolve`, { key: KEYS.agent, body: { reason: 'explained the fare' } })).status).toBe(200);
      const closedCase = await untilClosed(c.id);
      const apology = closedCase.notifications.filter((n: { purpose: string }) => n.purpose === 'apology');
      expect(apology.map((n: { channel: string; status: string }) => `${n.channel}:${n.status}`)).toEqual(['sms:failed', 'app:delivered']);
      expect(apology[1].text).toMatch(/^We are sorry/);
      await captureHistory(c.id, 'apology-second-channel');
    } finally {
      await simulator('POST', '/_admin/faults', { service: 'sms', mode: 'none', match: '+8613911112222' });
    }
  });

test('a refund the provider refuses for good puts the case in needs_manual for ops; their retry after the fix refunds once and closes', async () => {
  const orderId = uniqueOrderId();
  const at = new Date(Date.now() - 3_600_000).toISOString();
  await simulator('POST', '/_admin/orders', { orderId, orderAmountFen: 9_000, debits: [{ amountFen: 9_000, at }] });
  const c = await openComplaint({}, orderId);
  await untilState(c.id, (x) => x.status === 'investigating');
  // The rail refuses the refund for good (403): not retried blindly, and not looped on.
  await simulator('POST', '/_admin/faults', { service: 'payment', mode: 'refuse_writes', match: c.orderId });
  try {
    expect((await api('POST', `/complaints/${c.id}/actions/propose-settlement`, { key: KEYS.agent, body: { refundFen: 2_000, platformAtFault: true, reason: 'late pickup' } })).status).toBe(200);
    const stuck = await untilState(c.id, (x) => x.status === 'needs_manual', 'needs manual');
    expect(stuck).toMatchObject({ owner: 'queue:ops', flags: { needsOps: true }, manual: { step: 'money:0' } });
    expect(stuck.nextDeadline).toBe(stuck.manual.deadline);
    expect((await api('POST', `/complaints/${c.id}/ops-retry`, { key: KEYS.agent, body: {} })).status).toBe(403);
  } finally {
    await simulator('POST', '/_admin/faults', { service: 'payment', mode: 'none', match: c.orderId });
  }
  const retried = await api('POST', `/complaints/${c.id}/ops-retry`, { key: KEYS.ops, body: {} });
  expect(retried.status).toBe(202);
  expect(retried.body.waitingOn).toMatch(/refund|compensation/);
  const done = await untilClosed(c.id);
  expect(done.refunds).toHaveLength(1);
  expect(done.flags.needsOps).toBe(false);
  expect(done.events.map((e: { kind: string }) => e.kind)).toEqual(expect.arrayContaining(['provider_refused', 'needs_manual', 'ops_retry_requested', 'refunded']));
  expect((await api('POST', `/complaints/${c.id}/ops-retry`, { key: KEYS.ops, body: {} })).status).toBe(409);
  await captureHistory(c.id, 'refund-refused-ops-retry');
});

test('an acknowledgement no channel delivered is tried again later while the case goes on', async () => {
  const phone = '+8613500002222';
  // Every send to this customer fails, on both channels: the first round is lost.
  await simulator('POST', '/_admin/faults', { service: 'sms', mode: '5xx', match: phone });
  try {
    const c = await openComplaint({ customer: { name: '钱七', phone, language: 'zh' } });
    const acks = (s: any) => s.notifications.filter((n: { purpose: string }) => n.purpose === 'acknowledgement');
    const lost = await untilState(c.id, (x) => x.status === 'investigating' && acks(x).length === 2, 'investigating without an acknowledgement');
    expect(acks(lost).map((n: { channel: string; status: string }) => `${n.channel}:${n.status}`)).toEqual(['sms:failed', 'app:failed']);
    await simulator('POST', '/_admin/faults', { service: 'sms', mode: 'none', match: phone });
    const later = await untilState(c.id, (x) => acks(x).some((n: { status: string }) => n.status === 'delivered'), 'the retried acknowledgement', 30_000);
    expect(acks(later).find((n: { status: string }) => n.status === 'delivered').step).toMatch(/^ack-retry-/);
    expect(later.status).toBe('investigating');
  } finally {
    await simulator('POST', '/_admin/faults', { service: 'sms', mode: 'none', match: phone });
  }
});
