import { SA } from '../../workflows/definitions';
import { api, complaintBody, eventually, KEYS, simulator, temporalClient, uniqueOrderId } from '../harness/client';

describe('POST /complaints and GET /complaints/:id (real Temporal server, worker and simulators)', () => {
  test('starts a workflow, acknowledges the customer by SMS with a concrete deadline, and answers from a query', async () => {
    const orderId = uniqueOrderId();
    const created = await api('POST', '/complaints', { body: complaintBody(orderId) });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ complaintId: `complaint-${orderId}`, created: true, level: 1 });
    expect(created.body.nextDeadline).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?\+08:00$/);

    const state = await eventually(async () => {
      const res = await api('GET', `/complaints/complaint-${orderId}`);
      return res.body.status === 'investigating' ? res.body : undefined;
    });
    expect(state).toMatchObject({ orderId, level: 1, owner: 'queue:agents', tier: 'individual' });

    const outbox = await simulator<{ messages: Array<{ outId: string; text: string; phone: string }> }>('GET', '/sms/outbox');
    const ack = outbox.messages.filter((m) => m.outId.startsWith(`${state.caseRef}:ack`));
    expect(ack).toHaveLength(1);
    expect(ack[0]!.phone).toBe('+8613800138000');
    // The promise is a timestamp, never "three working days".
    expect(ack[0]!.text).toMatch(/\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}/);
    expect(ack[0]!.text).not.toMatch(/工作日/);
  });

  test('a second complaint on the same order returns the open one instead of starting another', async () => {
    const orderId = uniqueOrderId();
    const [a, b] = await Promise.all([
      api('POST', '/complaints', { body: complaintBody(orderId) }),
      api('POST', '/complaints', { body: complaintBody(orderId, { description: 'again' }) }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect(a.body.complaintId).toBe(b.body.complaintId);
    expect(a.body.caseRef).toBe(b.body.caseRef);

    const { client, close } = await temporalClient();
    try {
      const runs = await eventually(async () => {
        const found = [];
        for await (const wf of client.workflow.list({ query: `OrderId = '${orderId}'` })) found.push(wf);
        return found.length > 0 ? found : undefined;
      });
      expect(runs).toHaveLength(1);
      expect(runs[0]!.typedSearchAttributes.get(SA.orderId)).toBe(orderId);
    } finally {
      await close();
    }
  });

  test('bad input is a 400 with the zod issues and starts nothing', async () => {
    const orderId = uniqueOrderId();
    const res = await api('POST', '/complaints', { body: complaintBody(orderId, { tier: 'gold', customer: { name: '', phone: 'abc' } }) });
    expect(res.status).toBe(400);
    const paths = res.body.issues.map((i: { path: string[] }) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['tier', 'customer.name', 'customer.phone']));

    const malformed = await api('POST', '/complaints', { raw: '{"orderId": ' });
    expect(malformed.status).toBe(400);

    const detail = await api('GET', `/complaints/complaint-${orderId}`);
    expect(detail.status).toBe(404);
  });

  test('an unknown complaint is a 404, a missing key 401, ops cannot open complaints', async () => {
    expect((await api('GET', '/complaints/complaint-NOPE0000')).status).toBe(404);
    expect((await api('GET', '/complaints/complaint-NOPE0000', { key: null })).status).toBe(401);
    const res = await api('POST', '/complaints', { key: KEYS.ops, body: complaintBody(uniqueOrderId()) });
    expect(res.status).toBe(403);
  });
});
