/**
 * The content modules' pure parts under node: every level reason the case machine records is
 * worded in Chinese, the texts of messages-content.js exist in both languages with no English in
 * the Chinese, and a refusal without a known code is said in Chinese without the server's English.
 */
import { AGENT, investigating } from '../domain/case/driver';

let lang = 'zh';
(globalThis as Record<string, unknown>).localStorage = { getItem: () => lang, setItem: () => undefined };

const { levelReason } = require('../../console/js/case-track.js') as { levelReason(reason: string): string };
const { CONTENT_MESSAGES } = require('../../console/js/messages-content.js') as { CONTENT_MESSAGES: { zh: Record<string, string>; en: Record<string, string> } };
const { refusalText } = require('../../console/js/act-forms.js') as { refusalText(err: { status: number; message: string; body?: unknown }): string };

const englishIn = (text: string) => text.replace(/\bL\d\b|\bOA\b|\bApp\b|\{\w+\}/g, '').match(/[A-Za-z]{2,}/g) ?? [];

test('every reason the machine gives for entering a level reads in Chinese', () => {
  const d = investigating();
  d.act('propose-settlement', AGENT, { refundFen: 50_000, kind: 'goodwill', platformAtFault: false, reason: '额外补偿', forApproval: true });
  d.fire('warn:');
  d.fire('deadline:');
  d.fire('warn:');
  d.fire('deadline:');
  const reasons = d.state.levels.map((v) => v.reason);
  expect(reasons.length).toBeGreaterThanOrEqual(3);
  for (const r of reasons) expect([r, englishIn(levelReason(r))]).toEqual([r, []]);
  expect(levelReason('客户要求主管处理')).toBe('客户要求主管处理');
});

test('the content texts exist in zh and en, and the Chinese has no English words', () => {
  expect(Object.keys(CONTENT_MESSAGES.zh).sort()).toEqual(Object.keys(CONTENT_MESSAGES.en).sort());
  for (const [key, text] of Object.entries(CONTENT_MESSAGES.zh)) expect([key, englishIn(text)]).toEqual([key, []]);
});

test('a refusal the console has no words for is said in Chinese, never with the server English pasted in', () => {
  const text = refusalText({ status: 422, message: 'the refund exceeds what is left of the debits', body: { error: 'x', code: 'something_new' } });
  expect(text).toBe('服务器拒绝（422）：此操作不符合处理规则。');
  lang = 'en';
  expect(refusalText({ status: 422, message: 'the refund exceeds what is left of the debits', body: {} })).toContain('the refund exceeds');
  expect(refusalText({ status: 422, message: 'the engine reads the ledger', body: { code: 'asks_for_proof', params: {} } })).toContain('never asked for screenshots');
  lang = 'zh';
});

test('a list, case or form that fails to load says why in Chinese, by status, without the server English', () => {
  const { errorWords } = require('../../console/js/error-words.js') as { errorWords(err: { status?: number; message: string }): string };
  lang = 'zh';
  expect(errorWords({ status: 503, message: 'Temporal is unavailable: 14 UNAVAILABLE' })).toBe('服务暂时不可用，请稍后再试（503）。');
  expect(errorWords({ status: 418, message: 'I am a teapot' })).toBe('请求失败（418），请稍后再试。');
  expect(englishIn(errorWords({ message: 'Failed to fetch' }))).toEqual([]);
  lang = 'en';
  expect(errorWords({ status: 503, message: 'Temporal is unavailable' })).toBe('Temporal is unavailable');
  lang = 'zh';
});
