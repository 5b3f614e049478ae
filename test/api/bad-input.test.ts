import { api, complaintBody, eventually, harness, KEYS, uniqueOrderId } from '../harness/client';
import { ACTIONS } from './support/actions';

async function raw(method: string, path: string, body: string | undefined, contentType?: string) {
  const headers: Record<string, string> = { authorization: `Bearer ${KEYS.agent}` };
  if (contentType) headers['content-type'] = contentType;
  const res = await fetch(`${harness.apiUrl}${path}`, { method, headers, body });
  const text = await res.text();
  return { status: res.status, body: text.startsWith('{') ? JSON.parse(text) : text };
}

describe('client mistakes are 4xx with a reason and change nothing', () => {
  let id: string;
  const orderId = uniqueOrderId('BADIN');

  beforeAll(async () => {
    id = (await api('POST', '/complaints', { body: complaintBody(orderId) })).body.complaintId;
    await eventually(async () => ((await api('GET', `/complaints/${id}`)).body.status === 'investigating' ? true : undefined));
  });

  afterAll(async () => {
    // None of the requests below touched the case.
    const state = (await api('GET', `/complaints/${id}`)).body;
    expect(state).toMatchObject({ level: 1, status: 'investigating', notes: [] });
    expect(state.events.filter((e: { actor: string }) => e.actor === 'agent-li').map((e: { kind: string }) => e.kind)).toEqual(['received']);
  });

  test('bodies that are not JSON objects: wrong content type 415, arrays and scalars 400, malformed 400, huge 413', async () => {
    const good = JSON.stringify(complaintBody(uniqueOrderId('BADIN')));
    expect((await raw('POST', '/complaints', good, 'text/plain')).status).toBe(415);
    expect((await raw('POST', '/complaints', 'orderId=1', 'application/x-www-form-urlencoded')).status).toBe(415);
    expect((await raw('POST', '/complaints', good, 'application/json; charset=latin1')).status).toBe(415);
    for (const body of ['[]', '[{"orderId":"X"}]', '5', 'null', '"text"', 'true', '{"orderId": ', '{}']) {
      const res = await raw('POST', '/complaints', body, 'application/json');
      expect([body, res.status]).toEqual([body, 400]);
      expect(res.body.error).toEqual(expect.any(String));
    }
    expect((await raw('POST', '/complaints', undefined)).status).toBe(400);
    const huge = JSON.stringify(complaintBody(uniqueOrderId('BADIN'), { description: 'x'.repeat(100_000) }));
    const tooLarge = await raw('POST', '/complaints', huge, 'application/json');
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error).toBe('request body too large');
    for (const body of ['[]', '5', '"x"', '{"text":"t","actor":{"id":"ops-chen","role":"supervisor"}}']) {
      expect([body, (await raw('POST', `/complaints/${id}/actions/note`, body, 'application/json')).status]).toEqual([body, 400]);
    }
  });

  test('bad ids and malformed paths are 400s; unknown actions and routes 404', async () => {
    for (const path of ['/complaints/ORDER1', '/complaints/complaint-', '/complaints/complaint-a%20b', '/complaints/complaint-%E0%A4%A', `/complaints/complaint-${'A'.repeat(41)}/history`, '/complaints/x/voucher']) {
      expect([path, (await api('GET', path)).status]).toEqual([path, 400]);
    }
    expect((await api('POST', `/complaints/${id}/actions/refund-everything`, { body: {} })).status).toBe(404);
    expect((await api('POST', `/complaints/${id}/actions/__proto__`, { body: {} })).status).toBe(404);
    expect((await api('POST', `/complaints/${id}/actions/constructor`, { body: {} })).status).toBe(404);
    expect((await api('POST', '/complaints/NOPE/actions/note', { body: { text: 't' } })).status).toBe(400);
    expect((await api('GET', '/nothing-here')).status).toBe(404);
  });

  test('action bodies are strict: extra fields, wrong types and out-of-range amounts are 400s', async () => {
    const cases: Array<[string, unknown]> = [
      ['propose-settlement', { ...ACTIONS['propose-settlement'], refundFen: -1 }],
      ['propose-settlement', { ...ACTIONS['propose-settlement'], refundFen: 1.5 }],
      ['propose-settlement', { ...ACTIONS['propose-settlement'], refundFen: '100' }],
      ['propose-settlement', { ...ACTIONS['propose-settlement'], approvedBy: 'supervisor-zhao' }],
      ['approve-settlement', { actor: { id: 'supervisor-zhao', role: 'supervisor' } }],
      ['escalate', {}],
      ['note', { text: 'x'.repeat(1001) }],
    ];
    for (const [action, body] of cases) {
      const res = await api('POST', `/complaints/${id}/actions/${action}`, { body });
      expect([action, body, res.status]).toEqual([action, body, 400]);
      expect(res.body.issues.length).toBeGreaterThan(0);
    }
  });

  test('query strings: repeated, unknown or out-of-range parameters are 400s', async () => {
    for (const query of [
      'status=investigating&status=closed',
      'level=1&level=2',
      'breached=true&breached=false',
      'pageSize=1&pageSize=2',
      'status[]=closed',
      'status=open',
      'level=4',
      'level=',
      'pageSize=1000',
      'deadlineBefore=tomorrow',
      'orderId=%27%20OR%201%3D1',
      'sort=desc',
    ]) {
      const res = await api('GET', `/complaints?${query}`);
      expect([query, res.status]).toEqual([query, 400]);
    }
  });
});
