import { startTestSimulators, type TestSimulators } from './harness';

let t: TestSimulators;
beforeAll(async () => {
  t = await startTestSimulators();
});
afterAll(() => t.stop());
beforeEach(() => t.admin.reset());

const apology = { phone: '13800000000', text: 'We are sorry: your refund of 1286.00 CNY is on its way.', outId: 'C-1:apology', channel: 'sms' as const };

describe('SMS simulator through SmsClient', () => {
  it('is not idempotent: the same outId sent twice is two messages (so activities must look before they send)', async () => {
    const a = await t.sms.send(apology);
    const b = await t.sms.send(apology);
    expect(a.bizId).not.toBe(b.bizId);
    expect(a).toMatchObject({ outId: 'C-1:apology', status: 'DELIVERED' });

    const found = await t.sms.findByOutId('C-1:apology');
    expect(found).toHaveLength(2);
    expect(found[0]).toMatchObject({ phone: apology.phone, text: apology.text, status: 'DELIVERED', channel: 'sms' });
    expect(found[0].deliveredAt).not.toBeNull();

    const stats = await t.admin.stats();
    expect(stats.sms.perOutId).toEqual({ 'C-1:apology': 2 });
    expect(stats.sms.duplicated).toEqual(['C-1:apology']);
  });

  it('the look-then-send pattern sends once', async () => {
    const sendOnce = async () => {
      const existing = await t.sms.findByOutId(apology.outId);
      if (existing.some((m) => m.status === 'DELIVERED')) return existing[0].bizId;
      return (await t.sms.send(apology)).bizId;
    };
    const first = await sendOnce();
    expect(await sendOnce()).toBe(first);
    expect((await t.admin.stats()).sms.duplicated).toEqual([]);
  });

  it('lists the outbox and finds nothing for an unknown outId', async () => {
    await t.sms.send(apology);
    await t.sms.send({ ...apology, outId: 'C-2:notice', channel: 'app' });
    expect((await t.sms.outbox()).map((m) => m.outId)).toEqual(['C-1:apology', 'C-2:notice']);
    expect(await t.sms.findByOutId('nothing')).toEqual([]);
  });
});
