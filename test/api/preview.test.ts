/** POST /complaints/:id/preview: each action's args are that action's own schema (the contract says so), on a real case. */
import { api, KEYS, openComplaint, untilState } from '../harness/client';

let ref = '';

beforeAll(async () => {
  const c = await openComplaint();
  ref = c.caseRef;
  await untilState(ref, (s) => s.status === 'investigating', 'investigating');
});

test('an action that takes no fields previews with empty args, or none at all; a note needs its text', async () => {
  for (const body of [{ action: 'claim', args: {} }, { action: 'claim' }]) {
    const res = await api('POST', `/complaints/${ref}/preview`, { key: KEYS.agent, body });
    expect([200, 409]).toContain(res.status);
  }
  const note = await api('POST', `/complaints/${ref}/preview`, { key: KEYS.agent, body: { action: 'note', args: {} } });
  expect(note.status).toBe(400);
  expect(note.body.issues[0].path).toEqual(['args', 'text']);
});

test('asking the customer previews the message the rail would send; its required question is required', async () => {
  const ok = await api('POST', `/complaints/${ref}/preview`, { key: KEYS.agent, body: { action: 'request-info', args: { question: '请问您是用哪张银行卡付款的？' } } });
  expect(ok.status).toBe(200);
  expect(JSON.stringify(ok.body)).toContain('银行卡');
  const missing = await api('POST', `/complaints/${ref}/preview`, { key: KEYS.agent, body: { action: 'request-info', args: {} } });
  expect(missing.status).toBe(400);
  expect(missing.body.issues[0].path).toEqual(['args', 'question']);
  const unknown = await api('POST', `/complaints/${ref}/preview`, { key: KEYS.agent, body: { action: 'fly', args: {} } });
  expect(unknown.status).toBe(400);
});
