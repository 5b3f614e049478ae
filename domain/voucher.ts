/**
 * The written explanation and payment voucher of an enterprise case (story B: the employee must
 * show his manager what was charged, what was refunded and why). JSON for systems, HTML to print.
 */
import type { CaseRecord as ComplaintState } from './case/state';
import { formatDeadline } from './calendar';
import { formatFen } from './escalation';
import { moneyReading, type MoneyReading } from './money-summary';

export interface Voucher {
  voucherNo: string;
  complaintId: string;
  caseRef: string;
  orderId: string;
  customerId: string;
  issuedAt: string;
  outcome: string;
  explanation: string[];
  charge: { heldFen?: number; capturedFen?: number; status?: string };
  refunds: Array<{ reference: string; amountFen: number; at: string }>;
  settlement?: { refundFen: number; feeFen: number; feeRule: string; approvedBy: string; automatic: boolean; at: string };
  timeline: Array<{ at: string; what: string }>;
}

/** When the outcome was final: the same instant for every copy of the voucher. */
export function voucherIssuedAt(state: ComplaintState): string {
  if (state.outcomeAt) return state.outcomeAt;
  // Cases decided before `outcomeAt` was kept: when the customer was told.
  const apology = [...state.notifications].reverse().find((n) => n.purpose === 'apology' && n.status === 'delivered');
  return apology?.at ?? state.closedAt ?? state.receivedAt;
}

type Lang = 'zh' | 'en';
const say = (lang: Lang, zh: string, en: string) => (lang === 'zh' ? zh : en);

const OUTCOME: Record<string, { zh: string; en: string }> = {
  refunded: { zh: '已全额退款', en: 'refunded in full' },
  partly_refunded: { zh: '已部分退款', en: 'partly refunded' },
  resolved: { zh: '已处理', en: 'resolved' },
  rejected: { zh: '投诉不成立', en: 'not upheld' },
  withdrawn: { zh: '已撤回', en: 'withdrawn' },
};

/** What money moved, named for what it is: a refund of a transaction, or a charge taken at less. */
function moneyLines(state: ComplaintState, lang: Lang): string[] {
  const lines: string[] = [];
  const hold = state.hold;
  if (hold?.status === 'captured' && hold.capturedFen !== undefined) {
    lines.push(
      hold.capturedFen < hold.amountFen
        ? say(lang, `减免扣款：冻结 ${formatFen(hold.amountFen)}，实际扣款 ${formatFen(hold.capturedFen)}（少扣 ${formatFen(hold.amountFen - hold.capturedFen)}）`, `Reduced capture: ${formatFen(hold.amountFen)} held, ${formatFen(hold.capturedFen)} charged (${formatFen(hold.amountFen - hold.capturedFen)} less)`)
        : say(lang, `扣款：${formatFen(hold.capturedFen)}`, `Charged: ${formatFen(hold.capturedFen)}`),
    );
  } else if (hold?.status === 'released') {
    lines.push(say(lang, `冻结的 ${formatFen(hold.amountFen)} 已解除，未扣款`, `The held ${formatFen(hold.amountFen)} was released: nothing was charged`));
  }
  for (const r of state.refunds.filter((x) => x.status !== 'failed')) {
    const by = r.arrival?.expectedBy ? formatDeadline(new Date(r.arrival.expectedBy), lang) : undefined;
    const arrives = by ? say(lang, `，预计 ${by} 前到账`, `, arriving by ${by}`) : '';
    lines.push(say(lang, `退款 ${formatFen(r.amountFen)}（原交易 ${r.transactionRef ?? '-'}，退款单号 ${r.refundId}${arrives}）`, `Refund of ${formatFen(r.amountFen)} (transaction ${r.transactionRef ?? '-'}, refund reference ${r.refundId}${arrives})`));
  }
  const st = state.settlement;
  if (st && st.feeFen > 0) lines.push(say(lang, `手续费 ${formatFen(st.feeFen)}（${st.feeRule}）`, `Fee ${formatFen(st.feeFen)} (${st.feeRule})`));
  return lines;
}

const TIMELINE_KINDS: Record<string, { zh: string; en: string }> = {
  received: { zh: '收到投诉', en: 'Complaint received' },
  charge_held: { zh: '暂停订单的自动扣款', en: 'Automatic charge of the order held' },
  evidence: { zh: '核查支付记录与行程轨迹', en: 'Payment ledger and trip trace checked' },
  decided_settle: { zh: '作出退款决定', en: 'Settlement decided' },
  decided_resolve: { zh: '作出处理决定', en: 'Resolution decided' },
  decided_reject: { zh: '作出不予支持的决定', en: 'Complaint not upheld' },
  charge_captured: { zh: '按更正后的金额扣款', en: 'Charge taken at the corrected amount' },
  charge_released: { zh: '解除冻结，未扣款', en: 'Hold released, nothing charged' },
  refunded: { zh: '退款完成', en: 'Refund completed' },
  closed: { zh: '结案', en: 'Case closed' },
};

/** The enterprise reads it in its own language (Chinese unless the order says English), times in Beijing time. */
export function buildVoucher(state: ComplaintState, issuedAt = voucherIssuedAt(state), lang: Lang = state.oaLanguage ?? 'zh'): Voucher {
  return {
    voucherNo: `V-${state.caseRef}`,
    complaintId: state.complaintId,
    caseRef: state.caseRef,
    orderId: state.orderId,
    customerId: state.customerId,
    issuedAt,
    outcome: state.outcome ?? state.status,
    explanation: [
      ...state.findings.map((f) => f.summary[lang]),
      ...moneyLines(state, lang),
      ...(state.settlement ? [state.settlement.automatic ? say(lang, '系统记录已证明平台责任，按规定自动处理', 'The records prove the platform at fault: settled automatically') : state.settlement.reason] : []),
      ...(state.resolutionSummary ? [state.resolutionSummary] : []),
    ],
    charge: { heldFen: state.hold?.amountFen, capturedFen: state.hold?.capturedFen, status: state.hold?.status },
    refunds: state.refunds.filter((r) => r.status !== 'failed').map((r) => ({ reference: r.refundId, amountFen: r.amountFen, at: r.at })),
    settlement: state.settlement && {
      refundFen: state.settlement.refundFen,
      feeFen: state.settlement.feeFen,
      feeRule: state.settlement.feeRule,
      approvedBy: state.settlement.approvedBy.id,
      automatic: state.settlement.automatic,
      at: state.settlement.at,
    },
    timeline: state.events
      .filter((e) => e.kind in TIMELINE_KINDS)
      .map((e) => ({ at: formatDeadline(new Date(e.at), lang), what: TIMELINE_KINDS[e.kind]![lang] })),
  };
}

const READING_WORDS: Partial<Record<MoneyReading, { zh: string; en: string }>> = {
  reduced_charge: { zh: '已按更正金额扣款', en: 'charged at the corrected amount' },
  charge_released: { zh: '已取消扣款', en: 'charge cancelled' },
  refunded_and_reduced: { zh: '已退款并减免扣款', en: 'refunded and charged less' },
};

/** The voucher's money as the case summary reads it; a capture without its amount is no reduction. */
function voucherReading(v: Pick<Voucher, 'charge' | 'refunds'>): MoneyReading {
  const c = v.charge;
  const reducedFen = c.status === 'captured' && c.capturedFen !== undefined && c.heldFen !== undefined ? c.heldFen - c.capturedFen : 0;
  return moneyReading(
    v.refunds.reduce((s, r) => s + r.amountFen, 0),
    c.status ? { status: c.status, reducedFen } : undefined,
  );
}

/**
 * The outcome as the money moved: relief given as a charge taken at less (or not taken at all) is
 * not a refund, and an enterprise's finance team reconciles the voucher against the refunds it
 * lists. The voucher page words it the same (pinned by test/e2e/console-records-logic.test.ts).
 */
export function voucherOutcome(v: Pick<Voucher, 'outcome' | 'charge' | 'refunds'>): { zh: string; en: string } {
  const reading = voucherReading(v);
  const relief = v.outcome === 'partly_refunded' || v.outcome === 'refunded';
  if (relief && (reading === 'reduced_charge' || reading === 'charge_released')) return READING_WORDS[reading]!;
  if (v.outcome === 'partly_refunded' && reading === 'refunded_and_reduced') return READING_WORDS[reading]!;
  return OUTCOME[v.outcome] ?? { zh: v.outcome, en: v.outcome };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function voucherHtml(v: Voucher): string {
  const row = (label: string, value: string) => `<tr><th>${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`;
  const money = (fen: number | undefined) => (fen === undefined ? '-' : formatFen(fen));
  const outcome = voucherOutcome(v);
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(v.voucherNo)}</title>
<style>body{font-family:sans-serif;max-width:760px;margin:2em auto}th{text-align:left;padding-right:1em}td,th{border-bottom:1px solid #ddd;padding:4px}</style></head>
<body><h1>付款凭证及书面说明 / Payment voucher and written explanation</h1>
<table>
${row('Voucher 凭证号', v.voucherNo)}
${row('Complaint 投诉编号', v.caseRef)}
${row('Order 订单号', v.orderId)}
${row('Issued 开具时间', formatDeadline(new Date(v.issuedAt), 'zh'))}
${row('Outcome 结果', `${outcome.zh} / ${outcome.en}`)}
${row('Charge held 冻结金额', money(v.charge.heldFen))}
${row('Charged 实际扣款', money(v.charge.capturedFen))}
${v.refunds.map((r) => row(`Refund 退款 ${r.reference}`, `${money(r.amountFen)} · ${formatDeadline(new Date(r.at), 'zh')}`)).join('\n')}
${v.settlement ? row('Fee 手续费', `${money(v.settlement.feeFen)} (${v.settlement.feeRule})`) : ''}
</table>
<h2>说明 / Explanation</h2><ul>${v.explanation.map((e) => `<li>${escapeHtml(e)}</li>`).join('')}</ul>
<h2>经过 / Timeline</h2><ul>${v.timeline.map((t) => `<li>${escapeHtml(t.at)} ${escapeHtml(t.what)}</li>`).join('')}</ul>
</body></html>`;
}
