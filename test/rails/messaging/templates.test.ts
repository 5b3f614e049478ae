/**
 * Every customer message is an approved template: this proves, before any release, that each
 * one fits each rail with its parameters at their longest, and that a message which cannot fit
 * is refused here rather than by the rail at run time.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../../config/env';
import { parseTemplateCatalog } from '../../../activities/rails/sms/templates-file';
import { catalogProblems, charCount, longestParams, MESSAGE_PURPOSES, paramProblems, renderTemplate, templateAmount, templateTime, type TemplateCatalog } from '../../../domain/templates';

const file = path.join(PROJECT_ROOT, 'config', 'sms-templates.json');
const raw = JSON.parse(fs.readFileSync(file, 'utf8'));
const catalog: TemplateCatalog = parseTemplateCatalog(raw, file);
const rails = Object.keys(catalog.rails);
const copy = (): TemplateCatalog => structuredClone(catalog);

test('the catalog ops maintain has no template that could fail on a rail', () => {
  expect(catalogProblems(catalog)).toEqual([]);
  expect(rails.sort()).toEqual(['aliyun', 'tencent']);
});

const cases = MESSAGE_PURPOSES.flatMap((purpose) => (['zh', 'en'] as const).flatMap((language) => rails.map((rail) => [purpose, language, rail] as const)));

test.each(cases)('%s (%s) on %s fits with every parameter at its longest', (purpose, language, rail) => {
  const spec = catalog.templates[purpose]!;
  const params = longestParams(spec, language);
  const rendered = renderTemplate(catalog, { id: purpose, language, params }, rail);
  expect(rendered).toMatchObject({ ok: true });
  if (!rendered.ok) return;
  expect(charCount(rendered.text)).toBeLessThanOrEqual(catalog.rails[rail]!.messageMaxChars);
  for (const [name, p] of Object.entries(spec.params)) expect(p.maxChars).toBeLessThanOrEqual(catalog.rails[rail]!.paramMaxChars);
  expect(rendered.text.startsWith(`【${catalog.rails[rail]!.signName}】`)).toBe(true);
  expect(spec.codes[rail]?.[language]).toMatch(/\S/);
});

test('the apology cannot be sent without what happened, what was done and when', () => {
  expect(Object.keys(catalog.templates.apology!.params)).toEqual(expect.arrayContaining(['happened', 'done', 'when']));
  const params = { caseRef: 'ORD1-A1B2', happened: '重复扣款', done: '全额退款2572.00元', reference: 'ORD1-A1B2:refund', when: '2026-12-01 10:00' };
  expect(renderTemplate(catalog, { id: 'apology', language: 'zh', params }, 'aliyun')).toEqual({
    ok: true,
    text: '【差旅服务】很抱歉：重复扣款。我们已全额退款2572.00元（ORD1-A1B2:refund），时间2026-12-01 10:00（北京时间）。投诉编号ORD1-A1B2。',
  });
  for (const part of ['happened', 'done', 'when']) {
    const { [part]: _dropped, ...rest } = params as Record<string, string>;
    expect(paramProblems(catalog, { id: 'apology', language: 'en', params: rest })).toEqual([`parameter ${part} is missing`]);
  }
});

test('a parameter over its limit is refused by the renderer, naming the limit that was broken', () => {
  const over = { caseRef: 'C1', deadline: '2'.repeat(21) };
  expect(renderTemplate(catalog, { id: 'acknowledgement', language: 'en', params: over }, 'aliyun')).toEqual({
    ok: false,
    problems: ['parameter deadline has 21 characters, the template allows 20'],
  });
  expect(paramProblems(catalog, { id: 'acknowledgement', language: 'zh', params: { caseRef: 'C1', deadline: 'x', extra: 'y' } })).toEqual(['parameter extra is not in template "acknowledgement"']);
});

test.each([
  ['a parameter allowed longer than a rail takes', (c: TemplateCatalog) => (c.templates.apology!.params.happened!.maxChars = 30), /apology\/zh on tencent: parameter happened has 30 characters, tencent allows 26/],
  ['a message that outgrows the rail', (c: TemplateCatalog) => (c.rails.aliyun!.messageMaxChars = 60), /on aliyun: the message has \d+ characters, aliyun allows 60/],
  ['a language that uses a parameter the template does not declare', (c: TemplateCatalog) => (c.templates.escalation!.text.en += ' ${extra}'), /escalation\/en: text uses/],
  ['a parameter used twice', (c: TemplateCatalog) => (c.templates.acknowledgement!.text.zh += '${caseRef}'), /acknowledgement\/zh: a parameter appears twice/],
  ['a rail without an approved code', (c: TemplateCatalog) => delete (c.templates.charge_notice!.codes as Record<string, unknown>).tencent, /charge_notice\/zh on tencent: template "charge_notice" has no tencent code for zh/],
  ['a purpose without a template', (c: TemplateCatalog) => delete (c.templates as Record<string, unknown>).request_info, /no template for request_info/],
])('a catalog with %s is refused whole', (_what, change, problem) => {
  const broken = copy();
  change(broken);
  expect(catalogProblems(broken).join('\n')).toMatch(problem);
  expect(() => parseTemplateCatalog(broken, 'edited catalog')).toThrow(problem);
});

test.each([
  [new Date('2026-12-02T09:00:00Z'), '2026-12-02 17:00'],
  [new Date('2026-12-31T16:30:00Z'), '2027-01-01 00:30'],
])('a time in a template is Beijing time, %s -> %s, within every time parameter', (d, shown) => {
  expect(templateTime(d)).toBe(shown);
  expect(charCount(templateTime(d))).toBeLessThanOrEqual(catalog.templates.acknowledgement!.params.deadline!.maxChars);
});

test.each([
  [257_200, '2572.00'],
  [5, '0.05'],
  [99_999_999_999, '999999999.99'],
])('an amount in a template, %i fen -> %s, fits the amount parameter', (fen, shown) => {
  expect(templateAmount(fen)).toBe(shown);
  expect(charCount(templateAmount(fen))).toBeLessThanOrEqual(catalog.templates.charge_notice!.params.amount!.maxChars);
});
