/**
 * A carrier slower than the receipt window (receipts 4 s after the send, a 2 s window), on each
 * SMS rail with its official SDK against the simulator: the message counts as undelivered in
 * time, the app channel takes over, the SMS is not sent again, and the late look-up finds the
 * rail's success receipt, which the case records as "delivered late".
 */
import { messagingStack, RECEIPT_WINDOW_MS, uniquePhone, type MessagingStack } from './support';
import type { sendThenAwaitLateReceipt } from './workflows';

const CARRIER_DELAY_MS = 2 * RECEIPT_WINDOW_MS;

let stack: MessagingStack;
beforeAll(async () => {
  stack = await messagingStack({ rails: { receiptDelayMs: CARRIER_DELAY_MS } });
}, 60_000);
afterAll(async () => {
  await stack?.close();
});

describe.each(['aliyun', 'tencent'] as const)('%s SMS', (rail) => {
  test('a receipt after the window: the app channel took over, the SMS went out once, and its late receipt is found', async () => {
    const caseRef = `${rail.toUpperCase()}-LATE`;
    const phone = uniquePhone();
    const sentAt = Date.now();
    const { results, late, lateFailure } = await stack.run<Awaited<ReturnType<typeof sendThenAwaitLateReceipt>>>({ sms: rail }, 'sendThenAwaitLateReceipt', [
      { outIdPrefix: `${caseRef}:ack`, phone, text: `您的投诉（编号 ${caseRef}）已受理。`, template: { id: 'acknowledgement', language: 'zh', params: { caseRef, deadline: '2026-12-02 17:00' } } },
      ['sms', 'app'],
    ]);
    expect(results.map((r) => `${r.channel}:${r.outcome?.status ?? r.failure?.type}`)).toEqual(['sms:NoReceipt', 'app:delivered']);
    expect((results[0]!.failure!.details[0] as { reason: string }).reason).toMatch(new RegExp(`but no delivery receipt within ${RECEIPT_WINDOW_MS} ms`));
    expect(lateFailure).toBeNull();
    expect(late).toMatchObject({ status: 'delivered', rail, channel: 'sms', reason: null });
    expect(Date.parse(late!.receiptAt!)).toBeGreaterThanOrEqual(sentAt + CARRIER_DELAY_MS - 1_000);
    const outbox = ((await (await fetch(`${stack.sims.sim.url}/_admin/outbox?rail=${rail}`)).json()) as { messages: Array<{ outId: string; status: string }> }).messages;
    expect(outbox.filter((m) => m.outId === `${caseRef}:ack:sms`).map((m) => m.status)).toEqual(['DELIVERED']);
  }, 60_000);
});
