/**
 * The parameters of each customer message's approved SMS template (config/sms-templates.json),
 * built from the same facts as its free text. Rails that send templates only (Aliyun, Tencent)
 * send these; a parameter over its limit is refused before sending and the app channel carries
 * the full text instead.
 */
import { LEVEL_NAMES } from '../escalation';
import type { Finding } from '../evidence';
import { templateAmount, templateTime, type TemplateRef } from '../templates';
import type { Language, Level, Outcome } from '../types';

const cut = (text: string, max: number) => (Array.from(text).length <= max ? text : `${Array.from(text).slice(0, max - 1).join('')}…`);

export function acknowledgementTemplate(language: Language, caseRef: string, deadline: Date): TemplateRef {
  return { id: 'acknowledgement', language, params: { caseRef, deadline: templateTime(deadline) } };
}

export function escalationTemplate(language: Language, caseRef: string, level: Level, deadline: Date): TemplateRef {
  return { id: 'escalation', language, params: { caseRef, level: LEVEL_NAMES[level][language], deadline: templateTime(deadline) } };
}

export function requestInfoTemplate(language: Language, caseRef: string, replyBy: Date): TemplateRef {
  return { id: 'request_info', language, params: { caseRef, replyBy: templateTime(replyBy) } };
}

export function chargeNoticeTemplate(language: Language, orderId: string, amountFen: number, chargeAt: Date): TemplateRef {
  return { id: 'charge_notice', language, params: { orderId, amount: templateAmount(amountFen), chargeAt: templateTime(chargeAt) } };
}

const HAPPENED: Record<string, Record<Language, string>> = {
  duplicate_debit: { zh: '同一订单被重复扣款', en: 'you were charged twice' },
  charged_after_reported_failure: { zh: '支付显示失败后仍被扣款', en: 'charged after a failed payment' },
  detour: { zh: '行程绕路多收车费', en: 'a detour raised the fare' },
};

const DONE: Record<Outcome, Record<Language, (amount: string) => string>> = {
  refunded: { zh: (a) => `全额退款${a}元`, en: (a) => `refunded CNY ${a}` },
  partly_refunded: { zh: (a) => `退还或减免${a}元`, en: (a) => `returned CNY ${a}` },
  resolved: { zh: () => '处理完毕', en: () => 'resolved it' },
  rejected: { zh: () => '核实，投诉不成立', en: () => 'checked the records' },
  withdrawn: { zh: () => '按您的要求撤回', en: () => 'withdrawn it as asked' },
};

export function apologyTemplate(language: Language, f: { caseRef: string; outcome: Outcome; findings: Finding[]; reliefFen: number; reference?: string; at: Date }): TemplateRef {
  const kinds = f.findings.map((x) => HAPPENED[x.kind]?.[language]).filter((x): x is string => !!x);
  const happened = kinds.length ? kinds.join(language === 'zh' ? '，' : ', ') : language === 'zh' ? '您反映的问题给您带来了不便' : 'the trouble you reported';
  return {
    id: 'apology',
    language,
    params: {
      caseRef: f.caseRef,
      happened: cut(happened, 26),
      done: cut(DONE[f.outcome][language](templateAmount(f.reliefFen)), 26),
      reference: cut(f.reference ?? f.caseRef, 26),
      when: templateTime(f.at),
    },
  };
}
