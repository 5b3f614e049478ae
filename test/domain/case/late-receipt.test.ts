/**
 * "No receipt within the window counts as undelivered and moves to the next channel": the
 * message goes out on the next channel at once, and a receipt the rail reports later is recorded
 * on the case as what it is (delivered late, or failed), without undoing the next channel's send.
 */
import { CaseDriver, RULES } from './driver';

function openedWithAckInFlight(): CaseDriver {
  const d = new CaseDriver();
  d.send({ type: 'started' });
  d.done('rules', RULES);
  d.done('hold', null);
  return d;
}

function failSilently(d: CaseDriver, prefix: string, code: string) {
  const step = d.pending(prefix)!;
  d.calls.delete(step);
  return d.send({ type: 'call_failed', step, message: 'sent (BIZ1) but no delivery receipt within 10000 ms', code });
}

test('a message without a receipt in time goes out on the next channel, and the case keeps looking for the late receipt', () => {
  const d = openedWithAckInFlight();
  expect(d.sends('acknowledgement').map((c) => c.channel)).toEqual(['sms']);
  const t = failSilently(d, 'send:ack', 'NoReceipt');
  expect(t.ok).toBe(true);
  expect(d.sends('acknowledgement').map((c) => c.channel)).toEqual(['sms', 'app']);
  const watch = d.log.find((c) => c.type === 'call' && c.activity === 'awaitLateReceipt');
  expect(watch).toMatchObject({ type: 'call', step: 'receipt:ORD1-0A1B2C3D:ack:sms', args: { outId: 'ORD1-0A1B2C3D:ack:sms', channel: 'sms' }, retry: 'optional' });
});

test('a late success receipt is recorded as delivered late; the record of the window stands and the next channel still counts', () => {
  const d = openedWithAckInFlight();
  failSilently(d, 'send:ack', 'NoReceipt');
  d.done('send:ack', { status: 'delivered' });
  d.done('receipt:', { status: 'delivered', rail: 'aliyun', channel: 'sms', bizId: 'BIZ1', reason: null, receiptAt: '2026-11-10T02:00:15.000Z' });
  const sms = d.state.notifications.find((n) => n.outId === 'ORD1-0A1B2C3D:ack:sms')!;
  expect(sms).toMatchObject({ status: 'failed', lateReceipt: { status: 'delivered', at: '2026-11-10T02:00:15.000Z', reason: null } });
  expect(d.state.notifications.find((n) => n.outId === 'ORD1-0A1B2C3D:ack:app')).toMatchObject({ status: 'delivered' });
  expect(d.state.events.filter((e) => e.kind === 'message_delivered_late').map((e) => e.text)).toEqual([
    'acknowledgement delivered late by sms: its receipt (2026-11-10T02:00:15.000Z) came after the window, when the next channel had taken over',
  ]);
  expect(d.pending('receipt:')).toBeUndefined();
});

test('a late failure receipt is recorded with the rail\'s reason; no receipt at all leaves the failed record as it was', () => {
  const late = openedWithAckInFlight();
  failSilently(late, 'send:ack', 'NoReceipt');
  late.done('receipt:', { status: 'failed', rail: 'tencent', channel: 'sms', bizId: 'S1', reason: 'FAIL: the carrier could not reach the handset', receiptAt: null });
  expect(late.state.notifications[0]).toMatchObject({ status: 'failed', lateReceipt: { status: 'failed', reason: 'FAIL: the carrier could not reach the handset' } });
  expect(late.state.events.some((e) => e.kind === 'message_failed_late')).toBe(true);

  const never = openedWithAckInFlight();
  failSilently(never, 'send:ack', 'NoReceipt');
  const before = JSON.stringify(never.state.notifications);
  never.fail('receipt:', 'no receipt yet');
  expect(JSON.stringify(never.state.notifications)).toBe(before);
});

test('a message the rail refused or reported failed in time is not watched: nothing more can come', () => {
  const d = openedWithAckInFlight();
  failSilently(d, 'send:ack', 'NotDelivered');
  expect(d.sends('acknowledgement').map((c) => c.channel)).toEqual(['sms', 'app']);
  expect(d.log.some((c) => c.type === 'call' && c.activity === 'awaitLateReceipt')).toBe(false);
});
