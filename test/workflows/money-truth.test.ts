/**
 * Money truth across complaints, on the real dev server: an order is paid what it is owed, once,
 * whoever asks and however often. Every test ends on the provider's own ledger, the net position.
 */
import { fairFareFen } from '../../domain/evidence';
import { storyAFlightOrder, storyBRideOrder } from '../../simulators/fixtures';
import { driverReportBody, postDriverReport } from '../api/support/driver';
import { seedPaidOrder } from '../api/support/orders';
import { api, complaintBody, eventually, KEYS, simulator, uniqueOrderId, untilClosed, untilState } from '../harness/client';

const ledgerOf = (orderId: string) => simulator<any>('GET', `/payment/orders/${orderId}/ledger`);
const casesOn = async (orderId: string) => (await api('GET', `/complaints?orderId=${orderId}&pageSize=50`)).body.items as Array<{ caseRef: string; status: string }>;
const act = (id: string, action: string, key: string, body: Record<string, unknown> = {}) => api('POST', `/complaints/${id}/actions/${action}`, { key, body });

describe('repeats never pay twice', () => {
  test('story B: the driver app repeats its report after the case closed: the same case answers, nothing moves again; a customer complaint after it owes 0', async () => {
    const orderId = uniqueOrderId('RB');
    const fixture = storyBRideOrder(orderId, { dueAt: new Date(Date.now() + 3_600_000) });
    await simulator('POST', '/_admin/orders', fixture);
    const report = driverReportBody(orderId);
    const first = await postDriverReport(report);
    expect(first.status).toBe(202);
    const closed = await untilClosed(first.body.caseRef);
    const fair = fairFareFen(fixture.trip!);
    expect(closed.hold).toMatchObject({ status: 'captured', capturedFen: fair });

    // The app retries (a timeout on its side): same reportId, a new nonce.
    const again = await postDriverReport(report);
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ caseRef: closed.caseRef, created: false, repeated: true, status: 'closed' });
    expect(await casesOn(orderId)).toHaveLength(1);

    // The passenger complains anyway: a new case, which finds the fare already corrected.
    const complaint = await api('POST', '/complaints', { body: complaintBody(orderId, { category: 'ride_detour', orderKind: 'ride', tier: 'enterprise', description: '司机绕路' }) });
    expect(complaint.status).toBe(201);
    expect(complaint.body.caseRef).not.toBe(closed.caseRef);
    const second = await untilState(complaint.body.caseRef, (s) => s.status === 'investigating' && s.owedFen !== undefined, 'evidence read');
    expect(second.owedFen).toBe(0);
    expect(second.findings.find((f: { kind: string }) => f.kind === 'detour').refundDueFen).toBe(0);
    expect((await act(second.caseRef, 'resolve', KEYS.agent, { reason: '车费已按计划路线更正' })).status).toBe(200);
    await untilClosed(second.caseRef);

    const ledger = await ledgerOf(orderId);
    expect(ledger.totals).toMatchObject({ debitedFen: fair, refundedFen: 0 });
    expect(ledger.refunds).toHaveLength(0);
  });

  test('another report on the order after its case closed opens a new case, which finds the fare already corrected', async () => {
    const orderId = uniqueOrderId('RN');
    const fixture = storyBRideOrder(orderId, { dueAt: new Date(Date.now() + 3_600_000) });
    await simulator('POST', '/_admin/orders', fixture);
    const first = await postDriverReport(driverReportBody(orderId));
    const closed = await untilClosed(first.body.caseRef);
    const second = await postDriverReport(driverReportBody(orderId, { text: '乘客又投诉了一次 / the passenger raised it again' }));
    expect(second.status).toBe(202);
    expect(second.body).toMatchObject({ created: true });
    expect(second.body.repeated).toBeUndefined();
    expect(second.body.caseRef).not.toBe(closed.caseRef);
    const reread = await untilState(second.body.caseRef, (s) => s.owedFen !== undefined, 'evidence read');
    expect(reread.owedFen).toBe(0);
    expect(await casesOn(orderId)).toHaveLength(2);
    const ledger = await ledgerOf(orderId);
    expect(ledger.totals).toMatchObject({ debitedFen: fairFareFen(fixture.trip!), refundedFen: 0 });
  });

  test('five concurrent repeats of one report open one case and move the money once', async () => {
    const orderId = uniqueOrderId('R5');
    const fixture = storyBRideOrder(orderId, { dueAt: new Date(Date.now() + 3_600_000) });
    await simulator('POST', '/_admin/orders', fixture);
    const report = driverReportBody(orderId);
    const answers = await Promise.all(Array.from({ length: 5 }, () => postDriverReport(report)));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202]);
    expect(new Set(answers.map((a) => a.body.caseRef)).size).toBe(1);
    expect(answers.filter((a) => a.body.created)).toHaveLength(1);
    const closed = await untilClosed(answers[0]!.body.caseRef);
    expect(closed.driverReports).toHaveLength(1);
    // And five more once it closed.
    const after = await Promise.all(Array.from({ length: 5 }, () => postDriverReport(report)));
    expect(after.every((a) => a.status === 202 && a.body.caseRef === closed.caseRef && a.body.repeated)).toBe(true);
    expect(await casesOn(orderId)).toHaveLength(1);
    const ledger = await ledgerOf(orderId);
    expect(ledger.totals).toMatchObject({ debitedFen: fairFareFen(fixture.trip!), refundedFen: 0 });
  });

  test('story A: a second complaint after the full refund finds nothing owed, and the provider is never asked again', async () => {
    const orderId = uniqueOrderId('RA');
    await simulator('POST', '/_admin/orders', storyAFlightOrder(orderId));
    const body = complaintBody(orderId, { category: 'payment_dispute', orderKind: 'flight', description: '支付失败后仍扣款' });
    const first = await untilClosed((await api('POST', '/complaints', { body })).body.caseRef);
    expect(first.outcome).toBe('refunded');
    const requestsBefore = (await simulator<any>('GET', '/_admin/stats')).payment.refunds.requestsPerOutRequestNo;
    const second = await api('POST', '/complaints', { body });
    expect(second.status).toBe(201);
    const s = await untilState(second.body.caseRef, (x) => x.owedFen !== undefined, 'evidence read');
    expect(s.owedFen).toBe(0);
    expect(s.settlement).toBeUndefined();
    const ledger = await ledgerOf(orderId);
    expect(ledger.totals).toMatchObject({ debitedFen: 257_200, refundedFen: 257_200 });
    const requestsAfter = (await simulator<any>('GET', '/_admin/stats')).payment.refunds.requestsPerOutRequestNo;
    for (const r of first.refunds) expect(requestsAfter[r.outRequestNo]).toBe(requestsBefore[r.outRequestNo]);
    // Two refunds, one per transaction, each keyed by the order and what it reverses.
    expect(first.refunds.map((r: { transactionRef: string }) => r.transactionRef).sort()).toEqual(ledger.debits.map((d: { providerRef: string }) => d.providerRef).sort());
    for (const r of first.refunds) expect(r.outRequestNo).toMatch(new RegExp(`^${orderId}-(DUP|FAIL)-`));
  });

  test('Idempotency-Key: the same key and body answer as the first time, another body is a 422, and after close the key still finds its case', async () => {
    const orderId = uniqueOrderId('IK');
    const body = complaintBody(orderId);
    const headers = { 'idempotency-key': `key-${orderId}` };
    const send = (b: unknown) => fetchJson('POST', '/complaints', b, headers);
    const first = await send(body);
    expect(first.status).toBe(201);
    const repeat = await send(body);
    expect(repeat.body).toMatchObject({ caseRef: first.body.caseRef, created: false, repeated: true });
    expect((await send({ ...body, description: 'something else' })).status).toBe(422);
    expect((await act(first.body.caseRef, 'reject', KEYS.agent, { reason: '记录显示无误' })).status).toBe(200);
    await untilClosed(first.body.caseRef);
    const afterClose = await send(body);
    expect(afterClose.body).toMatchObject({ caseRef: first.body.caseRef, repeated: true, status: 'closed' });
    expect(await casesOn(orderId)).toHaveLength(1);
  });
});

describe('fees only where a fee is owed', () => {
  test('a ¥150 goodwill payment pays ¥150: no fee, and no fee rule in the apology', async () => {
    const orderId = uniqueOrderId('GW');
    await seedPaidOrder(orderId, 30_000);
    const c = (await api('POST', '/complaints', { body: complaintBody(orderId) })).body;
    await untilState(c.caseRef, (s) => s.status === 'investigating' && s.owedFen !== undefined);
    const settled = await act(c.caseRef, 'propose-settlement', KEYS.agent, { refundFen: 15_000, platformAtFault: false, kind: 'goodwill', reason: '致歉补偿' });
    expect(settled.body.result).toMatchObject({ settled: true, refundFen: 15_000, feeFen: 0 });
    const s = await untilClosed(c.caseRef);
    const apology = s.notifications.find((n: { purpose: string; status: string }) => n.purpose === 'apology' && n.status === 'delivered').text;
    expect(apology).toContain('¥150.00');
    expect(apology).not.toMatch(/手续费|20%/);
    expect((await ledgerOf(orderId)).totals).toMatchObject({ debitedFen: 30_000, refundedFen: 15_000 });
  });

  test('the ledger proves the platform at fault but the box is unticked: the supervisor\'s approval takes no fee, and a cancellation fee is refused', async () => {
    const orderId = uniqueOrderId('UF');
    // Story A at ¥3,310 a ticket: the double debit is above the automatic limit, so people decide.
    const fixture = storyAFlightOrder(orderId);
    fixture.orderAmountFen = 331_000;
    for (const a of fixture.attempts ?? []) a.amountFen = 331_000;
    for (const d of fixture.debits ?? []) d.amountFen = 331_000;
    fixture.tariff = { refundFeeRatio: 0.5, seatResold: false };
    await simulator('POST', '/_admin/orders', fixture);
    const c = (await api('POST', '/complaints', { body: complaintBody(orderId, { category: 'payment_dispute', orderKind: 'flight' }) })).body;
    const s0 = await untilState(c.caseRef, (s) => s.status === 'investigating' && s.owedFen !== undefined);
    expect(s0.owedFen).toBe(662_000);
    expect(s0.settlement).toBeUndefined();

    const asFee = await act(c.caseRef, 'propose-settlement', KEYS.agent, { refundFen: 662_000, platformAtFault: false, kind: 'cancellation', reason: '退票', forApproval: true });
    expect(asFee.status).toBe(422);
    expect(asFee.body.error).toMatch(/platform at fault/);

    const proposed = await act(c.caseRef, 'propose-settlement', KEYS.agent, { refundFen: 662_000, platformAtFault: false, reason: '重复扣款及支付失败后扣款', forApproval: true });
    expect(proposed.body.result).toEqual({ settled: false, pendingLevel: 3 });
    const approved = await act(c.caseRef, 'approve-settlement', KEYS.supervisor);
    expect(approved.body.result).toMatchObject({ settled: true, refundFen: 662_000, feeFen: 0 });
    const s = await untilClosed(c.caseRef);
    expect(s.outcome).toBe('refunded');
    const apology = s.notifications.find((n: { purpose: string; status: string }) => n.purpose === 'apology' && n.status === 'delivered').text;
    expect(apology).toContain('已全额退款');
    expect(apology).not.toContain('手续费');
    expect((await ledgerOf(orderId)).totals).toMatchObject({ debitedFen: 662_000, refundedFen: 662_000 });
  });
});

describe('provider refusals re-plan instead of looping', () => {
  test('capture after the provider ended its hold: the difference is refunded instead', async () => {
    const orderId = uniqueOrderId('CX');
    const fixture = storyBRideOrder(orderId, { dueAt: new Date(Date.now() + 3_600_000) });
    fixture.trip = { ...fixture.trip!, actualKm: fixture.trip!.plannedKm };
    await simulator('POST', '/_admin/orders', fixture);
    const c = (await api('POST', '/complaints', { body: complaintBody(orderId, { category: 'fare_dispute', orderKind: 'ride', tier: 'enterprise' }) })).body;
    await untilState(c.caseRef, (s) => s.status === 'investigating' && s.hold?.status === 'held' && s.owedFen !== undefined);
    await simulator('POST', `/_admin/orders/${orderId}/expire-hold`);
    expect((await act(c.caseRef, 'propose-settlement', KEYS.agent, { refundFen: 5_000, platformAtFault: true, reason: '高峰期加价补偿' })).status).toBe(200);
    const s = await untilClosed(c.caseRef);
    expect(s.events.map((e: { kind: string }) => e.kind)).toEqual(expect.arrayContaining(['provider_refused', 'money_replan', 'refunded']));
    expect(s.refunds.map((r: { amountFen: number }) => r.amountFen)).toEqual([5_000]);
    const amount = fixture.pendingAutoCharge!.amountFen;
    expect((await ledgerOf(orderId)).totals).toMatchObject({ debitedFen: amount, refundedFen: 5_000 });
  });

  test('a refund above what is left of the debits pays what is left, and says why', async () => {
    const orderId = uniqueOrderId('OV');
    await seedPaidOrder(orderId, 10_000);
    const c = (await api('POST', '/complaints', { body: complaintBody(orderId) })).body;
    await untilState(c.caseRef, (s) => s.status === 'investigating' && s.owedFen !== undefined);
    // Money moved outside the case after its ledger was read: the plan it made is now too large.
    await simulator('POST', '/payment/refunds', { orderId, outRequestNo: `${orderId}-ELSEWHERE`, amountFen: 6_000, reason: 'refunded at the counter' });
    expect((await act(c.caseRef, 'propose-settlement', KEYS.expert, { refundFen: 15_000, platformAtFault: true, reason: '全额退款及补偿' })).status).toBe(200);
    const s = await untilClosed(c.caseRef);
    expect(s.events.map((e: { kind: string }) => e.kind)).toEqual(expect.arrayContaining(['money_note']));
    expect(s.refunds.reduce((sum: number, r: { amountFen: number }) => sum + r.amountFen, 0)).toBe(4_000);
    const apology = s.notifications.find((n: { purpose: string; status: string }) => n.purpose === 'apology' && n.status === 'delivered').text;
    expect(apology).toContain('¥40.00');
    expect((await ledgerOf(orderId)).totals).toMatchObject({ debitedFen: 10_000, refundedFen: 10_000 });
  });

  test('an order the payment system does not know: evidence says so, and no money can be promised on it', async () => {
    const c = (await api('POST', '/complaints', { body: complaintBody(uniqueOrderId('NF')) })).body;
    const s = await untilState(c.caseRef, (x) => x.status === 'investigating' && x.flags.orderNotFound);
    expect(s.findings).toEqual([expect.objectContaining({ kind: 'order_not_found', blocking: true })]);
    expect(s.events.find((e: { kind: string }) => e.kind === 'evidence').text).toMatch(/does not know order/);
    expect(s.events.some((e: { text: string }) => /show nothing wrong/.test(e.text))).toBe(false);
    const refused = await act(c.caseRef, 'propose-settlement', KEYS.agent, { refundFen: 1_000, platformAtFault: true, reason: 'r' });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatch(/does not know order/);
  });
});

test("an earlier case stays reachable after a new one opens on the order: its state, history and the enterprise's voucher", async () => {
  const orderId = uniqueOrderId('EV');
  await simulator('POST', '/_admin/orders', storyBRideOrder(orderId, { dueAt: new Date(Date.now() + 3_600_000) }));
  const first = await untilClosed((await api('POST', '/complaints', { body: complaintBody(orderId, { category: 'ride_detour', orderKind: 'ride', tier: 'enterprise' }) })).body.caseRef);
  const second = (await api('POST', '/complaints', { body: complaintBody(orderId, { category: 'other', orderKind: 'ride', tier: 'enterprise', description: '发票问题' }) })).body;
  expect(second.caseRef).not.toBe(first.caseRef);
  await untilState(second.caseRef, (s) => s.status === 'investigating');

  expect((await api('GET', `/complaints/complaint-${orderId}`)).body.caseRef).toBe(second.caseRef);
  expect((await api('GET', `/complaints/${first.caseRef}`)).body).toMatchObject({ caseRef: first.caseRef, status: 'closed' });
  const voucher = await api('GET', `/complaints/${first.caseRef}/voucher`);
  expect(voucher.status).toBe(200);
  expect(voucher.body.voucherNo).toBe(`V-${first.caseRef}`);
  const history = await api('GET', `/complaints/${first.caseRef}/history`);
  expect(history.body.entries.some((e: { kind: string }) => e.kind === 'closed')).toBe(true);
  const rows = await eventually(async () => {
    const items = await casesOn(orderId);
    return items.length === 2 ? items : undefined;
  });
  expect(new Set(rows.map((r) => r.caseRef))).toEqual(new Set([first.caseRef, second.caseRef]));
});

async function fetchJson(method: string, path: string, body: unknown, headers: Record<string, string>) {
  const { harness } = await import('../harness/client');
  const res = await fetch(`${harness.apiUrl}${path}`, {
    method,
    headers: { connection: 'close', authorization: `Bearer ${KEYS.agent}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}
