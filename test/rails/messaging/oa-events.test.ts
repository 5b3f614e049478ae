/**
 * Approval decisions reach the running case: the rail (the harness's simulator) pushes its own
 * signed, encrypted event to the API, which verifies it, reads the order from the instance on
 * the rail and signals the case. Forged or malformed events change nothing.
 */
import { sealDingTalk } from '../../../activities/rails/oa/dingtalk-callback-crypto';
import { feishuEncrypt, feishuSignature } from '../../../activities/rails/oa/feishu-event-crypto';
import { readEnv } from '../../../config/env';
import { api, harness, openComplaint, simulator, uniqueOrderId, untilState } from '../../harness/client';

const env = readEnv();

beforeAll(async () => {
  await simulator('POST', '/_admin/oa/event-urls', { dingtalk: `${harness.apiUrl}/oa-events/dingtalk`, feishu: `${harness.apiUrl}/oa-events/feishu` });
});

async function runningEnterpriseCase() {
  const orderId = uniqueOrderId('EV');
  const seeded = await simulator('POST', '/_admin/orders', { orderId, orderAmountFen: 8_800, enterpriseId: 'ENT-9', oaInstance: { approver: 'manager-qian' } });
  const c = await openComplaint({ tier: 'enterprise' }, orderId);
  await untilState(c.id, (s) => s.status === 'investigating', 'investigating');
  return { ...c, instanceId: seeded.oaInstance.instanceId as string };
}

const oaEvents = (s: { events: Array<{ kind: string; text: string }> }) => s.events.filter((e) => e.kind === 'oa_status').map((e) => e.text);

test('a Feishu approval rejection reaches the running case as its oaStatusChanged signal', async () => {
  const c = await runningEnterpriseCase();
  const pushed = await simulator('POST', `/_admin/oa/instances/${c.instanceId}/status`, { status: 'REJECTED', rail: 'feishu' });
  expect(pushed.event).toMatchObject({ rail: 'feishu', delivered: true, status: 200 });
  const s = await untilState(c.id, (x) => oaEvents(x).length > 0, 'the approval event on the case', 15_000);
  expect(oaEvents(s)).toEqual([`approval ${c.instanceId} is REJECTED`]);
  expect(s.status).toBe('investigating');
});

test('a DingTalk approval reaches the running case, and DingTalk takes the sealed "success" as delivered', async () => {
  const c = await runningEnterpriseCase();
  const pushed = await simulator('POST', `/_admin/oa/instances/${c.instanceId}/status`, { status: 'APPROVED', rail: 'dingtalk' });
  expect(pushed.event).toMatchObject({ rail: 'dingtalk', delivered: true, status: 200 });
  const s = await untilState(c.id, (x) => oaEvents(x).length > 0, 'the approval event on the case', 15_000);
  expect(oaEvents(s)).toEqual([`approval ${c.instanceId} is APPROVED`]);
});

test('forged, stale or malformed events are refused with a 4xx and signal nothing', async () => {
  const c = await runningEnterpriseCase();
  const feishuEvent = JSON.stringify({ type: 'event_callback', token: env.FEISHU_VERIFICATION_TOKEN, event: { type: 'approval_instance', instance_code: c.instanceId, status: 'APPROVED' } });
  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${harness.apiUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', connection: 'close', ...headers }, body });
  const now = String(Math.floor(Date.now() / 1000));

  const feishuBody = JSON.stringify({ encrypt: feishuEncrypt(env.FEISHU_ENCRYPT_KEY, feishuEvent) });
  const wrongKey = await post('/oa-events/feishu', feishuBody, { 'x-lark-request-timestamp': now, 'x-lark-request-nonce': 'n1', 'x-lark-signature': feishuSignature(now, 'n1', 'not-the-key', feishuBody) });
  expect(wrongKey.status).toBe(401);
  const stale = String(Number(now) - 3600);
  expect((await post('/oa-events/feishu', feishuBody, { 'x-lark-request-timestamp': stale, 'x-lark-request-nonce': 'n2', 'x-lark-signature': feishuSignature(stale, 'n2', env.FEISHU_ENCRYPT_KEY, feishuBody) })).status).toBe(401);
  const forgedToken = JSON.stringify({ encrypt: feishuEncrypt(env.FEISHU_ENCRYPT_KEY, feishuEvent.replace(env.FEISHU_VERIFICATION_TOKEN, 'forged-token')) });
  expect((await post('/oa-events/feishu', forgedToken, { 'x-lark-request-timestamp': now, 'x-lark-request-nonce': 'n3', 'x-lark-signature': feishuSignature(now, 'n3', env.FEISHU_ENCRYPT_KEY, forgedToken) })).status).toBe(401);

  const sealed = sealDingTalk({ token: env.DINGTALK_EVENT_TOKEN, aesKey: env.DINGTALK_EVENT_AES_KEY, ownerKey: env.DINGTALK_CORP_ID }, JSON.stringify({ EventType: 'bpms_instance_change', processInstanceId: c.instanceId, type: 'finish', result: 'agree' }));
  const tampered = await post(`/oa-events/dingtalk?signature=${'0'.repeat(40)}&timestamp=${sealed.timeStamp}&nonce=${sealed.nonce}`, JSON.stringify({ encrypt: sealed.encrypt }));
  expect(tampered.status).toBe(401);
  const malformed = await post('/oa-events/dingtalk?signature=nope', JSON.stringify({ encrypt: sealed.encrypt }));
  expect(malformed.status).toBe(400);
  expect(((await malformed.json()) as { issues?: unknown[] }).issues?.length).toBeGreaterThan(0);

  await new Promise((r) => setTimeout(r, 1_000));
  expect(oaEvents((await api('GET', `/complaints/${c.id}`)).body)).toEqual([]);
});
