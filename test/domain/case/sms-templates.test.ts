/** The machine's template parameters fit the approved templates of both SMS rails, in both languages. */
import fs from 'node:fs';
import path from 'node:path';
import { acknowledgementTemplate, apologyTemplate, chargeNoticeTemplate, escalationTemplate, requestInfoTemplate } from '../../../domain/case/sms-templates';
import { ledgerFindings } from '../../../domain/evidence';
import { paramProblems, renderTemplate, type TemplateCatalog } from '../../../domain/templates';

const catalog: TemplateCatalog = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'config', 'sms-templates.json'), 'utf8'));
const at = new Date('2026-11-10T10:00:00+08:00');
const caseRef = 'ORD2026111000-3F9A1C2B';
const findings = ledgerFindings({
  orderId: 'ORD1',
  amountFen: 128_600,
  entries: [
    { id: 'a', kind: 'attempt', amountFen: 128_600, at: '2026-11-09T01:00:00Z', status: 'failed', shownToCustomer: '支付失败' },
    { id: 'd1', kind: 'debit', amountFen: 128_600, at: '2026-11-09T01:10:00Z', status: 'succeeded', providerRef: 'P1' },
    { id: 'd2', kind: 'debit', amountFen: 128_600, at: '2026-11-09T01:11:00Z', status: 'succeeded', providerRef: 'P2' },
  ],
});

describe.each(['zh', 'en'] as const)('%s', (lang) => {
  const refs = [
    acknowledgementTemplate(lang, caseRef, at),
    escalationTemplate(lang, caseRef, 2, at),
    requestInfoTemplate(lang, caseRef, at),
    chargeNoticeTemplate(lang, 'ORD2026111000', 12_394, at),
    apologyTemplate(lang, { caseRef, outcome: 'refunded', findings, reliefFen: 257_200, reference: 'RF00000012, RF00000013', at }),
    apologyTemplate(lang, { caseRef, outcome: 'rejected', findings: [], reliefFen: 0, at }),
  ];
  test.each(refs.map((r) => [r.id, r] as const))('%s fits on aliyun and tencent', (_id, ref) => {
    for (const rail of ['aliyun', 'tencent']) {
      expect([rail, paramProblems(catalog, ref, rail)]).toEqual([rail, []]);
      const rendered = renderTemplate(catalog, ref, rail);
      expect(rendered.ok).toBe(true);
    }
  });
});
