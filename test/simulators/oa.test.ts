import express from 'express';
import type { AddressInfo } from 'node:net';
import type { OaStatusCallback } from '../../activities/clients/oa';
import { storyAFlightOrder, storyBRideOrder } from '../../simulators/fixtures';
import { eventually, startTestSimulators, type TestSimulators } from './harness';

let t: TestSimulators;
beforeAll(async () => {
  t = await startTestSimulators();
});
afterAll(() => t.stop());
beforeEach(() => t.admin.reset());

const dueLater = { dueAt: new Date(Date.now() + 3_600_000) };

describe('OA approval simulator through OaClient', () => {
  it('finds the PENDING approval of an enterprise order, and none for a consumer order', async () => {
    await t.admin.seedOrder(storyBRideOrder('B-1', dueLater));
    await t.admin.seedOrder(storyAFlightOrder('A-1'));
    const inst = await t.oa.findInstanceForOrder('B-1');
    expect(inst).toMatchObject({ instanceId: 'OA-B-1', orderId: 'B-1', status: 'PENDING', enterpriseId: 'ENT-ACME' });
    expect(await t.oa.findInstanceForOrder('A-1')).toBeNull();
    expect(await t.oa.getInstance('missing')).toBeNull();
  });

  it('comments and attachments dedupe on idempotencyKey; reusing a key for other content is 409', async () => {
    await t.admin.seedOrder(storyBRideOrder('B-1', dueLater));
    const c1 = await t.oa.comment('OA-B-1', { text: 'Under dispute; resolved by 2025-03-18 18:00 +08:00', idempotencyKey: 'C-1:oa-notice' });
    expect(await t.oa.comment('OA-B-1', { text: c1.text, idempotencyKey: 'C-1:oa-notice' })).toEqual(c1);
    await expect(t.oa.comment('OA-B-1', { text: 'other', idempotencyKey: 'C-1:oa-notice' })).rejects.toMatchObject({ status: 409 });

    const voucher = { name: 'voucher.txt', contentType: 'text/plain', content: 'Refund 74.50 CNY', idempotencyKey: 'C-1:voucher' };
    const a1 = await t.oa.attach('OA-B-1', voucher);
    expect(await t.oa.attach('OA-B-1', voucher)).toEqual(a1);
    expect(a1.sizeBytes).toBe(voucher.content.length);

    const inst = await t.oa.getInstance('OA-B-1');
    expect(inst!.comments).toHaveLength(1);
    expect(inst!.attachments).toEqual([a1]);
    expect((await t.admin.stats()).oa).toMatchObject({ comments: 1, attachments: 1, replayed: 2 });
    await expect(t.oa.comment('nope', { text: 'x', idempotencyKey: 'k' })).rejects.toMatchObject({ status: 404 });
  });

  it('an admin status change updates the instance and calls the callback URL', async () => {
    const received: OaStatusCallback[] = [];
    const hook = express().use(express.json()).post('/oa-callback', (req, res) => {
      received.push(req.body);
      res.sendStatus(204);
    });
    const server = hook.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oa-callback`;
      await t.admin.seedOrder(storyBRideOrder('B-1', { ...dueLater, callbackUrl: url }));
      const { instance, callback } = await t.admin.setOaStatus('OA-B-1', 'APPROVED');
      expect(instance.status).toBe('APPROVED');
      expect(callback).toMatchObject({ delivered: true, status: 204 });
      await eventually(() => expect(received).toEqual([{ instanceId: 'OA-B-1', orderId: 'B-1', status: 'APPROVED' }]));
      expect((await t.oa.getInstance('OA-B-1'))!.status).toBe('APPROVED');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('a dead callback URL does not fail the status change', async () => {
    await t.admin.seedOrder(storyBRideOrder('B-1', { ...dueLater, callbackUrl: 'http://127.0.0.1:1/nowhere' }));
    const { instance, callback } = await t.admin.setOaStatus('OA-B-1', 'REJECTED');
    expect(instance.status).toBe('REJECTED');
    expect(callback).toMatchObject({ delivered: false });
    expect((await t.admin.stats()).oa.callbacksFailed).toBe(1);
  });
});
