/**
 * The texts customers receive. Every promise names a concrete time, never "three working days",
 * and the apology says what happened, what was done and when.
 */
import { formatDeadline } from './calendar';
import { LEVEL_NAMES, formatFen } from './escalation';
import type { Language, Level, Outcome } from './types';

type Bilingual = Record<Language, string>;

function pick(lang: Language, text: Bilingual): string {
  return text[lang];
}

export function acknowledgementText(lang: Language, caseRef: string, respondBy: Date, provisional: boolean): string {
  const note = provisional ? { zh: '（节假日安排未公布，时间可能提前）', en: ' (holiday schedule not yet published; it may come earlier)' } : { zh: '', en: '' };
  return pick(lang, {
    zh: `您的投诉（编号 ${caseRef}）已受理。我们将在 ${formatDeadline(respondBy, 'zh')} 前给您处理结果${note.zh}。`,
    en: `Your complaint ${caseRef} is registered. You will have our resolution by ${formatDeadline(respondBy, 'en')}${note.en}.`,
  });
}

export function escalationText(lang: Language, caseRef: string, level: Level, respondBy: Date, breached: boolean): string {
  const why = breached
    ? { zh: '未能在承诺时间内处理完毕，我们为此致歉，', en: 'We missed the time we promised, and we are sorry. ' }
    : { zh: '', en: '' };
  return pick(lang, {
    zh: `您的投诉（编号 ${caseRef}）${why.zh}已升级至${LEVEL_NAMES[level].zh}处理，新的处理时限为 ${formatDeadline(respondBy, 'zh')}。`,
    en: `${why.en}Your complaint ${caseRef} is now with a ${LEVEL_NAMES[level].en}; the new deadline is ${formatDeadline(respondBy, 'en')}.`,
  });
}

export function requestInfoText(lang: Language, caseRef: string, question: string, replyBy: Date): string {
  return pick(lang, {
    zh: `关于您的投诉（编号 ${caseRef}）：${question} 请在 ${formatDeadline(replyBy, 'zh')} 前回复；回复前处理时限暂停计时。`,
    en: `About your complaint ${caseRef}: ${question} Please reply by ${formatDeadline(replyBy, 'en')}; our deadline is paused until you reply.`,
  });
}

export function chargeNoticeText(lang: Language, caseRef: string, amountFen: number, chargeAt: Date): string {
  return pick(lang, {
    zh: `关于您的投诉（编号 ${caseRef}）：争议处理期间订单暂停扣款，但支付机构的最长冻结期将到，${formatDeadline(chargeAt, 'zh')} 将扣款 ${formatFen(amountFen)}，处理结果出来后多扣部分将全额退回。`,
    en: `About your complaint ${caseRef}: charging was held during the dispute, but the provider's maximum hold ends, so ${formatFen(amountFen)} will be charged at ${formatDeadline(chargeAt, 'en')}; anything owed is refunded in full at resolution.`,
  });
}

export interface ApologyFacts {
  caseRef: string;
  outcome: Outcome;
  whatHappened: Bilingual;
  refundFen: number;
  feeFen: number;
  feeExplanation?: Bilingual;
  refundReference?: string;
  chargedFen?: number;
  /** When the refund reaches the customer, as the rail says. */
  arrival?: { channel: string; expectedBy?: string };
  decidedAt: Date;
  /** An agent's reason is shown as written; the engine's own reasons come in both languages. */
  reason: string | Bilingual;
}

const OUTCOME_DONE: Record<Outcome, Bilingual> = {
  refunded: { zh: '已全额退款', en: 'we refunded you in full' },
  partly_refunded: { zh: '已部分退款', en: 'we refunded you in part' },
  resolved: { zh: '问题已处理完毕', en: 'the problem has been resolved' },
  rejected: { zh: '经核实，本次投诉不予支持', en: 'after checking the records we could not uphold the complaint' },
  withdrawn: { zh: '投诉已按您的要求撤回', en: 'the complaint was withdrawn as you asked' },
};

/** Sentences are joined with our own punctuation, so a reason that ends with its own does not double it. */
function clause(text: string): string {
  return text.trim().replace(/[。．.！!；;，,\s]+$/u, '');
}

/** The mandatory closing message. It is the same text on every channel, so retries say one thing. */
export function apologyText(lang: Language, f: ApologyFacts): string {
  const when = formatDeadline(f.decidedAt, lang);
  const reason = clause(typeof f.reason === 'string' ? f.reason : f.reason[lang]);
  const paid = f.refundFen - f.feeFen;
  const money: Bilingual =
    paid > 0
      ? {
          zh: `${f.refundReference ? '退款' : '减免扣款'} ${formatFen(paid)}${f.feeFen > 0 ? `（扣除手续费 ${formatFen(f.feeFen)}）` : ''}${f.refundReference ? `，退款单号 ${f.refundReference}` : ''}`,
          en: `${f.refundReference ? 'a refund of' : 'a reduced charge, lower by'} ${formatFen(paid)}${f.feeFen > 0 ? ` (after a fee of ${formatFen(f.feeFen)})` : ''}${f.refundReference ? `, refund reference ${f.refundReference}` : ''}`,
        }
      : { zh: '', en: '' };
  const ARRIVAL: Record<string, Bilingual> = {
    balance: { zh: '退回余额', en: 'to the balance' },
    bank_card: { zh: '退回银行卡', en: 'to the bank card' },
    credit_card: { zh: '退回信用卡', en: 'to the credit card' },
  };
  const via = f.arrival ? ARRIVAL[f.arrival.channel] ?? { zh: '原路退回', en: 'the way it was paid' } : undefined;
  const arrives: Bilingual =
    paid > 0 && f.refundReference && via
      ? {
          zh: `，${via.zh}${f.arrival!.expectedBy ? `，预计 ${formatDeadline(new Date(f.arrival!.expectedBy), 'zh')} 前到账` : ''}`,
          en: `, ${via.en}${f.arrival!.expectedBy ? `, arriving by ${formatDeadline(new Date(f.arrival!.expectedBy), 'en')}` : ''}`,
        }
      : { zh: '', en: '' };
  const charged: Bilingual =
    f.chargedFen !== undefined ? { zh: `；订单实际扣款 ${formatFen(f.chargedFen)}`, en: `; the order is charged ${formatFen(f.chargedFen)}` } : { zh: '', en: '' };
  // The fee rule is named only when a fee was taken.
  const fee = f.feeFen > 0 && f.feeExplanation ? { zh: `（${clause(f.feeExplanation.zh)}）`, en: ` (${clause(f.feeExplanation.en)})` } : { zh: '', en: '' };
  const happened = f.whatHappened[lang] ? { zh: `经过：${clause(f.whatHappened.zh)}。`, en: `What happened: ${clause(f.whatHappened.en)}. ` } : { zh: '', en: '' };
  return pick(lang, {
    zh: `非常抱歉给您带来不便。投诉编号 ${f.caseRef}。${happened.zh}处理：${OUTCOME_DONE[f.outcome].zh}${money.zh ? `，${money.zh}` : ''}${arrives.zh}${fee.zh}${charged.zh}。说明：${reason}。处理时间：${when}。`,
    en: `We are sorry for the trouble. Complaint ${f.caseRef}. ${happened.en}What we did: ${OUTCOME_DONE[f.outcome].en}${money.en ? `, ${money.en}` : ''}${arrives.en}${fee.en}${charged.en}. Note: ${reason}. Decided at ${when}.`,
  });
}

/** The customer is told the charge is disputed when it could not be held before its due time. */
export function chargeDisputedText(lang: Language, caseRef: string, amountFen: number): string {
  return pick(lang, {
    zh: `关于您的投诉（编号 ${caseRef}）：订单的自动扣款 ${formatFen(amountFen)} 暂未能冻结，如已扣款，该笔款项属于争议款项，处理结果出来后多扣部分将全额退回。`,
    en: `About your complaint ${caseRef}: we could not hold the automatic charge of ${formatFen(amountFen)} in time; if it is taken, it stays disputed and anything owed is refunded in full at resolution.`,
  });
}

/** Why the customer was not asked for anything: the engine's records settled it. */
export const AUTOMATIC_SETTLEMENT_REASON: Bilingual = {
  zh: '系统记录已证明平台责任，按规定自动处理，无需您提供任何证明',
  en: 'the records prove the platform was at fault, so this was settled automatically without asking you for proof',
};

/** The reason the apology gives: the engine's own for automatic settlements, else the decider's words. */
export function apologyReason(decision: { kind: 'settle'; settlement: { automatic: boolean; reason: string } } | { kind: string; reason: string }): string | Bilingual {
  if ('settlement' in decision) return decision.settlement.automatic ? AUTOMATIC_SETTLEMENT_REASON : decision.settlement.reason;
  return decision.reason;
}
