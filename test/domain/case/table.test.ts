/**
 * Every (state, event) pair of the case machine, against the table in domain/case/table.ts: each
 * either transitions as the table says or is refused with a reason and a kind.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expected, stateDiagram, TABLE_EVENTS, TABLE_STATES, type TableEvent } from '../../../domain/case/table';
import type { Status } from '../../../domain/types';
import { AGENT, CaseDriver, deliverAll, input, investigating, OPS, RULES, type Step } from './driver';

const builders: Record<Status, () => CaseDriver> = {
  received: () => {
    const d = new CaseDriver();
    d.send({ type: 'started' });
    d.done('rules', RULES);
    return d; // the hold is still being placed
  },
  investigating: () => investigating(),
  awaiting_customer: () => {
    const d = investigating();
    d.act('request-info', AGENT, { question: '请问您当时乘坐的是哪一班航班？' });
    return d;
  },
  settling: () => {
    const d = investigating();
    d.act('propose-settlement', AGENT, { refundFen: 5_000, platformAtFault: true, reason: 'late' });
    return d; // the refund is in flight
  },
  needs_manual: () => {
    const d = builders.settling();
    d.fail('money:0', 'the merchant account cannot pay this out', 403);
    return d;
  },
  apologizing: () => {
    const d = builders.settling();
    d.done('money:0', { outRequestNo: 'k', amountFen: 5_000, status: 'succeeded', refundId: 'RF1', at: '2026-11-10T02:00:00Z' });
    return d; // the apology is in flight
  },
  closed: () => {
    const d = builders.apologizing();
    deliverAll(d);
    return d;
  },
};

const report = (id: string) => ({ driverId: 'DRV1', reportId: id, admittedFault: false, kind: 'other' as const, text: 'passenger upset', reportedAt: '2026-11-10T09:00:00+08:00' });

const events: Record<TableEvent, (d: CaseDriver) => Step> = {
  'propose within my limit': (d) => d.act('propose-settlement', AGENT, { refundFen: 5_000, platformAtFault: true, reason: 'late' }),
  'propose above my limit, for approval': (d) => d.act('propose-settlement', AGENT, { refundFen: 50_000, platformAtFault: false, reason: 'goodwill', kind: 'goodwill', forApproval: true }),
  escalate: (d) => d.act('escalate', AGENT, { reason: 'needs an expert' }),
  'request info': (d) => d.act('request-info', AGENT, { question: '请问是哪一天？' }),
  resolve: (d) => d.act('resolve', AGENT, { reason: 'explained' }),
  reject: (d) => d.act('reject', AGENT, { reason: 'the records show the planned route' }),
  withdraw: (d) => d.act('withdraw', AGENT, { reason: 'customer withdrew' }),
  note: (d) => d.act('note', AGENT, { text: 'called the customer' }),
  claim: (d) => d.act('claim', AGENT),
  assign: (d) => d.act('assign', AGENT, { assignee: { id: 'expert-wang', role: 'expert' } }),
  'ops retry': (d) => d.act('retry', OPS),
  'ops settle by hand': (d) => d.act('settle-by-hand', OPS, { note: 'paid by bank transfer, ref 123' }),
  'ops close with apology': (d) => d.act('close-with-apology', OPS, { reason: 'customer paid back by the bank' }),
  'customer replied': (d) => d.send({ type: 'customer_replied', text: 'the 9:00 flight' }),
  'driver reported': (d) => d.send({ type: 'driver_reported', report: report('R-new') }),
  'another intake': (d) => d.send({ type: 'intake', created: false, args: { intakeId: 'intake-2', actor: AGENT, intakeKey: 'idem:abc' } }),
};

describe.each(TABLE_STATES)('in %s', (status) => {
  test('the builder reaches the state', () => {
    expect(builders[status]().state.status).toBe(status);
  });

  test.each(TABLE_EVENTS)('%s', (event) => {
    const d = builders[status]();
    const before = d.state;
    const result = events[event](d);
    const want = expected(event, status);
    if (want === 'refused') {
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.refusal.reason.length).toBeGreaterThan(5);
        expect(['state', 'permission', 'authority', 'input']).toContain(result.refusal.kind);
      }
      expect(d.state).toBe(before);
      return;
    }
    expect(result).toMatchObject({ ok: true });
    expect(d.state.status).toBe(want === 'same' ? status : want);
  });
});

test('escalating while the customer is asked resumes the clock at once, the new level with its whole time, and tells the customer now', () => {
  const d = builders.awaiting_customer();
  d.advance(60 * 60_000);
  const before = d.sends('escalation').length;
  d.act('escalate', AGENT, { reason: 'needs an expert' });
  expect(d.state).toMatchObject({ status: 'investigating', level: 2, clockPausedRemainingMs: undefined });
  expect(d.sends('escalation')).toHaveLength(before + 1);
  const visit = d.state.levels[d.state.levels.length - 1]!;
  expect(visit.deadline).toBe(d.state.nextDeadline);
  // The expert's 8 business hours, counted from the escalation, not what was left of the agent's.
  expect(Date.parse(d.state.nextDeadline!)).toBe(Date.parse('2026-11-11T10:00:00+08:00'));
});

test('at the top of the ladder a breach is told to the customer once; later breaches page ops and keep a deadline, without messages', () => {
  const d = investigating(input({ tier: 'premium' }));
  for (let i = 0; i < 12; i++) {
    if (d.state.status !== 'investigating') break;
    d.fire('warn:');
    d.fire('deadline:');
    deliverAll(d);
  }
  const escalations = d.sends('escalation');
  // Agent to expert, expert to supervisor, and one fresh supervisor deadline: three messages, not twelve.
  expect(escalations).toHaveLength(3);
  expect(d.state).toMatchObject({ status: 'investigating', level: 3, flags: { breached: true, needsOps: true } });
  expect(d.state.nextDeadline).toBeDefined();
  expect(d.state.events.filter((e) => e.kind === 'breached').length).toBeGreaterThan(3);
});

test('the acknowledgement deadline is watched: not delivered by then, ops are flagged', () => {
  const d = new CaseDriver();
  d.send({ type: 'started' });
  d.done('rules', RULES);
  d.done('hold', null);
  d.done('evidence:', { ledger: null, trip: null });
  // The first round fails on both channels; the background retry waits half an hour.
  d.fail('send:ack', 'gateway down');
  d.fail('send:ack', 'gateway down');
  const ackTimer = [...d.timers.values()].find((t) => t.id.startsWith('ack:'));
  expect(ackTimer?.at).toBe(d.state.deadlines.find((x) => x.kind === 'acknowledge')!.at);
  d.fire('ack:');
  expect(d.state.flags.needsOps).toBe(true);
  expect(d.state.events.some((e) => e.kind === 'acknowledgement_late')).toBe(true);
  // Delivered in time instead: no timer remains to fire.
  const ok = new CaseDriver();
  ok.send({ type: 'started' });
  ok.done('rules', RULES);
  ok.done('hold', null);
  ok.done('evidence:', { ledger: null, trip: null });
  expect(ok.sends('acknowledgement')).toHaveLength(1);
  deliverAll(ok);
  expect([...ok.timers.keys()].some((k) => k.startsWith('ack:'))).toBe(false);
});

test('an intake that joins after the decision is answered at once', () => {
  const d = builders.needs_manual();
  const result = d.send({ type: 'intake', created: false, args: { intakeId: 'later', actor: AGENT } });
  expect(result).toMatchObject({ ok: true, reply: { created: false, status: 'needs_manual' } });
});

test('the README state diagram is generated from this table', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
  expect(readme).toContain(['```mermaid', stateDiagram(), '```'].join('\n'));
});

test('domain/ never imports the workflow contract', () => {
  const dir = path.join(__dirname, '..', '..', '..', 'domain');
  const files = fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.ts'));
  for (const f of files) expect([f, fs.readFileSync(path.join(dir, f), 'utf8')]).not.toEqual([f, expect.stringMatching(/from '\.\.?\/(\.\.\/)*workflows\//)]);
});
