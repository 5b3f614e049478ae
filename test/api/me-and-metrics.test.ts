import { api, complaintBody, harness, KEYS, uniqueOrderId } from '../harness/client';

async function scrape(): Promise<string> {
  const res = await fetch(`${harness.apiUrl}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  return res.text();
}

function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text.split('\n').find((l) => (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) && want.every((w) => l.includes(w)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('GET /me', () => {
  test.each([
    ['agent', KEYS.agent, 'agent-li', 1],
    ['expert', KEYS.expert, 'expert-wang', 2],
    ['supervisor', KEYS.supervisor, 'supervisor-zhao', 3],
    ['ops', KEYS.ops, 'ops-chen', null],
  ])('%s: who the key belongs to, its level and where the Temporal UI is', async (role, key, id, level) => {
    const res = await api('GET', '/me', { key });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id, role, name: expect.any(String), level, temporalUiUrl: expect.stringMatching(/^http/), namespace: harness.namespace });
  });

  test('no key or an unknown key is a 401', async () => {
    expect((await api('GET', '/me', { key: null })).status).toBe(401);
    expect((await api('GET', '/me', { key: 'not-a-real-key' })).status).toBe(401);
  });
});

describe('GET /metrics (Prometheus, no auth)', () => {
  test('counts requests by route template, intakes by channel, actions by result, and case gauges from visibility', async () => {
    const orderId = uniqueOrderId('MET');
    const created = await api('POST', '/complaints', { body: complaintBody(orderId) });
    await api('POST', '/complaints', { body: complaintBody(orderId) });
    const id = created.body.complaintId;
    await api('GET', `/complaints/${id}`);
    // Refused by the workflow: an agent cannot settle 10,000 yuan.
    await api('POST', `/complaints/${id}/actions/propose-settlement`, { body: { refundFen: 1_000_000, platformAtFault: false, reason: 'too much' } });
    await api('POST', `/complaints/${id}/actions/note`, { body: { text: 'called the customer' } });

    const text = await scrape();
    expect(text).toMatch(/complaints_api_http_request_duration_seconds_bucket\{.*route="\/complaints\/:id".*\}/);
    expect(text).not.toContain(`route="/complaints/${id}"`);
    expect(sample(text, 'complaints_api_http_request_duration_seconds_count', { method: 'POST', route: '/complaints', status: '201' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'complaints_api_intakes_total', { channel: 'console', result: 'created' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'complaints_api_intakes_total', { channel: 'console', result: 'joined' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'complaints_api_agent_actions_total', { action: 'propose-settlement', result: 'refused' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'complaints_api_agent_actions_total', { action: 'note', result: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'complaints_visibility_up')).toBe(1);
    for (const condition of ['breached', 'overdue', 'due_within_1h']) expect(sample(text, 'complaints_sla_cases', { condition })).toEqual(expect.any(Number));
    expect(sample(text, 'complaints_open_cases', { status: 'investigating' })).toEqual(expect.any(Number));
    expect(sample(text, 'complaints_closed_cases')).toEqual(expect.any(Number));
  });

  test('health and metrics need no key', async () => {
    expect((await api('GET', '/healthz', { key: null })).body).toEqual({ ok: true });
    expect((await fetch(`${harness.apiUrl}/metrics`)).status).toBe(200);
  });
});
