/** How each kind of history event reads in the timeline: staff actions, signals and activities, in words. */
import { formatDeadline } from '../domain/calendar';
import { formatFen } from '../domain/escalation';
import {
  addNoteUpdate,
  approveSettlementUpdate,
  customerRepliedSignal,
  driverReportedSignal,
  escalateUpdate,
  intakeUpdate,
  oaStatusChangedSignal,
  proposeSettlementUpdate,
  rejectUpdate,
  requestInfoUpdate,
  resolveUpdate,
  opsRetrySignal,
  withdrawUpdate,
  type DriverReport,
} from '../workflows/definitions';
import type { HistoryCategory } from './response-schemas';

export type Args = Record<string, any>;
/** `text` in English, `zh` the same sentence in Chinese: the console shows the UI language's. */
export type Line = { actor: string; category: HistoryCategory; kind: string; text: string; zh: string };

const REPORT_KIND_ZH: Record<string, string> = { detour: '绕路', fare: '车费', other: '其他' };

export function describeDriverReport(r: DriverReport): string {
  return `driver ${r.driverId} ${r.admittedFault ? 'admits fault' : 'reports'} (${r.kind}): ${r.text}`;
}

export function describeDriverReportZh(r: DriverReport): string {
  return `司机 ${r.driverId}${r.admittedFault ? '承认责任' : '报告'}（${REPORT_KIND_ZH[r.kind] ?? r.kind}）：${r.text}`;
}

/** A time as the Chinese timeline says it: Beijing time, written out. */
export function zhTime(iso: string | Date | undefined): string {
  if (!iso) return '—';
  const d = iso instanceof Date ? iso : new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : formatDeadline(d, 'zh');
}

function actorOf(args: unknown[]): string {
  return (args[0] as Args | undefined)?.actor?.id ?? 'unknown';
}

export function updateLine(name: string, args: unknown[], openingIntakeId: string | undefined): Line | undefined {
  const a = (args[0] ?? {}) as Args;
  const actor = actorOf(args);
  const action = (kind: string, text: string, zh: string): Line => ({ actor, category: 'action', kind, text: `${actor} ${text}`, zh: `${actor} ${zh}` });
  switch (name) {
    case intakeUpdate.name:
      // The intake sent with the start opened the case; the started event already says so.
      if (a.intakeId === openingIntakeId) return undefined;
      return {
        actor,
        category: 'intake',
        kind: 'intake_joined',
        text: `${actor} reported the same order again; joined the open case${a.driverReport ? `: ${describeDriverReport(a.driverReport)}` : ''}`,
        zh: `${actor} 再次反映同一订单，已并入进行中的案件${a.driverReport ? `：${describeDriverReportZh(a.driverReport)}` : ''}`,
      };
    case proposeSettlementUpdate.name:
      return action(
        'settlement_proposed',
        `proposed a refund of ${formatFen(a.refundFen)}${a.platformAtFault ? ' (platform at fault)' : ''}${a.forApproval ? ' for approval' : ''}: ${a.reason}`,
        `提议退款 ${formatFen(a.refundFen)}${a.platformAtFault ? '（平台责任）' : ''}${a.forApproval ? '，提交审批' : ''}：${a.reason}`,
      );
    case approveSettlementUpdate.name:
      return action('settlement_approved', 'approved the pending settlement', '批准了待审批的结算方案');
    case escalateUpdate.name:
      return action('escalated', `escalated the case: ${a.reason}`, `将案件升级：${a.reason}`);
    case requestInfoUpdate.name:
      return action('info_requested', `asked the customer: ${a.question}`, `向客户询问：${a.question}`);
    case resolveUpdate.name:
      return action('resolved', `resolved the case: ${a.reason}`, `解决了案件：${a.reason}`);
    case rejectUpdate.name:
      return action('rejected', `rejected the complaint: ${a.reason}`, `驳回了投诉：${a.reason}`);
    case withdrawUpdate.name:
      return action('withdrawn', `withdrew the complaint for the customer: ${a.reason}`, `按客户要求撤回了投诉：${a.reason}`);
    case addNoteUpdate.name:
      return action('note', `noted: ${a.text}`, `添加备注：${a.text}`);
    default:
      return action(name, `sent ${name}`, `执行了操作 ${name}`);
  }
}

export function signalLine(name: string, args: unknown[]): Line {
  const a = (args[0] ?? {}) as Args;
  switch (name) {
    case customerRepliedSignal.name:
      return { actor: 'customer', category: 'message', kind: 'customer_replied', text: `the customer replied: ${a.text}`, zh: `客户回复：${a.text}` };
    case driverReportedSignal.name:
      return { actor: `driver:${a.driverId}`, category: 'intake', kind: 'driver_reported', text: describeDriverReport(a as DriverReport), zh: describeDriverReportZh(a as DriverReport) };
    case oaStatusChangedSignal.name:
      return { actor: 'oa', category: 'system', kind: 'oa_status', text: `OA approval ${a.instanceId} is now ${a.status}`, zh: `OA 审批 ${a.instanceId} 状态变为 ${a.status}` };
    case opsRetrySignal.name:
      return { actor: actorOf(args), category: 'action', kind: 'ops_retry', text: `${actorOf(args)} asked to retry the failed provider step now`, zh: `${actorOf(args)} 要求立即重试失败的外部步骤` };
    default:
      return { actor: 'system', category: 'system', kind: name, text: `signal ${name}`, zh: `收到信号 ${name}` };
  }
}

export interface ActivityDescription {
  category: HistoryCategory;
  kind: string;
  /** When the result changes what happened (nothing to hold), a kind of its own. */
  kindOf?(result: any): string;
  done(input: Args, result: any): string;
  label(input: Args): string;
  doneZh(input: Args, result: any): string;
  labelZh(input: Args): string;
}

function evidenceParts(result: Args | null): { en: string[]; zh: string[] } {
  const en: string[] = [];
  const zh: string[] = [];
  const entries: Args[] = result?.ledger?.entries ?? [];
  if (result?.ledger) {
    const debits = entries.filter((e) => e.kind === 'debit');
    const refunds = entries.filter((e) => e.kind === 'refund');
    const total = debits.reduce((sum, e) => sum + (e.amountFen ?? 0), 0);
    en.push(`payment ledger: ${debits.length} debit(s) totalling ${formatFen(total)}, ${refunds.length} refund(s)`);
    zh.push(`支付账本：${debits.length} 笔扣款，合计 ${formatFen(total)}，${refunds.length} 笔退款`);
  }
  if (result?.trip) {
    en.push(`trip: planned ${result.trip.plannedKm} km, driven ${result.trip.actualKm} km, charged ${formatFen(result.trip.chargedFen)}`);
    zh.push(`行程：计划 ${result.trip.plannedKm} 公里，实际 ${result.trip.actualKm} 公里，收费 ${formatFen(result.trip.chargedFen)}`);
  }
  return { en, zh };
}

function evidenceSummary(result: Args | null): string {
  const { en } = evidenceParts(result);
  return en.length ? `evidence gathered from the systems of record: ${en.join('; ')}` : 'no ledger or trip records found for this order';
}

function evidenceSummaryZh(result: Args | null): string {
  const { zh } = evidenceParts(result);
  return zh.length ? `已从业务系统调取证据：${zh.join('；')}` : '未找到该订单的支付或行程记录';
}

const CHANNEL_ZH: Record<string, string> = { sms: '短信', app: 'App 消息' };
const SENT_ZH: Record<string, string> = { sent: '已发出', delivered: '已送达', failed: '未送达' };

const ACTIVITIES: Record<string, ActivityDescription> = {
  loadCaseRules: {
    category: 'system',
    kind: 'rules_loaded',
    label: () => 'loading the case rules',
    labelZh: () => '加载案件规则',
    done: (_i, r) => `case rules loaded: policy ${r?.policy?.version}${rulesSnapshotText(r?.snapshot)}`,
    doneZh: (_i, r) => `已加载案件规则：政策版本 ${r?.policy?.version}${rulesSnapshotTextZh(r?.snapshot)}`,
  },
  gatherEvidence: { category: 'evidence', kind: 'evidence', label: () => 'gathering evidence', labelZh: () => '调取证据', done: (_i, r) => evidenceSummary(r), doneZh: (_i, r) => evidenceSummaryZh(r) },
  holdAutoCharge: {
    category: 'money',
    kind: 'charge_held',
    kindOf: (r) => (r ? 'charge_held' : 'no_charge_to_hold'),
    label: () => 'holding the automatic charge',
    labelZh: () => '冻结自动扣款',
    done: (i, r) => (r ? `automatic charge of ${formatFen(r.amountFen)} due ${r.dueAt} held (hold ${r.holdId})` : `no automatic charge pending on order ${i.orderId}; nothing to hold`),
    doneZh: (i, r) => (r ? `已冻结原定于 ${zhTime(r.dueAt)} 执行的自动扣款 ${formatFen(r.amountFen)}（冻结单号 ${r.holdId}）` : `订单 ${i.orderId} 没有待执行的自动扣款，无需冻结`),
  },
  releaseHold: {
    category: 'money',
    kind: 'charge_released',
    label: () => 'releasing the held charge',
    labelZh: () => '解除冻结的扣款',
    done: () => 'held charge released: the customer is not charged',
    doneZh: () => '已取消冻结的扣款：不向客户扣款',
  },
  captureHold: {
    category: 'money',
    kind: 'charge_captured',
    label: (i) => `capturing ${formatFen(i.amountFen)} of the held charge`,
    labelZh: (i) => `按 ${formatFen(i.amountFen)} 执行冻结的扣款`,
    done: (i) => `held charge captured at ${formatFen(i.amountFen)}`,
    doneZh: (i) => `冻结的扣款已按更正后的金额 ${formatFen(i.amountFen)} 扣除`,
  },
  refund: {
    category: 'money',
    kind: 'refunded',
    label: (i) => `refunding ${formatFen(i.amountFen)} (reference ${i.outRequestNo})`,
    labelZh: (i) => `退款 ${formatFen(i.amountFen)}（请求号 ${i.outRequestNo}）`,
    done: (i, r) => `refunded ${formatFen(r?.amountFen ?? i.amountFen)}, reference ${r?.outRequestNo ?? i.outRequestNo} (provider refund ${r?.refundId ?? '-'})`,
    doneZh: (i, r) => `已退款 ${formatFen(r?.amountFen ?? i.amountFen)}，支付机构退款单号 ${r?.refundId ?? '-'}`,
  },
  sendCustomerMessage: {
    category: 'message',
    kind: 'message_sent',
    label: (i) => `sending by ${i.channel} (${i.outId}): ${i.text}`,
    labelZh: (i) => `正在通过${CHANNEL_ZH[i.channel] ?? i.channel}发送：${i.text}`,
    done: (i, r) => `message ${r?.status ?? 'sent'} by ${i.channel} (${i.outId}): ${i.text}`,
    doneZh: (i, r) => `${CHANNEL_ZH[i.channel] ?? i.channel}${SENT_ZH[r?.status ?? 'sent'] ?? r?.status}：${i.text}`,
  },
  awaitLateReceipt: {
    category: 'message',
    kind: 'message_receipt_late',
    kindOf: (r) => (r?.status === 'delivered' ? 'message_delivered_late' : 'message_failed_late'),
    label: (i) => `waiting for a late receipt of ${i.outId}`,
    labelZh: (i) => `等待 ${i.outId} 的迟到回执`,
    doneZh: (i, r) =>
      r?.status === 'delivered'
        ? `${CHANNEL_ZH[i.channel] ?? i.channel}迟到送达（${i.outId}）：回执 ${zhTime(r.receiptAt)} 才到，下一渠道已接手`
        : `${CHANNEL_ZH[i.channel] ?? i.channel}（${i.outId}）在等待期后报告未送达：${r?.reason ?? '未说明原因'}`,
    done: (i, r) =>
      r?.status === 'delivered'
        ? `message delivered late by ${i.channel} (${i.outId}): receipt ${r.receiptAt ?? '-'} after the window, when the next channel had taken over`
        : `message by ${i.channel} (${i.outId}) reported undelivered after the window: ${r?.reason ?? 'no reason given'}`,
  },
  notifyOaDispute: {
    category: 'message',
    kind: 'oa_notified',
    label: () => 'telling the OA approval about the dispute',
    labelZh: () => '通知 OA 审批该订单有争议',
    done: (i, r) => (r ? `OA approval ${r.instanceId} told: ${i.text}` : 'no OA approval is open for this order'),
    doneZh: (i, r) => (r ? `已通知 OA 审批 ${r.instanceId}：${i.text}` : '该订单没有进行中的 OA 审批'),
  },
  deliverOaVoucher: {
    category: 'message',
    kind: 'oa_voucher',
    label: () => 'attaching the voucher to the OA approval',
    labelZh: () => '向 OA 审批附上凭证',
    done: (_i, r) => (r ? `written explanation and payment voucher attached to OA approval ${r.instanceId}` : 'no OA approval to attach the voucher to'),
    doneZh: (_i, r) => (r ? `书面说明和付款凭证已附到 OA 审批 ${r.instanceId}` : '没有可附凭证的 OA 审批'),
  },
};

export function activity(type: string): ActivityDescription {
  return ACTIVITIES[type] ?? { category: 'system', kind: type, label: () => `running ${type}`, done: () => `${type} completed`, labelZh: () => `执行 ${type}`, doneZh: () => `${type} 已完成` };
}


/** Which rules snapshot a case ran on; a stale one (the files were broken) is said loudly. */
function rulesSnapshotText(snapshot: { snapshotId?: string; loadedAt?: string; stale?: boolean } | undefined): string {
  if (!snapshot?.snapshotId) return '';
  return snapshot.stale
    ? `, last good snapshot ${snapshot.snapshotId} of ${snapshot.loadedAt} (STALE: the data files were broken when this case started)`
    : `, snapshot ${snapshot.snapshotId}`;
}

function rulesSnapshotTextZh(snapshot: { snapshotId?: string; loadedAt?: string; stale?: boolean } | undefined): string {
  if (!snapshot?.snapshotId) return '';
  return snapshot.stale ? `，沿用上一份有效数据 ${snapshot.snapshotId}（${zhTime(snapshot.loadedAt)}）：案件开始时数据文件有误` : `，数据快照 ${snapshot.snapshotId}`;
}
