/** The preview is the machine's own message for the action, on a copy: the real case is untouched. */
import { previewAction, REFUND_REFERENCE_PLACEHOLDER } from '../../../domain/case/preview';
import { apologyTemplate } from '../../../domain/case/sms-templates';
import { AGENT, OPS, input, investigating, START, storyALedger } from './driver';

const now = START.toISOString();

test('asking the customer: the preview is the request the machine sends, reply time included, and the case is unchanged', () => {
  const d = investigating();
  const before = JSON.stringify(d.state);
  const p = previewAction(d.state, { action: 'request-info', actor: AGENT, args: { question: '请问您是用哪张银行卡付款的？' }, now });
  expect(p.ok).toBe(true);
  if (!p.ok) return;
  expect(p.status).toBe('awaiting_customer');
  expect(p.message?.purpose).toBe('request_info');
  expect(p.message?.text).toContain('请问您是用哪张银行卡付款的？');
  expect(p.message?.text).toMatch(/请在 .+ 前回复/);
  expect(JSON.stringify(d.state)).toBe(before);
  // Taking the action sends exactly the previewed text.
  d.act('request-info', AGENT, { question: '请问您是用哪张银行卡付款的？' });
  expect(d.sends('request_info').map((s) => s.text)).toEqual([p.message!.text]);
});

test('asking for a screenshot is refused by code, in the preview as in the action', () => {
  const d = investigating();
  const p = previewAction(d.state, { action: 'request-info', actor: AGENT, args: { question: '请提供支付失败的截图' }, now });
  expect(p).toMatchObject({ ok: false, refusal: { kind: 'input', code: 'asks_for_proof' } });
  expect(d.act('request-info', AGENT, { question: '请提供支付失败的截图' })).toMatchObject({ ok: false, refusal: { code: 'asks_for_proof' } });
});

test('a settlement within authority previews the apology: what happened and what was done come from the records, the agent writes only the note', () => {
  const orderId = 'ORDA';
  const d = investigating(input({ orderId }), storyALedger(orderId));
  // Story A settles by itself; the preview is of a rejection's apology on a fresh case instead.
  const fresh = investigating();
  const p = previewAction(fresh.state, { action: 'reject', actor: AGENT, args: { reason: '我们逐笔核对了支付记录，未发现重复扣款' }, now });
  expect(p.ok && p.message?.purpose).toBe('apology');
  if (!p.ok) return;
  expect(p.message!.text).toContain('经核实，本次投诉不予支持');
  expect(p.message!.text).toContain('说明：我们逐笔核对了支付记录，未发现重复扣款。');
  expect(p.message!.text).not.toContain('。。');
  expect(p.message!.template?.id).toBe('apology');
  expect(d.state.findings.map((f) => f.kind).sort()).toEqual(['charged_after_reported_failure', 'duplicate_debit']);
});

test('a refund previews its apology with the refund number marked, never the internal idempotency key', () => {
  const d = investigating();
  const p = previewAction(d.state, { action: 'propose-settlement', actor: AGENT, args: { refundFen: 5_000, kind: 'compensation', platformAtFault: true, reason: '航班延误给您带来不便' }, now });
  expect(p.ok).toBe(true);
  if (!p.ok) return;
  expect(p.message?.purpose).toBe('apology');
  expect(p.message!.text).toContain(REFUND_REFERENCE_PLACEHOLDER);
  expect(p.message!.text).not.toMatch(/ORD1-COMP/);
  expect(p.message!.template?.params.reference).toBe(REFUND_REFERENCE_PLACEHOLDER);
  // The template's required parts are the engine's: the same whatever the agent writes.
  const other = previewAction(d.state, { action: 'propose-settlement', actor: AGENT, args: { refundFen: 5_000, kind: 'compensation', platformAtFault: true, reason: '另一段说明' }, now });
  expect(other.ok && other.message!.template).toEqual(p.message!.template);
  expect(Object.keys(apologyTemplate('zh', { caseRef: 'X', outcome: 'refunded', findings: [], reliefFen: 1, at: START }).params).sort()).toEqual(['caseRef', 'done', 'happened', 'reference', 'when']);
});

test('a proposal above my authority promises no money yet: what the customer hears is the escalation', () => {
  const d = investigating();
  const p = previewAction(d.state, { action: 'propose-settlement', actor: AGENT, args: { refundFen: 50_000, kind: 'goodwill', platformAtFault: false, reason: '额外补偿', forApproval: true }, now });
  expect(p).toMatchObject({ ok: true, message: { purpose: 'escalation' } });
  if (p.ok) expect(p.message!.text).not.toContain('退款');
});

test('ops cannot preview a decision they cannot take', () => {
  const p = previewAction(investigating().state, { action: 'resolve', actor: OPS, args: { reason: 'x' }, now });
  expect(p.ok).toBe(false);
});
