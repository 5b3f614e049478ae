/**
 * The fast-path machine (version 2): what a case settled as it opens tells, and when a case that
 * then has to wait tells what it held back. Version 1 (cases started before) keeps its sequence.
 */
import { CaseDriver, RULES, deliverAll, input, storyALedger } from './driver';
import { FAST_PATH_VERSION } from '../../../domain/case/state';

function opened(tier: 'individual' | 'enterprise', version?: number) {
  const d = new CaseDriver(input({ tier }));
  if (version !== undefined) d.state.machine.version = version;
  d.send({ type: 'started' });
  d.done('rules', RULES);
  d.done('hold', null);
  return d;
}

const calls = (d: CaseDriver) => d.log.filter((c) => c.type === 'call').map((c) => (c as { activity: string }).activity);

test('new cases decide by the fast-path machine', () => {
  expect(new CaseDriver().state.machine.version).toBe(FAST_PATH_VERSION);
});

test('the short reads are local calls, run in order: the rules, the hold, then the records', () => {
  const d = new CaseDriver(input());
  const first = d.send({ type: 'started' });
  expect(first.ok && first.commands.filter((c) => c.type === 'call').map((c) => [c.type === 'call' && c.activity, c.type === 'call' && c.local])).toEqual([
    ['loadCaseRules', true],
    ['holdAutoCharge', true],
  ]);
  d.done('rules', RULES);
  const begun = d.done('hold', null);
  expect(begun.ok && begun.commands.find((c) => c.type === 'call')).toMatchObject({ activity: 'gatherEvidence', local: true });
  // Money never runs locally: its retries must outlive a worker.
  d.done('evidence:', { ledger: storyALedger('ORD1'), trip: null });
  expect(d.log.find((c) => c.type === 'call' && c.activity === 'refund')).not.toHaveProperty('local');
});

test('a first try that fails (a slow or failing provider) is retried as an ordinary activity, and the customer is acknowledged at once', () => {
  const d = new CaseDriver(input({ tier: 'enterprise' }));
  d.send({ type: 'started' });
  d.done('rules', RULES);
  d.fail('hold', 'local attempt timed out');
  d.fail('evidence:', 'local attempt timed out');
  expect(d.sends('acknowledgement')).toHaveLength(1);
  expect(calls(d)).toContain('notifyOaDispute');
  d.fire('retry:hold');
  d.fire('retry:evidence');
  const retried = d.log.filter((c) => c.type === 'call' && (c.activity === 'holdAutoCharge' || c.activity === 'gatherEvidence'));
  expect(retried.map((c) => c.type === 'call' && [c.activity, !!c.local])).toEqual([
    ['holdAutoCharge', true],
    ['gatherEvidence', true],
    ['holdAutoCharge', false],
    ['gatherEvidence', false],
  ]);
});

test('settled as it opens: one message, the apology; no acknowledgement, no ack deadline timer, no dispute notice', () => {
  const d = opened('enterprise');
  d.done('evidence:', { ledger: storyALedger('ORD1'), trip: null });
  expect(d.state.status).toBe('settling');
  expect(d.sends('acknowledgement')).toHaveLength(0);
  expect(calls(d)).not.toContain('notifyOaDispute');
  expect([...d.timers.keys()].filter((k) => k.startsWith('ack:'))).toEqual([]);
  d.done('money:0', { outRequestNo: 'R1', amountFen: 128_600, status: 'succeeded', refundId: 'RF1', at: d.now.toISOString() });
  d.done('money:1', { outRequestNo: 'R2', amountFen: 128_600, status: 'succeeded', refundId: 'RF2', at: d.now.toISOString() });
  // The voucher goes out with the apology, not after its receipt.
  expect(d.pending('send:apology')).toBeDefined();
  expect(d.pending('voucher')).toBeDefined();
  d.done('voucher', { instanceId: 'OA1' });
  expect(d.state.status).toBe('apologizing');
  deliverAll(d);
  expect(d.state.status).toBe('closed');
  expect(d.sends().map((s) => s.purpose)).toEqual(['apology']);
  // Every copy of the voucher carries the instant the outcome was final.
  expect(d.state.outcomeAt).toBeDefined();
});

test('settled as it opens but the money is refused: the customer gets the promise and the OA the dispute, then', () => {
  const d = opened('enterprise');
  d.done('evidence:', { ledger: storyALedger('ORD1'), trip: null });
  expect(d.sends('acknowledgement')).toHaveLength(0);
  d.fail('money:0', 'refund refused', 403);
  expect(d.state.status).toBe('needs_manual');
  const ack = d.sends('acknowledgement');
  expect(ack).toHaveLength(1);
  // The promise told is the time the case is now due: the ops deadline.
  expect(ack[0]!.text).toContain(d.state.caseRef);
  expect(calls(d)).toContain('notifyOaDispute');
  expect(d.state.machine.openingWaived).toBe(false);
});

test('records that settle nothing: acknowledged once they are read; a failed read acknowledges at once', () => {
  const d = opened('enterprise');
  expect(d.sends('acknowledgement')).toHaveLength(0);
  d.done('evidence:', { ledger: { orderId: 'ORD1', amountFen: 10_000, entries: [] }, trip: null });
  expect(d.sends('acknowledgement')).toHaveLength(1);
  expect(calls(d)).toContain('notifyOaDispute');

  const failed = opened('individual');
  failed.fail('evidence:', 'ledger 503', 503);
  expect(failed.sends('acknowledgement')).toHaveLength(1);
});

test('a voucher refused while the apology is out waits for ops; the case closes after both', () => {
  const d = opened('enterprise');
  d.done('evidence:', { ledger: storyALedger('ORD1'), trip: null });
  d.done('money:0', { outRequestNo: 'R1', amountFen: 128_600, status: 'succeeded', refundId: 'RF1', at: d.now.toISOString() });
  d.done('money:1', { outRequestNo: 'R2', amountFen: 128_600, status: 'succeeded', refundId: 'RF2', at: d.now.toISOString() });
  d.fail('voucher', 'OA down');
  expect(d.state.status).toBe('needs_manual');
  deliverAll(d);
  expect(d.state).toMatchObject({ status: 'needs_manual', apologyDelivered: true, manual: { step: 'voucher' } });
  d.send({ type: 'ops_retry', actor: { id: 'ops-chen', role: 'ops' } });
  d.done('voucher', { instanceId: 'OA1' });
  expect(d.state.status).toBe('closed');
});

test('the apology undeliverable while ops retried the voucher: the apology is their next step, not a silent wait', () => {
  const d = opened('enterprise');
  d.done('evidence:', { ledger: storyALedger('ORD1'), trip: null });
  d.done('money:0', { outRequestNo: 'R1', amountFen: 128_600, status: 'succeeded', refundId: 'RF1', at: d.now.toISOString() });
  d.done('money:1', { outRequestNo: 'R2', amountFen: 128_600, status: 'succeeded', refundId: 'RF2', at: d.now.toISOString() });
  d.fail('send:apology', 'sms down');
  d.fail('send:apology', 'app down');
  expect(d.state.manual?.step).toBe('apology');
  d.fail('voucher', 'OA down');
  expect(d.state.manual?.step).toBe('voucher');
  d.send({ type: 'ops_retry', actor: { id: 'ops-chen', role: 'ops' } });
  d.done('voucher', { instanceId: 'OA1' });
  expect(d.state).toMatchObject({ status: 'needs_manual', manual: { step: 'apology' }, apologyDelivered: false });
});

test('a version-1 case keeps its sequence: acknowledged as it begins, the OA told with the records, the voucher after the apology', () => {
  const d = opened('enterprise', 1);
  expect(d.log.filter((c) => c.type === 'call').every((c) => c.type === 'call' && (c.activity === 'loadCaseRules') === !!c.local)).toBe(true);
  expect(d.sends('acknowledgement')).toHaveLength(1);
  d.done('evidence:', { ledger: storyALedger('ORD1'), trip: null });
  expect(calls(d)).toContain('notifyOaDispute');
  d.done('money:0', { outRequestNo: 'R1', amountFen: 128_600, status: 'succeeded', refundId: 'RF1', at: d.now.toISOString() });
  d.done('money:1', { outRequestNo: 'R2', amountFen: 128_600, status: 'succeeded', refundId: 'RF2', at: d.now.toISOString() });
  expect(d.pending('voucher')).toBeUndefined();
  deliverAll(d);
  expect(d.pending('voucher')).toBeDefined();
});
