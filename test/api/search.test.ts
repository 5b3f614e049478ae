/** One search box finds a case by what the caller has in hand: the SMS's case reference, part of the order number, the customer id, the phone. */
import { api, complaintBody, eventually, KEYS, temporalClient, uniqueOrderId } from '../harness/client';

function uniquePhone(): string {
  return `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
}

async function search(q: string, key: string = KEYS.agent) {
  const res = await api('GET', `/complaints?q=${encodeURIComponent(q)}`, { key });
  expect(res.status).toBe(200);
  return res.body as { items: Array<{ complaintId: string; caseRef: string; urgency: string }>; query: string };
}

/** Visibility is eventually consistent: poll until the search finds the case. */
function found(q: string, caseRef: string) {
  return eventually(async () => {
    const page = await search(q);
    return page.items.some((i) => i.caseRef === caseRef) ? page : undefined;
  }, 20_000, `search "${q}" finding ${caseRef}`);
}

describe('GET /complaints?q=', () => {
  const orderId = uniqueOrderId('SRCH');
  const customerId = uniqueOrderId('CUSQ');
  const phone = uniquePhone();
  let caseRef = '';

  beforeAll(async () => {
    const res = await api('POST', '/complaints', { body: complaintBody(orderId, { customerId, customer: { name: '王五', phone: `+86${phone}`, language: 'zh' } }) });
    expect(res.status).toBe(201);
    caseRef = res.body.caseRef;
  });

  test('finds the case by its case reference, exactly, in whatever case the customer reads it back', async () => {
    const page = await found(caseRef, caseRef);
    expect(page.items.map((i) => i.caseRef)).toEqual([caseRef]);
    const lower = await found(`${orderId}-${caseRef.slice(-8).toLowerCase()}`, caseRef);
    expect(lower.items.map((i) => i.caseRef)).toEqual([caseRef]);
    expect(page.items[0]!.urgency).toBe('normal');
  });

  test('finds the case by the beginning of its order number, and only cases whose order starts so', async () => {
    const prefix = orderId.slice(0, -2);
    const page = await found(prefix, caseRef);
    expect(page.query).toContain(`OrderId STARTS_WITH '${prefix}'`);
    const orders = await Promise.all(page.items.map(async (i) => (await api('GET', `/complaints/${i.caseRef}`)).body.orderId as string));
    for (const o of orders) expect(o.startsWith(prefix)).toBe(true);
    // Typed in lower case, as order numbers often are read out.
    await found(prefix.toLowerCase(), caseRef);
  });

  test('an order number of digits only is found by its beginning too', async () => {
    const digits = `${Date.now()}${Math.floor(Math.random() * 1e4)}`;
    const opened = await api('POST', '/complaints', { body: complaintBody(digits, { customerId }) });
    expect(opened.status).toBe(201);
    await found(digits.slice(0, 12), opened.body.caseRef);
  });

  test('finds the case by the customer id', async () => {
    const page = await found(customerId, caseRef);
    expect(page.items.map((i) => i.caseRef)).toContain(caseRef);
    expect(page.query).toContain(`CustomerId = '${customerId}'`);
  });

  test('finds the case by the phone however it is typed, through a keyed hash: the number is never in visibility', async () => {
    for (const typed of [`+86${phone}`, phone, `${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}`, `0086-${phone}`]) {
      const page = await found(typed, caseRef);
      expect(page.items.map((i) => i.caseRef)).toEqual([caseRef]);
      expect(page.query).toMatch(/PhoneHash = '[0-9a-f]{64}'/);
      expect(page.query).not.toContain(phone);
    }
    expect((await search(uniquePhone())).items).toEqual([]);

    const { client, close } = await temporalClient();
    try {
      const described = await client.workflow.getHandle(`complaint-${orderId}`).describe();
      const attributes = described.searchAttributes as Record<string, unknown[]>;
      expect(attributes.PhoneHash).toEqual([expect.stringMatching(/^[0-9a-f]{64}$/)]);
      expect(JSON.stringify(attributes)).not.toContain(phone.slice(3));
    } finally {
      await close();
    }
  });

  test('a search narrows the other filters, and works for every role', async () => {
    await found(customerId, caseRef);
    expect((await api('GET', `/complaints?q=${customerId}&status=closed`)).body.items).toEqual([]);
    expect((await api('GET', `/complaints?q=${customerId}&orderId=${orderId}`)).body.items.map((i: { caseRef: string }) => i.caseRef)).toEqual([caseRef]);
    for (const key of [KEYS.expert, KEYS.supervisor, KEYS.ops]) expect((await search(caseRef, key)).items.map((i) => i.caseRef)).toEqual([caseRef]);
  });

  test.each([
    ['markup', '<script>'],
    ['a quote', "ORD' OR 1=1"],
    ['one character', 'A'],
    ['too long', 'A'.repeat(65)],
  ])('%s is a 400 with the zod issue, never a 500', async (_what, q) => {
    const res = await api('GET', `/complaints?q=${encodeURIComponent(q)}`);
    expect(res.status).toBe(400);
    expect(res.body.issues[0].path).toEqual(['q']);
  });

  test('text that is no id and no phone is a 400 that says what can be searched', async () => {
    const res = await api('GET', `/complaints?q=${encodeURIComponent('( )')}`);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/case reference, an order id, a customer id or a phone number/);
  });
});
