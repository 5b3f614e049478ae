/**
 * The SMS rails over HTTP with their official SDKs, unmodified, against the simulators: a real
 * worker runs the activity with the complaint workflow's retry options. Per rail: delivered only
 * on a receipt, a send whose answer was lost is not sent twice, a message without a receipt
 * (or with a failure receipt) fails over to the app channel with the rail's reason.
 */
import type { SmsRailName } from '../../../activities/rails/sms/port';
import { messagingStack, RECEIPT_WINDOW_MS, uniquePhone, type MessagingStack } from './support';
import type { ChannelResult } from './workflows';

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

const template = (caseRef: string) => ({ id: 'acknowledgement', language: 'zh' as const, params: { caseRef, deadline: '2026-12-02 17:00' } });
const outbox = async (rail: string, outId: string) =>
  ((await (await fetch(`${stack.sims.sim.url}/_admin/outbox?rail=${rail}`)).json()) as { messages: Array<{ outId: string; text: string; status: string; phone: string }> }).messages.filter((m) => m.outId === outId);

async function send(rail: SmsRailName, phone: string, caseRef: string, over: Record<string, unknown> = {}) {
  return stack.run<ChannelResult[]>({ sms: rail }, 'sendOverChannels', [{ outIdPrefix: `${caseRef}:ack`, phone, text: `您的投诉（编号 ${caseRef}）已受理。`, template: template(caseRef), ...over }, ['sms', 'app']]);
}

describe.each(['aliyun', 'tencent'] as const)('%s SMS', (rail) => {
  test('a message counts as delivered on its success receipt, with the approved template rendered under the sign', async () => {
    const phone = uniquePhone();
    const [sms] = await send(rail, phone, `${rail.toUpperCase()}-OK1`);
    expect(sms!.outcome).toMatchObject({ status: 'delivered', sent: true, rail, channel: 'sms', reason: null });
    expect(sms!.outcome!.receiptAt).not.toBeNull();
    const sent = await outbox(rail, `${rail.toUpperCase()}-OK1:ack:sms`);
    expect(sent.map((m) => m.text)).toEqual([`【差旅服务】您的投诉（编号${rail.toUpperCase()}-OK1）已受理，我们将在2026-12-02 17:00（北京时间）前给您处理结果。`]);
  });

  test('a send whose answer was lost is settled by the look-up and not sent twice', async () => {
    const phone = uniquePhone();
    const outId = `${rail.toUpperCase()}-LOST:ack:sms`;
    // The rail executes the send and holds its answer past the SDK's 5 s timeout.
    await stack.sims.admin.setFault({ service: 'sms', mode: 'timeout_after_execute', latencyMs: 8_000, count: 1, match: outId });
    const [sms] = await send(rail, phone, `${rail.toUpperCase()}-LOST`);
    expect((await stack.sims.admin.faults()).sms.mode).toBe('none'); // the fault fired: the answer really was lost
    expect(sms!.outcome).toMatchObject({ status: 'delivered', rail });
    expect(await outbox(rail, outId)).toHaveLength(1);
  }, 60_000);

  test('a rail slower than the heartbeat timeout does not end the attempt: the activity heartbeats while the call hangs', async () => {
    const phone = uniquePhone();
    const caseRef = `${rail.toUpperCase()}-SLOW`;
    // Every call for this number (look-up, send, receipt look-ups) answers after 3 s, under the SDK's 5 s timeout.
    await stack.sims.admin.setFault({ service: 'sms', mode: 'latency', latencyMs: 3_000, match: phone.slice(3) });
    const result = await stack.run<ChannelResult>({ sms: rail }, 'sendInOneAttempt', [{ outId: `${caseRef}:ack:sms`, phone, channel: 'sms', text: `您的投诉（编号 ${caseRef}）已受理。`, template: template(caseRef) }]);
    expect((await stack.sims.admin.faults()).sms.fired).toBeGreaterThanOrEqual(2);
    expect(result.failure).toBeNull();
    expect(result.outcome).toMatchObject({ status: 'delivered', rail, channel: 'sms' });
    expect(await outbox(rail, `${caseRef}:ack:sms`)).toHaveLength(1);
  }, 60_000);

  test('a message without a receipt within the window is a failure with the reason, and the app channel takes over', async () => {
    const phone = uniquePhone();
    const caseRef = `${rail.toUpperCase()}-SILENT`;
    await stack.sims.admin.setFault({ service: 'sms', mode: 'no_receipt', match: phone });
    const started = Date.now();
    const results = await send(rail, phone, caseRef);
    expect(results.map((r) => `${r.channel}:${r.outcome?.status ?? 'failed'}`)).toEqual(['sms:failed', 'app:delivered']);
    const failure = results[0]!.failure!;
    expect(failure.type).toBe('NoReceipt'); // silence, not a refusal: the case goes on looking for a late receipt
    expect(failure.details[0]).toMatchObject({ status: 'failed', sent: true, rail, channel: 'sms' });
    expect((failure.details[0] as { reason: string }).reason).toMatch(new RegExp(`no delivery receipt within ${RECEIPT_WINDOW_MS} ms`));
    // Not retried on the rail: a resend could reach the customer twice.
    expect(await outbox(rail, `${caseRef}:ack:sms`)).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 60_000);

  test("a failure receipt fails over with the rail's own reason", async () => {
    const phone = uniquePhone();
    await stack.sims.admin.setFault({ service: 'sms', mode: 'fail_channel', channel: 'sms', match: phone });
    const results = await send(rail, phone, `${rail.toUpperCase()}-FAIL`);
    expect(results.map((r) => `${r.channel}:${r.outcome?.status ?? 'failed'}`)).toEqual(['sms:failed', 'app:delivered']);
    expect((results[0]!.failure!.details[0] as { reason: string }).reason).toMatch(rail === 'aliyun' ? /MK:0001/ : /FAIL: /);
  }, 30_000);

  test('a parameter over the rail limit, or free text without a template, is refused before anything is sent', async () => {
    const phone = uniquePhone();
    const long = await send(rail, phone, `${rail.toUpperCase()}-LONG`, { template: { ...template('X'), params: { caseRef: '案'.repeat(25), deadline: '2026-12-02 17:00' } } });
    expect((long[0]!.failure!.details[0] as { reason: string; sent: boolean }).reason).toMatch(/refused before sending: parameter caseRef has 25 characters, the template allows 24/);
    const free = await send(rail, phone, `${rail.toUpperCase()}-FREE`, { template: undefined });
    expect((free[0]!.failure!.details[0] as { reason: string }).reason).toMatch(/sends approved templates only/);
    expect(long[1]!.outcome!.status).toBe('delivered');
    expect([...(await outbox(rail, `${rail.toUpperCase()}-LONG:ack:sms`)), ...(await outbox(rail, `${rail.toUpperCase()}-FREE:ack:sms`))]).toHaveLength(0);
  }, 30_000);
});

test('the rails verify their signatures: a wrong secret is refused by the rail, never sent', async () => {
  const { AliyunSmsRail } = await import('../../../activities/rails/sms/aliyun');
  const { TencentSmsRail } = await import('../../../activities/rails/sms/tencent');
  const { templateCatalogReader } = await import('../../../activities/rails/sms/templates-file');
  const catalog = templateCatalogReader(stack.env.SMS_TEMPLATES_FILE);
  const host = new URL(stack.sims.sim.url).host;
  const msg = { outId: 'SIG:ack:sms', phone: uniquePhone(), channel: 'sms' as const, text: '', template: template('SIG') };
  await expect(new AliyunSmsRail({ accessKeyId: stack.env.ALIYUN_ACCESS_KEY_ID, accessKeySecret: 'wrong', endpoint: host, protocol: 'http', timeoutMs: 3_000, catalog }).send(msg)).rejects.toThrow(/SignatureDoesNotMatch/);
  await expect(
    new TencentSmsRail({ secretId: stack.env.TENCENT_SECRET_ID, secretKey: 'wrong', region: 'ap-guangzhou', endpoint: `${host}/tencent-sms`, protocol: 'http://', smsSdkAppId: stack.env.TENCENT_SMS_SDK_APP_ID, timeoutMs: 3_000, catalog }).send(msg),
  ).rejects.toThrow(/AuthFailure.SignatureFailure/);
  expect(await outbox('aliyun', 'SIG:ack:sms')).toHaveLength(0);
  expect(await outbox('tencent', 'SIG:ack:sms')).toHaveLength(0);
});

test("Tencent's PullSmsSendStatus hands each status report out once; the by-number pull keeps them for look-ups", async () => {
  const { sms } = await import('tencentcloud-sdk-nodejs-sms');
  const host = new URL(stack.sims.sim.url).host;
  const client = new sms.v20210111.Client({
    credential: { secretId: stack.env.TENCENT_SECRET_ID, secretKey: stack.env.TENCENT_SECRET_KEY },
    region: 'ap-guangzhou',
    profile: { httpProfile: { endpoint: `${host}/tencent-sms`, protocol: 'http://' } },
  });
  const phone = uniquePhone();
  const SmsSdkAppId = stack.env.TENCENT_SMS_SDK_APP_ID;
  const sent = await client.SendSms({ PhoneNumberSet: [phone], SmsSdkAppId, SignName: '差旅服务', TemplateId: '2210001', TemplateParamSet: ['PULL-1', '2026-12-02 17:00'], SessionContext: 'PULL-1:ack:sms' });
  expect(sent.SendStatusSet?.[0]).toMatchObject({ Code: 'Ok', SessionContext: 'PULL-1:ack:sms' });
  await new Promise((r) => setTimeout(r, 400));
  const mine = (set: Array<{ SessionContext?: string }> | undefined) => (set ?? []).filter((s) => s.SessionContext === 'PULL-1:ack:sms');
  expect(mine((await client.PullSmsSendStatus({ Limit: 100, SmsSdkAppId })).PullSmsSendStatusSet)).toEqual([expect.objectContaining({ ReportStatus: 'SUCCESS', PhoneNumber: phone })]);
  expect(mine((await client.PullSmsSendStatus({ Limit: 100, SmsSdkAppId })).PullSmsSendStatusSet)).toEqual([]);
  const byPhone = await client.PullSmsSendStatusByPhoneNumber({ PhoneNumber: phone, BeginTime: Math.floor(Date.now() / 1000) - 60, Offset: 0, Limit: 10, SmsSdkAppId });
  expect(mine(byPhone.PullSmsSendStatusSet)).toHaveLength(1);
  // A template id the account never had approved is the rail's refusal, not a send.
  await expect(client.SendSms({ PhoneNumberSet: [phone], SmsSdkAppId, SignName: '差旅服务', TemplateId: '999', TemplateParamSet: [], SessionContext: 'x' })).rejects.toMatchObject({ code: 'FailedOperation.TemplateIncorrectOrUnapproved' });
});
