import fs from 'node:fs';
import path from 'node:path';
import { parseReplyCatalog } from '../../config/load-reply-templates';
import { asksForProof, fillReply, freeTextProblems, replyCatalogProblems, templatesFor, type ReplyCatalog } from '../../domain/reply-templates';
import { CATEGORIES } from '../../domain/types';

const FILE = path.join(__dirname, '..', '..', 'config', 'reply-templates.json');
const raw = () => JSON.parse(fs.readFileSync(FILE, 'utf8')) as ReplyCatalog;

test('the shipped catalog is valid: every category has a question and an apology note, in zh and en', () => {
  const catalog = parseReplyCatalog(raw());
  for (const category of CATEGORIES) {
    expect([category, templatesFor(catalog, category, 'request_info').length > 0]).toEqual([category, true]);
    expect([category, templatesFor(catalog, category, 'apology_reason').length > 0]).toEqual([category, true]);
  }
  // Every question says which records the engine already read.
  for (const t of catalog.templates.filter((x) => x.purpose === 'request_info')) expect([t.id, t.engineFetches?.length]).toEqual([t.id, expect.any(Number)]);
});

test('variables are filled from the case in both languages', () => {
  const catalog = parseReplyCatalog(raw());
  const t = templatesFor(catalog, 'ride_detour', 'request_info')[0]!;
  const vars = { caseRef: 'ORD9-0A1B2C3D', orderId: 'ORD9', category: 'ride_detour' };
  expect(fillReply(t, 'zh', vars)).toContain('订单 ORD9');
  expect(fillReply(t, 'en', vars)).toContain('order ORD9');
  expect(fillReply(t, 'zh', vars)).not.toContain('${');
});

test.each([
  ['a template asking for a screenshot', (c: ReplyCatalog) => (c.templates[0]!.text.zh = '请提供付款截图'), /asks the customer for proof/],
  ['an English one asking for a screenshot', (c: ReplyCatalog) => (c.templates[0]!.text.en = 'Please send a screenshot of ${orderId}'), /asks the customer for proof/],
  ['an unknown variable', (c: ReplyCatalog) => (c.templates[0]!.text.zh = '您好 ${customerName}'), /unknown variable customerName/],
  ['languages with different variables', (c: ReplyCatalog) => (c.templates[0]!.text.en = 'Hello'), /zh uses \{orderId\} but en uses \{\}/],
  ['a question that names no record', (c: ReplyCatalog) => (c.templates[0]!.engineFetches = []), /which records the engine already read/],
  ['a category left without a question', (c: ReplyCatalog) => (c.templates = c.templates.filter((t) => !t.categories?.includes('ride_detour') || t.purpose !== 'request_info')), /no request_info template for ride_detour/],
  ['the same id twice', (c: ReplyCatalog) => c.templates.push({ ...c.templates[0]! }), /used twice/],
])('the catalog is refused whole for %s', (_what, breakIt, problem) => {
  const catalog = raw();
  breakIt(catalog);
  expect(replyCatalogProblems(catalog).join('\n')).toMatch(problem);
  expect(() => parseReplyCatalog(catalog, 'reply-templates.json')).toThrow(problem);
});

test('a malformed file is refused with the path of the bad field', () => {
  const catalog = raw() as unknown as { templates: Array<Record<string, unknown>> };
  catalog.templates[0]!.purpose = 'marketing';
  expect(() => parseReplyCatalog(catalog, 'reply-templates.json')).toThrow(/templates\.0\.purpose/);
});

test.each([
  ['请提供截图', true],
  ['麻烦发一下截屏', true],
  ['Could you send a screenshot?', true],
  ['a screen shot of the payment page', true],
  ['请提供支付凭证', true],
  ['请问您是用哪张银行卡付款的？', false],
  ['Which card did you pay with?', false],
])('asking %j for proof: %s', (text, asks) => {
  expect(asksForProof(text)).toBe(asks);
});

test('what an agent writes is checked by code: empty, too long, asking for proof, a variable left unfilled', () => {
  const limits = { maxChars: 10 };
  expect(freeTextProblems(limits, '  ')).toEqual([{ code: 'empty' }]);
  expect(freeTextProblems(limits, '请问您的航班号')).toEqual([]);
  expect(freeTextProblems(limits, '一二三四五六七八九十一')).toEqual([{ code: 'too_long', chars: 11, maxChars: 10 }]);
  expect(freeTextProblems(limits, '请提供截图')).toEqual([{ code: 'asks_for_proof' }]);
  expect(freeTextProblems({ maxChars: 100 }, '订单 ${orderId} 的情况')).toEqual([{ code: 'unfilled_variable', name: 'orderId' }]);
});
