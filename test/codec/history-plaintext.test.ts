/**
 * What ops (or anyone with access to the Temporal database) can read without the key: the raw
 * history must carry no phone number, no name and no provider failure text.
 */
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { api, complaintBody, eventually, harness, KEYS, simulator, uniqueOrderId } from '../harness/client';

const phone = '+8613912345678';
const name = '欧阳娜娜';

async function rawHistory(workflowId: string): Promise<string> {
  const connection = await Connection.connect({ address: harness.temporalAddress });
  try {
    const res = await connection.workflowService.getWorkflowExecutionHistory({ namespace: harness.namespace, execution: { workflowId } });
    // The history's bytes as the server holds them, searchable as one string.
    return Buffer.from(temporal.api.history.v1.History.encode(res.history!).finish()).toString('latin1');
  } finally {
    await connection.close();
  }
}

test('inputs, update arguments, results and failure messages are encrypted in the stored history', async () => {
  const orderId = uniqueOrderId('P');
  await simulator('POST', '/_admin/orders', { orderId, orderAmountFen: 9_000, debits: [{ amountFen: 9_000, at: new Date(Date.now() - 3_600_000).toISOString() }] });
  const res = await api('POST', '/complaints', { body: complaintBody(orderId, { customer: { name, phone, language: 'zh' } }) });
  expect(res.status).toBe(201);
  const id = res.body.complaintId;
  await eventually(async () => ((await api('GET', `/complaints/${id}`)).body.status === 'investigating' ? true : undefined));
  // The rail refuses the refund for good, and its failure is recorded in history.
  await simulator('POST', '/_admin/faults', { service: 'payment', mode: 'refuse_writes', match: orderId });
  let state;
  try {
    expect((await api('POST', `/complaints/${id}/actions/propose-settlement`, { key: KEYS.agent, body: { refundFen: 100, platformAtFault: true, reason: '致歉补偿' } })).status).toBe(200);
    state = await eventually(async () => {
      const s = (await api('GET', `/complaints/${id}`)).body;
      return s.flags.needsOps ? s : undefined;
    }, 20_000, 'the refund failure to be recorded');
  } finally {
    await simulator('POST', '/_admin/faults', { service: 'payment', mode: 'none' });
  }
  expect(state.opsReason).toMatch(/refused/);

  const raw = await rawHistory(id);
  const has = (needle: string) => raw.includes(Buffer.from(needle, 'utf8').toString('latin1'));
  expect(has('binary/encrypted')).toBe(true);
  expect(has(phone)).toBe(false);
  expect(has(phone.slice(3))).toBe(false);
  expect(has(name)).toBe(false);
  expect(has('致歉补偿')).toBe(false);
  expect(has('/payment/refunds')).toBe(false);
  expect(has('Encoded failure')).toBe(true);
  // The API, holding the key, still reads everything.
  expect(JSON.stringify(state)).toContain('致歉补偿');
});
