import { timelineFromEvents, type DecodedEvent } from '../../api/history';
import type { ComplaintInput } from '../../workflows/definitions';

const T0 = Date.parse('2026-03-02T02:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms);
const iso = (ms: number) => at(ms).toISOString();

const input: ComplaintInput = {
  orderId: 'O1',
  customerId: 'C1',
  category: 'payment_dispute',
  tier: 'premium',
  channel: 'console',
  orderKind: 'flight',
  description: 'charged after a failed payment',
  customer: { name: '张三', phone: '+8613800138000', language: 'zh' },
  createdBy: { id: 'agent-li', role: 'agent' },
  intakeId: 'intake-1',
};

const events: DecodedEvent[] = [
  { id: 1, at: at(0), type: 'started', input, searchAttributes: { ComplaintStatus: 'received', EscalationLevel: 1, Breached: false } },
  { id: 2, at: at(0), type: 'update_accepted', name: 'intake', args: [{ intakeId: 'intake-1', actor: input.createdBy }] },
  { id: 3, at: at(100), type: 'search_attributes', attributes: { ComplaintStatus: 'investigating', EscalationLevel: 1, Owner: 'queue:agents', Breached: false, NextDeadline: iso(6_000) } },
  { id: 4, at: at(110), type: 'timer_started', fireAt: at(4_500) },
  { id: 5, at: at(300), type: 'timer_started', fireAt: at(4_510) },
  { id: 6, at: at(4_510), type: 'timer_fired', startedEventId: 5 },
  { id: 7, at: at(4_520), type: 'timer_started', fireAt: at(6_000) },
  { id: 8, at: at(6_000), type: 'timer_fired', startedEventId: 7 },
  { id: 9, at: at(6_010), type: 'search_attributes', attributes: { EscalationLevel: 2, Owner: 'queue:experts', Breached: true, NextDeadline: iso(12_000), ComplaintStatus: 'investigating' } },
  {
    id: 10,
    at: at(7_000),
    type: 'update_accepted',
    name: 'proposeSettlement',
    args: [{ actor: { id: 'agent-li', role: 'agent' }, refundFen: 30_000, platformAtFault: false, reason: 'charged twice', forApproval: true }],
  },
  {
    id: 11,
    at: at(7_500),
    type: 'update_accepted',
    name: 'intake',
    args: [{ intakeId: 'intake-2', actor: { id: 'driver:D1', role: 'driver_app' }, driverReport: { driverId: 'D1', reportId: 'R1', admittedFault: true, kind: 'detour', text: 'took the ring road', reportedAt: iso(7_400) } }],
  },
  { id: 12, at: at(8_000), type: 'signaled', name: 'customerReplied', args: [{ text: 'here is my bank statement' }] },
  { id: 13, at: at(9_000), type: 'activity_scheduled', activityType: 'refund', input: [{ orderId: 'O1', outRequestNo: 'O1-X:refund', amountFen: 30_000, reason: 'charged twice' }] },
  { id: 14, at: at(9_100), type: 'activity_completed', scheduledEventId: 13, result: { outRequestNo: 'O1-X:refund', amountFen: 30_000, status: 'succeeded', refundId: 'RFD1', at: iso(9_100) } },
  { id: 15, at: at(9_200), type: 'activity_scheduled', activityType: 'sendCustomerMessage', input: [{ outId: 'O1-X:apology:sms', phone: '+86', text: '非常抱歉', channel: 'sms' }] },
  { id: 16, at: at(9_300), type: 'activity_failed', scheduledEventId: 15, message: 'message O1-X:apology:sms was not delivered by sms' },
  { id: 17, at: at(9_400), type: 'activity_scheduled', activityType: 'captureHold', input: [{ orderId: 'O1', idempotencyKey: 'k', amountFen: 12_015 }] },
  { id: 18, at: at(9_500), type: 'completed', result: { outcome: 'refunded' } },
];

describe('timelineFromEvents (pure mapping of decoded history events)', () => {
  const entries = timelineFromEvents(events);
  const find = (kind: string) => entries.filter((e) => e.kind === kind);

  test('the start names who opened the case and how; the opening intake is not repeated', () => {
    expect(entries[0]).toEqual({
      at: '2026-03-02T10:00:00+08:00',
      actor: 'agent-li',
      category: 'intake',
      kind: 'received',
      text: 'complaint opened via console (payment_dispute, premium): charged after a failed payment',
      zh: '经处理台受理投诉（支付争议，高级）：charged after a failed payment',
    });
    expect(find('intake_joined')).toHaveLength(1);
    expect(find('intake_joined')[0]).toMatchObject({ actor: 'driver:D1', text: expect.stringContaining('driver D1 admits fault (detour): took the ring road') });
  });

  test('every entry is also a Chinese sentence: Beijing time written out, no ISO timestamps, no English event codes', () => {
    expect(entries.length).toBeGreaterThan(10);
    for (const e of entries) {
      expect([e.kind, e.zh]).toEqual([e.kind, expect.stringMatching(/[\u4e00-\u9fff]/)]);
      expect([e.kind, e.zh]).not.toEqual([e.kind, expect.stringMatching(/\d{4}-\d{2}-\d{2}T\d{2}/)]);
      // English words only inside what people wrote or ids (the customer's words, owner queues): never the engine's own.
      const engine = e.zh.replace(/[：:].*$/s, '');
      expect([e.kind, engine]).not.toEqual([e.kind, expect.stringMatching(/\b(status|level|owner|deadline|refunded|charge|timer|hold|message)\b/)]);
    }
    expect(find('deadline_set')[0]!.zh).toMatch(/下一个截止时间 2026年3月\d+日 \d{2}:\d{2}（北京时间）/);
  });

  test('staff actions carry the actor and the amount in yuan', () => {
    expect(find('settlement_proposed')[0]).toMatchObject({ actor: 'agent-li', category: 'action', text: 'agent-li proposed a refund of ¥300.00 for approval: charged twice' });
    expect(find('customer_replied')[0]).toMatchObject({ actor: 'customer', category: 'message' });
  });

  test('deadlines: set from the search attribute, re-armed timers once, the warning and the breach told apart', () => {
    expect(find('deadline_set').map((e) => e.text)).toEqual([
      'next deadline 2026-03-02T10:00:06+08:00 (level 1, queue:agents)',
      'next deadline 2026-03-02T10:00:12+08:00 (level 2, queue:experts)',
    ]);
    expect(find('warning_timer')).toHaveLength(1);
    expect(find('deadline_timer')).toHaveLength(1);
    expect(find('warning_reached')[0]!.text).toBe('warning: level 1 deadline 2026-03-02T10:00:06+08:00 is near');
    expect(find('deadline_reached')[0]!.text).toMatch(/^level 1 deadline .* reached unresolved: breached$/);
    expect(find('breached')).toHaveLength(1);
    expect(find('level')[0]!.text).toBe('level 1 → 2, owner queue:experts');
    expect(find('status').map((e) => e.text)).toEqual(['status received → investigating']);
  });

  test('activities: money with its reference, failures with the cause, unfinished ones as in progress', () => {
    expect(find('refunded')[0]).toMatchObject({ category: 'money', text: 'refunded ¥300.00, reference O1-X:refund (provider refund RFD1)' });
    expect(find('message_sent_failed')[0]).toMatchObject({ category: 'message', text: expect.stringContaining('was not delivered by sms') });
    const pending = find('charge_captured_pending')[0]!;
    expect(pending.text).toBe('in progress: capturing ¥120.15 of the held charge');
    expect(entries.indexOf(pending)).toBe(entries.length - 2);
    expect(entries[entries.length - 1]).toMatchObject({ kind: 'closed', text: 'case closed: outcome refunded' });
  });
});

describe('timelineFromEvents: what a timer is for', () => {
  const opened: DecodedEvent[] = [
    { id: 1, at: at(0), type: 'started', input, searchAttributes: { ComplaintStatus: 'received', EscalationLevel: 1 } },
    { id: 2, at: at(10), type: 'activity_scheduled', activityType: 'loadCaseRules', input: [] },
    { id: 3, at: at(20), type: 'activity_completed', scheduledEventId: 2, result: { policy: { version: 'p1', chargeNoticeLeadMinutes: 60 } } },
    { id: 4, at: at(30), type: 'activity_scheduled', activityType: 'holdAutoCharge', input: [{ orderId: 'O1' }] },
    { id: 5, at: at(40), type: 'activity_completed', scheduledEventId: 4, result: { holdId: 'H1', amountFen: 19_610, dueAt: iso(3_600_000), maxHoldUntil: iso(7_200_000), status: 'held' } },
    { id: 6, at: at(50), type: 'search_attributes', attributes: { ComplaintStatus: 'investigating', EscalationLevel: 1, Owner: 'queue:agents', NextDeadline: iso(36_000_000) } },
  ];

  test("a timer before the deadline at the held charge's notice time is the charge notice, not the warning", () => {
    const entries = timelineFromEvents([
      ...opened,
      { id: 7, at: at(60), type: 'timer_started', fireAt: at(3_600_000) },
      { id: 8, at: at(3_600_000), type: 'timer_fired', startedEventId: 7 },
      { id: 9, at: at(3_600_100), type: 'timer_started', fireAt: at(7_200_000) },
    ]);
    expect(entries.map((e) => e.kind)).toEqual(expect.arrayContaining(['charge_notice_timer', 'charge_notice_reached', 'hold_end_timer']));
    expect(entries.some((e) => e.kind.startsWith('warning'))).toBe(false);
    expect(entries.find((e) => e.kind === 'hold_end_timer')).toMatchObject({ category: 'money' });
  });

  test('while settling a timer is the ops retry of a failed step; a labelled timer reads as its label', () => {
    const entries = timelineFromEvents([
      ...opened,
      { id: 7, at: at(100), type: 'search_attributes', attributes: { ComplaintStatus: 'settling', NextDeadline: null } },
      { id: 8, at: at(110), type: 'timer_started', fireAt: at(180_000) },
      { id: 9, at: at(200), type: 'signaled', name: 'opsRetry', args: [{ actor: { id: 'ops-chen', role: 'ops' } }] },
      { id: 10, at: at(300), type: 'timer_started', fireAt: at(900_000), summary: 'customer reply due' },
      { id: 11, at: at(900_000), type: 'timer_fired', startedEventId: 10 },
    ]);
    expect(entries.find((e) => e.kind === 'ops_retry_timer')).toMatchObject({ category: 'system' });
    expect(entries.find((e) => e.kind === 'ops_retry')).toMatchObject({ actor: 'ops-chen', category: 'action' });
    expect(entries.find((e) => e.kind === 'labelled_reached')?.text).toBe('customer reply due: reached');
    expect(entries.filter((e) => e.kind === 'deadline_set')).toHaveLength(1);
  });
});
