import { voucherIssuedAt, voucherOutcome } from '../../domain/voucher';
import { storyBRideOrder } from '../../simulators/fixtures';
import { api, complaintBody, eventually, KEYS, simulator, uniqueOrderId } from '../harness/client';
import { driverReportBody, postDriverReport } from './support/driver';
import { seedStoryBRide } from './support/orders';

describe('GET /complaints/:id/voucher (story B5: the written explanation and payment voucher)', () => {
  test('a closed enterprise case has a voucher, as JSON and as printable HTML; ops may download it', async () => {
    const orderId = uniqueOrderId('VCH');
    await seedStoryBRide(orderId);
    const id = (await postDriverReport(driverReportBody(orderId))).body.complaintId;
    const state = await eventually(async () => {
      const s = (await api('GET', `/complaints/${id}`)).body;
      return s.status === 'closed' ? s : undefined;
    }, 30_000, 'the enterprise case to close');

    const json = await api('GET', `/complaints/${id}/voucher`, { key: KEYS.ops });
    expect(json.status).toBe(200);
    expect(json.body).toMatchObject({ voucherNo: `V-${state.caseRef}`, complaintId: id, orderId, issuedAt: voucherIssuedAt(state), outcome: state.outcome });
    expect(json.body.charge).toMatchObject({ status: 'captured', capturedFen: state.hold.capturedFen });
    // In the enterprise's language (Chinese by default), and the reduced capture named as such.
    expect(json.body.explanation.join(' ')).toMatch(/计划 18 公里，实际 31 公里/);
    expect(json.body.explanation.join(' ')).toMatch(/减免扣款：冻结 ¥\d/);
    expect(json.body.explanation.join(' ')).not.toMatch(/退款 ¥/);
    expect(json.body.timeline[0].at).toMatch(/年.*（北京时间）/);

    const again = await api('GET', `/complaints/${id}/voucher?format=json`);
    expect(again.body).toEqual(json.body);

    const html = await api('GET', `/complaints/${id}/voucher?format=html`);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html.headers.get('content-disposition')).toBe(`inline; filename="V-${state.caseRef}.html"`);
    expect(html.body).toContain(`V-${state.caseRef}`);
    // Story B's relief was a charge taken at less, with no refund: the outcome says so, not "refunded".
    expect(html.body).toContain('<th>Outcome 结果</th><td>已按更正金额扣款 / charged at the corrected amount</td>');
    expect(html.body).not.toMatch(/<script/i);
  });

  test('an enterprise whose order says English reads its OA comment and voucher in English', async () => {
    const orderId = uniqueOrderId('VEN');
    const seed = storyBRideOrder(orderId, { dueAt: new Date(Date.now() + 24 * 3_600_000) });
    seed.language = 'en';
    await simulator('POST', '/_admin/orders', seed);
    const id = (await postDriverReport(driverReportBody(orderId))).body.complaintId;
    await eventually(async () => ((await api('GET', `/complaints/${id}`)).body.status === 'closed' ? true : undefined), 30_000, 'closed');
    const voucher = (await api('GET', `/complaints/${id}/voucher`)).body;
    expect(voucher.explanation.join(' ')).toMatch(/planned 18 km, driven 31 km/);
    expect(voucher.explanation.join(' ')).toMatch(/Reduced capture: ¥\d/);
    expect(voucher.timeline[0].at).toMatch(/\(Beijing time\)$/);
    // An open dispute (nothing agreed yet) is told to the approval in the order's language too.
    const openOrder = uniqueOrderId('VEO');
    const disputed = storyBRideOrder(openOrder, { dueAt: new Date(Date.now() + 24 * 3_600_000) });
    disputed.language = 'en';
    disputed.trip = { ...disputed.trip!, actualKm: disputed.trip!.plannedKm };
    await simulator('POST', '/_admin/orders', disputed);
    await api('POST', '/complaints', { body: complaintBody(openOrder, { category: 'ride_detour', orderKind: 'ride', tier: 'enterprise', description: 'fare too high' }) });
    const oa = await eventually(async () => {
      const found = await simulator('GET', `/oa/instances?orderId=${openOrder}`);
      return found.instances[0]?.comments?.length ? found : undefined;
    }, 30_000, 'the dispute notice');
    expect(oa.instances[0].comments[0].text).toMatch(/^Order .* is under dispute .* resolution promised by .*\(Beijing time\)/);
  });

  test('an open enterprise case has no voucher yet (409); a non-enterprise case never has one (404)', async () => {
    const open = await api('POST', '/complaints', { body: complaintBody(uniqueOrderId('VCH'), { tier: 'enterprise' }) });
    const notYet = await api('GET', `/complaints/${open.body.complaintId}/voucher`);
    expect(notYet.status).toBe(409);
    expect(notYet.body.error).toMatch(/issued when the case closes/);

    const individual = await api('POST', '/complaints', { body: complaintBody(uniqueOrderId('VCH')) });
    const none = await api('GET', `/complaints/${individual.body.complaintId}/voucher?format=html`);
    expect(none.status).toBe(404);
    expect(none.body.error).toMatch(/enterprise orders only/);

    expect((await api('GET', '/complaints/complaint-NOPE0002/voucher')).status).toBe(404);
    expect((await api('GET', `/complaints/${open.body.complaintId}/voucher?format=pdf`)).status).toBe(400);
    expect((await api('GET', `/complaints/${open.body.complaintId}/voucher?format=html&format=json`)).status).toBe(400);
  });
});

describe('the outcome on the voucher names how the money moved', () => {
  const v = (capturedFen: number | undefined, refunds: number) => ({
    outcome: 'partly_refunded',
    charge: { heldFen: 10_000, capturedFen, status: capturedFen === undefined ? undefined : 'captured' },
    refunds: Array.from({ length: refunds }, (_, i) => ({ reference: `R${i}`, amountFen: 100, at: '2026-12-01T00:00:00Z' })),
  });
  test.each([
    ['a charge taken at less, no refund', v(8_000, 0), 'charged at the corrected amount'],
    ['a refund, the charge in full', v(10_000, 1), 'partly refunded'],
    ['a refund and a charge taken at less', v(8_000, 1), 'refunded and charged less'],
    ['the outcome refunded, no refund, a charge taken at less', { ...v(8_000, 0), outcome: 'refunded' }, 'charged at the corrected amount'],
    // A released hold carries capturedFen 0: nothing was charged, so it is no "corrected amount",
    // and nothing was paid back either: the case page says "charge cancelled" too.
    ['a released hold', { ...v(0, 0), charge: { heldFen: 10_000, capturedFen: 0, status: 'released' } }, 'charge cancelled'],
    ['a released hold, the outcome refunded', { ...v(0, 0), outcome: 'refunded', charge: { heldFen: 10_000, capturedFen: 0, status: 'released' } }, 'charge cancelled'],
    ['a released hold and a refund of an earlier debit', { ...v(0, 1), outcome: 'refunded', charge: { heldFen: 10_000, capturedFen: 0, status: 'released' } }, 'refunded in full'],
  ])('%s', (_name, voucher, en) => {
    expect(voucherOutcome(voucher).en).toBe(en);
  });
});
