import fs from 'node:fs';
import { storyAFlightOrder, storyBRideOrder } from '../../simulators/fixtures';
import { startTestSimulators, tempDataDir } from './harness';

describe('simulator state on disk', () => {
  it('survives a restart on the same data dir', async () => {
    const dataDir = tempDataDir();
    const first = await startTestSimulators({ dataDir });
    await first.admin.seedOrder(storyAFlightOrder('A-1'));
    await first.admin.seedOrder(storyBRideOrder('B-1', { dueAt: new Date(Date.now() + 3_600_000) }));
    const refund = await first.payment.refund({ orderId: 'A-1', outRequestNo: 'C-1:refund', amountFen: 128_600, reason: 'duplicate debit' });
    const hold = await first.payment.holdAutoCharge('B-1', 'C-2:hold');
    const sms = await first.sms.send({ phone: '13800000000', text: 'sorry', outId: 'C-1:apology', channel: 'sms' });
    const comment = await first.oa.comment('OA-B-1', { text: 'under dispute', idempotencyKey: 'C-2:oa' });
    await first.stop();

    // The enterprise approval of story B is seeded on every approval rail too.
    const stores = fs.readdirSync(dataDir).filter((f) => f.endsWith('.json'));
    expect(stores.sort()).toEqual(['dingtalk.json', 'feishu.json', 'oa.json', 'payment.json', 'sms.json']);

    const second = await startTestSimulators({ dataDir });
    try {
      expect(await second.payment.queryRefund('C-1:refund')).toEqual(refund);
      expect(await second.payment.refund({ orderId: 'A-1', outRequestNo: 'C-1:refund', amountFen: 128_600, reason: 'retry' })).toEqual(refund);
      expect(await second.payment.holdAutoCharge('B-1', 'C-2:hold')).toEqual(hold);
      expect((await second.payment.getLedger('B-1')).pendingAutoCharge).toMatchObject({ holdId: hold.holdId });
      expect(await second.sms.findByOutId('C-1:apology')).toEqual([expect.objectContaining({ bizId: sms.bizId })]);
      expect((await second.oa.getInstance('OA-B-1'))!.comments).toEqual([comment]);
      expect(['dingtalk', 'feishu'].map((rail) => second.sim.state.rails.instances(rail as 'dingtalk' | 'feishu', 'B-1').map((i) => i.instanceId))).toEqual([['OA-B-1'], ['OA-B-1']]);
      // Ids keep counting from where they were, so nothing issued after a restart collides.
      const next = await second.payment.refund({ orderId: 'A-1', outRequestNo: 'C-3:refund', amountFen: 100, reason: 'x' });
      expect(next.refundId).not.toBe(refund.refundId);
      expect((await second.admin.stats()).payment.refunds.perOutRequestNo).toEqual({ 'C-1:refund': 1, 'C-3:refund': 1 });
    } finally {
      await second.stop();
    }
  });

  it('refuses to start on a corrupt state file instead of wiping it', async () => {
    const dataDir = tempDataDir();
    fs.writeFileSync(`${dataDir}/payment.json`, '{ not json');
    await expect(startTestSimulators({ dataDir })).rejects.toThrow(/not valid JSON/);
  });

  it('reset wipes every service', async () => {
    const t = await startTestSimulators();
    try {
      await t.admin.seedOrder(storyBRideOrder('B-1', { dueAt: new Date(Date.now() + 3_600_000) }));
      await t.sms.send({ phone: '13800000000', text: 'x', outId: 'o', channel: 'app' });
      await t.admin.reset();
      const stats = await t.admin.stats();
      expect([stats.payment.orders, stats.sms.messages, stats.oa.instances, stats.rails.dingtalk.instances, stats.rails.feishu.instances]).toEqual([0, 0, 0, 0, 0]);
      await expect(t.payment.getLedger('B-1')).rejects.toMatchObject({ status: 404 });
    } finally {
      await t.stop();
    }
  });
});
