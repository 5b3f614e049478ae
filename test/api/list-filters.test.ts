import { api, complaintBody, eventually, KEYS, uniqueOrderId } from '../harness/client';

interface Summary {
  complaintId: string;
  status?: string;
  level?: number;
  breached?: boolean;
  nextDeadline?: string;
}

async function list(query: string, key: string = KEYS.ops): Promise<{ items: Summary[]; nextPageToken?: string; query: string }> {
  const res = await api('GET', `/complaints?${query}`, { key });
  expect(res.status).toBe(200);
  return res.body;
}

/** Visibility is eventually consistent: poll until the listing agrees. */
function listedUntil(query: string, ok: (items: Summary[]) => boolean, what: string) {
  return eventually(async () => {
    const page = await list(query);
    return ok(page.items) ? page : undefined;
  }, 30_000, what);
}

describe('GET /complaints filters (Temporal visibility)', () => {
  test('by order, customer, status and level; an escalation moves a case between level filters', async () => {
    const customerId = uniqueOrderId('CUS');
    const [a, b] = [uniqueOrderId('LST'), uniqueOrderId('LST')];
    const idA = (await api('POST', '/complaints', { body: complaintBody(a, { customerId }) })).body.complaintId;
    const idB = (await api('POST', '/complaints', { body: complaintBody(b, { customerId }) })).body.complaintId;

    const byOrder = await listedUntil(`orderId=${a}`, (items) => items.length === 1, 'the order filter');
    expect(byOrder.items[0]).toMatchObject({ complaintId: idA, level: 1 });
    expect(byOrder.query).toContain(`OrderId = '${a}'`);

    await listedUntil(`customerId=${customerId}&status=investigating`, (items) => items.length === 2, 'both cases investigating');

    const escalated = await api('POST', `/complaints/${idB}/actions/escalate`, { body: { reason: 'needs an expert' } });
    expect(escalated.status).toBe(200);
    const level2 = await listedUntil(`customerId=${customerId}&level=2`, (items) => items.length === 1, 'the escalated case at level 2');
    expect(level2.items[0]).toMatchObject({ complaintId: idB, level: 2, owner: 'queue:experts' });
    const level1 = await list(`customerId=${customerId}&level=1`);
    expect(level1.items.map((i) => i.complaintId)).toEqual([idA]);

    const deadlineBefore = encodeURIComponent(new Date(Date.now() + 24 * 3_600_000).toISOString());
    const soon = await list(`customerId=${customerId}&deadlineBefore=${deadlineBefore}`);
    expect(soon.items).toHaveLength(2);

    const page1 = await list(`customerId=${customerId}&pageSize=1`);
    expect(page1.items).toHaveLength(1);
    expect(page1.nextPageToken).toEqual(expect.any(String));
    const page2 = await list(`customerId=${customerId}&pageSize=1&pageToken=${page1.nextPageToken}`);
    expect(page2.items).toHaveLength(1);
    expect(page2.items[0]!.complaintId).not.toBe(page1.items[0]!.complaintId);
    expect((await api('GET', `/complaints?pageToken=bm90LWEtdG9rZW4`)).status).toBe(400);
  });

  test('a premium case that misses its 6-second deadline is listed as breached, one level up', async () => {
    const customerId = uniqueOrderId('PRM');
    const orderId = uniqueOrderId('BRE');
    const id = (await api('POST', '/complaints', { body: complaintBody(orderId, { customerId, tier: 'premium' }) })).body.complaintId;
    expect((await list(`customerId=${customerId}&breached=true`)).items).toEqual([]);

    const breached = await listedUntil(`customerId=${customerId}&breached=true`, (items) => items.length === 1, 'the breached premium case');
    expect(breached.items[0]).toMatchObject({ complaintId: id, breached: true });
    expect(breached.items[0]!.level).toBeGreaterThanOrEqual(2);
    expect((await list(`customerId=${customerId}&breached=false`)).items).toEqual([]);

    const history = (await api('GET', `/${'complaints'}/${id}/history`)).body.entries as Array<{ kind: string }>;
    expect(history.map((e) => e.kind)).toEqual(expect.arrayContaining(['warning_reached', 'deadline_reached', 'breached']));
  });
});
