import { HttpError } from '../../activities/clients/http';
import { PaymentClient } from '../../activities/clients/payment';
import { storyAFlightOrder } from '../../simulators/fixtures';
import { rejection, startTestSimulators, TEST_KEYS, type TestSimulators } from './harness';

let t: TestSimulators;
beforeAll(async () => {
  t = await startTestSimulators();
});
afterAll(() => t.stop());
beforeEach(() => t.admin.reset());

const refundReq = { orderId: 'A-1', outRequestNo: 'C-1:refund', amountFen: 128_600, reason: 'duplicate debit' };

describe('fault injection', () => {
  it('timeout_after_execute: the client times out, yet the refund happened; the retry does not refund again', async () => {
    await t.admin.seedOrder(storyAFlightOrder('A-1'));
    await t.admin.setFault({ service: 'payment', mode: 'timeout_after_execute', count: 1 });
    const impatient = new PaymentClient({ baseUrl: `${t.sim.url}/payment`, apiKey: TEST_KEYS.payment, timeoutMs: 200 });

    const started = Date.now();
    const err = await rejection(impatient.refund(refundReq));
    expect(err).toBeInstanceOf(HttpError);
    expect(err).toMatchObject({ kind: 'timeout', status: 0, retryable: true });
    expect(Date.now() - started).toBeLessThan(2_000);

    const found = await t.payment.queryRefund('C-1:refund');
    expect(found).toMatchObject({ status: 'SUCCESS', amountFen: 128_600 });
    expect(await t.payment.refund(refundReq)).toEqual(found);
    expect((await t.admin.stats()).payment.refunds.perOutRequestNo).toEqual({ 'C-1:refund': 1 });
  });

  it('timeout_after_execute leaves reads alone, so the outcome can be looked up while it is armed', async () => {
    await t.admin.seedOrder(storyAFlightOrder('A-1'));
    await t.admin.setFault({ service: 'payment', mode: 'timeout_after_execute' });
    await expect(t.payment.getLedger('A-1')).resolves.toMatchObject({ orderId: 'A-1' });
    expect((await t.admin.faults()).payment).toMatchObject({ mode: 'timeout_after_execute', fired: 0 });
  });

  it('5xx with count fails the next N requests (retryable) and then switches itself off', async () => {
    await t.admin.seedOrder(storyAFlightOrder('A-1'));
    await t.admin.setFault({ service: 'payment', mode: '5xx', count: 2 });
    for (let i = 0; i < 2; i++) {
      await expect(t.payment.getLedger('A-1')).rejects.toMatchObject({ status: 503, retryable: true, kind: 'http' });
    }
    await expect(t.payment.getLedger('A-1')).resolves.toMatchObject({ orderId: 'A-1' });
    expect((await t.admin.faults()).payment.mode).toBe('none');
    // Faults are per service.
    await t.admin.setFault({ service: 'oa', mode: '5xx' });
    await expect(t.payment.getLedger('A-1')).resolves.toBeDefined();
  });

  it('5xx with rate 0 never fires', async () => {
    await t.admin.seedOrder(storyAFlightOrder('A-1'));
    await t.admin.setFault({ service: 'payment', mode: '5xx', rate: 0 });
    await expect(t.payment.getLedger('A-1')).resolves.toBeDefined();
  });

  it('latency delays the answer', async () => {
    await t.admin.setFault({ service: 'sms', mode: 'latency', latencyMs: 150, count: 1 });
    const started = Date.now();
    await t.sms.outbox();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('an aborted call (activity cancelled) is not retryable', async () => {
    await t.admin.setFault({ service: 'sms', mode: 'latency', latencyMs: 1_000, count: 1 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expect(t.sms.outbox({ signal: controller.signal })).rejects.toMatchObject({ kind: 'cancelled', retryable: false });
  });

  it('fail_channel fails every send on that channel (5xx, FAILED) while the other channel delivers', async () => {
    await t.admin.setFault({ service: 'sms', mode: 'fail_channel', channel: 'sms' });
    const msg = { phone: '13800000000', text: 'We are sorry', outId: 'C-1:apology', channel: 'sms' as const };
    const err = await rejection(t.sms.send(msg));
    expect(err).toMatchObject({ status: 502, retryable: true, body: { error: 'CHANNEL_FAILED', status: 'FAILED' } });
    await expect(t.sms.send(msg)).rejects.toMatchObject({ status: 502 });

    const viaApp = await t.sms.send({ ...msg, channel: 'app' });
    expect(viaApp.status).toBe('DELIVERED');
    const sent = await t.sms.findByOutId('C-1:apology');
    expect(sent.map((m) => [m.channel, m.status])).toEqual([
      ['sms', 'FAILED'],
      ['sms', 'FAILED'],
      ['app', 'DELIVERED'],
    ]);
    expect((await t.admin.stats()).sms.byChannel).toEqual({ sms: { delivered: 0, failed: 2 }, app: { delivered: 1, failed: 0 } });
  });

  it('rejects a fault that makes no sense (400)', async () => {
    await expect(t.admin.setFault({ service: 'payment', mode: 'fail_channel', channel: 'sms' })).rejects.toMatchObject({ status: 400 });
  });

  it('a dead server is a retryable network error', async () => {
    const other = await (await import('./harness')).startTestSimulators();
    const url = other.sim.url;
    await other.stop();
    const client = new PaymentClient({ baseUrl: `${url}/payment`, apiKey: TEST_KEYS.payment, timeoutMs: 1_000 });
    await expect(client.getLedger('A-1')).rejects.toMatchObject({ kind: 'network', status: 0, retryable: true });
  });
});
