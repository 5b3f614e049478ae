/**
 * The written explanation and payment voucher of an enterprise case (story B: the employee must
 * show his manager what was charged, what was refunded and why). JSON for systems, HTML to print.
 */
import type { CaseRecord as ComplaintState } from './case/state';
import { formatFen } from './escalation';

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

/** When the customer was told the outcome: the same instant for every copy of the voucher. */
export function voucherIssuedAt(state: ComplaintState): string {
  const apology = [...state.notifications].reverse().find((n) => n.purpose === 'apology' && n.status === 'delivered');
  return apology?.at ?? state.closedAt ?? state.receivedAt;
}

export function buildVoucher(state: ComplaintState, issuedAt = voucherIssuedAt(state)): Voucher {
  return {
    voucherNo: `V-${state.caseRef}`,
    complaintId: state.complaintId,
    caseRef: state.caseRef,
    orderId: state.orderId,
    customerId: state.customerId,
    issuedAt,
    outcome: state.outcome ?? state.status,
    explanation: [
      ...state.findings.map((f) => f.summary.en),
      ...(state.settlement ? [state.settlement.reason] : []),
      ...(state.resolutionSummary ? [state.resolutionSummary] : []),
    ],
    charge: { heldFen: state.hold?.amountFen, capturedFen: state.hold?.capturedFen, status: state.hold?.status },
    refunds: state.refunds.map((r) => ({ reference: r.outRequestNo, amountFen: r.amountFen, at: r.at })),
    settlement: state.settlement && {
      refundFen: state.settlement.refundFen,
      feeFen: state.settlement.feeFen,
      feeRule: state.settlement.feeRule,
      approvedBy: state.settlement.approvedBy.id,
      automatic: state.settlement.automatic,
      at: state.settlement.at,
    },
    timeline: state.events
      .filter((e) => ['received', 'charge_held', 'evidence', 'decided_settle', 'decided_resolve', 'decided_reject', 'charge_captured', 'charge_released', 'refunded', 'closed'].includes(e.kind))
      .map((e) => ({ at: e.at, what: e.text })),
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function voucherHtml(v: Voucher): string {
  const row = (label: string, value: string) => `<tr><th>${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`;
  const money = (fen: number | undefined) => (fen === undefined ? '-' : formatFen(fen));
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(v.voucherNo)}</title>
<style>body{font-family:sans-serif;max-width:760px;margin:2em auto}th{text-align:left;padding-right:1em}td,th{border-bottom:1px solid #ddd;padding:4px}</style></head>
<body><h1>付款凭证及书面说明 / Payment voucher and written explanation</h1>
<table>
${row('Voucher 凭证号', v.voucherNo)}
${row('Complaint 投诉编号', v.caseRef)}
${row('Order 订单号', v.orderId)}
${row('Issued 开具时间', v.issuedAt)}
${row('Outcome 结果', v.outcome)}
${row('Charge held 冻结金额', money(v.charge.heldFen))}
${row('Charged 实际扣款', money(v.charge.capturedFen))}
${v.refunds.map((r) => row(`Refund 退款 ${r.reference}`, `${money(r.amountFen)} @ ${r.at}`)).join('\n')}
${v.settlement ? row('Fee 手续费', `${money(v.settlement.feeFen)} (${v.settlement.feeRule})`) : ''}
</table>
<h2>说明 / Explanation</h2><ul>${v.explanation.map((e) => `<li>${escapeHtml(e)}</li>`).join('')}</ul>
<h2>经过 / Timeline</h2><ul>${v.timeline.map((t) => `<li>${escapeHtml(t.at)} ${escapeHtml(t.what)}</li>`).join('')}</ul>
</body></html>`;
}
