/**
 * The approval rails over HTTP with their official SDKs, unmodified, against the simulators,
 * through a real worker. Comments have no idempotency key on DingTalk or Feishu: a comment
 * retried after a lost answer appears once, and so does the voucher with its uploaded files.
 */
import type { CaseRecord } from '../../../workflows/definitions';
import { FeishuOaRail } from '../../../activities/rails/oa/feishu';
import { feishuRail } from '../../../activities/rails/from-env';
import { messagingStack, type MessagingStack } from './support';

let stack: MessagingStack;
beforeAll(async () => {
  stack = await messagingStack();
}, 60_000);
afterAll(async () => {
  await stack?.close();
});
afterEach(async () => {
  await stack.sims.admin.clearFaults();
});

let n = 0;
async function seededOrder(rail: string) {
  n += 1;
  const orderId = `OA${rail.toUpperCase()}${process.pid}N${n}`;
  const seeded = await stack.sims.admin.seedOrder({ orderId, orderAmountFen: 12_000, enterpriseId: 'ENT-1', oaInstance: { instanceId: `INST-${orderId}`, approver: 'manager-wu' } });
  return { orderId, instanceId: seeded.oaInstance!.instanceId };
}

async function instanceOn(rail: string, orderId: string) {
  const res = await fetch(`${stack.sims.sim.url}/_admin/oa/instances?orderId=${orderId}&rail=${rail}`);
  const body = (await res.json()) as { instances: Array<{ instanceId: string; comments: Array<{ text: string }>; attachments: Array<{ name: string; content: string }> }> };
  return body.instances[0]!;
}

function closedState(orderId: string): CaseRecord {
  const at = '2026-12-01T10:00:00+08:00';
  return {
    complaintId: `complaint-${orderId}`, caseRef: `${orderId}-C0FFEE00`, orderId, customerId: 'CUST-B', category: 'ride_detour', tier: 'enterprise', channel: 'driver_app', orderKind: 'ride',
    description: 'detour', language: 'zh', status: 'closed', outcome: 'refunded', level: 1, owner: 'queue:agents', policyVersion: 'test', receivedAt: at, closedAt: at,
    deadlines: [], flags: { warned: false, breached: false, provisionalDeadline: false, apologyUndeliverable: false, needsOps: false, orderNotFound: false }, levels: [], findings: [], driverReports: [],
    refunds: [{ outRequestNo: `${orderId}-C0FFEE00:refund`, amountFen: 3_000, status: 'succeeded', refundId: 'R1', at }], notifications: [], notes: [], events: [], apologyDelivered: true,
    createdBy: { id: 'driver:D1', role: 'driver_app' }, intakes: {}, continuedRuns: 0,
  };
}

describe.each(['dingtalk', 'feishu'] as const)('%s approvals', (rail) => {
  test('the dispute comment retried after a lost answer appears once, and a later retry adds nothing', async () => {
    const { orderId, instanceId } = await seededOrder(rail);
    const key = `${orderId}-C0FFEE00:oa-dispute`;
    // The rail writes the comment and holds its answer past the SDK's 5 s timeout.
    await stack.sims.admin.setFault({ service: 'oa', mode: 'timeout_after_execute', latencyMs: 8_000, count: 1, match: instanceId });
    const req = { orderId, idempotencyKey: key, text: `Order ${orderId} is under dispute; resolution promised by 2026-12-02T17:00:00+08:00.` };
    expect(await stack.run({ oa: rail }, 'oaDispute', [req])).toEqual({ instanceId });
    expect((await stack.sims.admin.faults()).oa.mode).toBe('none'); // the answer really was lost
    expect(await stack.run({ oa: rail }, 'oaDispute', [req])).toEqual({ instanceId });
    const comments = (await instanceOn(rail, orderId)).comments.filter((c) => c.text.includes(key));
    expect(comments.map((c) => c.text)).toEqual([`${req.text} [${key}]`]);
  }, 60_000);

  test('the written explanation and voucher are uploaded first and attached once, however often the step runs', async () => {
    const { orderId } = await seededOrder(rail);
    const req = { orderId, idempotencyKey: `${orderId}-C0FFEE00:oa-voucher`, state: closedState(orderId) };
    await stack.run({ oa: rail }, 'oaVoucher', [req]);
    await stack.run({ oa: rail }, 'oaVoucher', [req]);
    const inst = await instanceOn(rail, orderId);
    expect(inst.attachments.map((a) => a.name)).toEqual([`V-${orderId}-C0FFEE00.html`, `V-${orderId}-C0FFEE00.json`]);
    expect(JSON.parse(inst.attachments[1]!.content).refunds).toEqual([{ reference: `${orderId}-C0FFEE00:refund`, amountFen: 3_000, at: '2026-12-01T10:00:00+08:00' }]);
    expect(inst.attachments[0]!.content).toContain('<!doctype html>');
    expect(inst.comments.filter((c) => c.text.includes(':oa-voucher]'))).toHaveLength(1);
  }, 60_000);

  test('an order without an approval on the rail gets nothing and says so', async () => {
    expect(await stack.run({ oa: rail }, 'oaDispute', [{ orderId: `NONE-${rail}-${process.pid}`, idempotencyKey: 'k', text: 't' }])).toBeNull();
  });
});

describe('feishu instance creation with a uuid', () => {
  let feishu: FeishuOaRail;
  beforeAll(() => {
    feishu = feishuRail(stack.env);
  });

  test('a second create with the same uuid is refused by the rail and settled by the look-up: one instance', async () => {
    const uuid = `uuid-${process.pid}-twice`;
    const first = await feishu.openInstance({ orderId: 'FS-UUID-1', uuid });
    const second = await feishu.openInstance({ orderId: 'FS-UUID-1', uuid });
    expect(second).toEqual(first);
    const stats = await stack.sims.admin.stats();
    expect(stats.rails.feishu.uuidConflicts).toBeGreaterThanOrEqual(1);
    expect(stack.sims.sim.state.rails.books.feishu.forOrder('FS-UUID-1')).toHaveLength(1);
  });

  test('a create whose answer was lost finds the instance it made instead of making another', async () => {
    const uuid = `uuid-${process.pid}-lost`;
    await stack.sims.admin.setFault({ service: 'oa', mode: 'timeout_after_execute', latencyMs: 8_000, count: 1, match: uuid });
    const opened = await feishu.openInstance({ orderId: 'FS-UUID-2', uuid });
    expect((await stack.sims.admin.faults()).oa.mode).toBe('none');
    const made = stack.sims.sim.state.rails.books.feishu.forOrder('FS-UUID-2');
    expect(made.map((i) => i.instanceCode)).toEqual([opened.instanceId]);
  }, 30_000);
});

test.each(['dingtalk', 'feishu'] as const)('%s: a token the rail stopped accepting is replaced and the step still lands once', async (rail) => {
  const { orderId } = await seededOrder(rail);
  const req = { orderId, idempotencyKey: `${orderId}-C0FFEE00:oa-dispute`, text: 'under dispute' };
  // The first run holds a token; then the rail forgets every token it issued.
  await stack.run({ oa: rail }, 'oaDispute', [{ ...req, orderId: `NONE-${rail}-${process.pid}` }]);
  await fetch(`${stack.sims.sim.url}/_admin/oa/tokens/revoke`, { method: 'POST' });
  expect(await stack.run({ oa: rail }, 'oaDispute', [req])).toMatchObject({ instanceId: expect.any(String) });
  expect((await instanceOn(rail, orderId)).comments.filter((c) => c.text.includes(req.idempotencyKey))).toHaveLength(1);
}, 30_000);
