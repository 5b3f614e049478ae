/**
 * A case's timeline read from its Temporal event history, the record nothing can rewrite: who
 * did what, which messages and money moved, which deadlines were set and reached. Pure, over
 * events already decoded (history-source.ts fetches and decodes them).
 */
import { toShanghaiIso } from '../domain/calendar';
import { SA, TIMER_LABELS, type ComplaintInput, type ComplaintState } from '../workflows/definitions';
import { activity, describeDriverReport, describeDriverReportZh, signalLine, updateLine, zhTime, type Args, type Line } from './history-lines';

const CHANNEL_ZH: Record<string, string> = { console: '处理台', driver_app: '司机端', api: 'API' };
const CATEGORY_ZH: Record<string, string> = { payment_dispute: '支付争议', ride_detour: '行程绕路', fare_dispute: '车费争议', refund_fee: '退款手续费', service_quality: '服务质量', other: '其他' };
const TIER_ZH: Record<string, string> = { individual: '个人', premium: '高级', enterprise: '企业' };
const STATUS_ZH: Record<string, string> = { received: '已接收', investigating: '调查中', awaiting_customer: '等待客户回复', settling: '结算中', needs_manual: '待人工处理', apologizing: '致歉中', closed: '已结案' };
const OUTCOME_ZH: Record<string, string> = { refunded: '已全额退款', partly_refunded: '部分退款或减免扣款', resolved: '已解决', rejected: '已驳回', withdrawn: '已撤回' };
const HOW_ZH: Record<string, string> = { failed: '失败', terminated: '被终止', canceled: '被取消', timed_out: '超时', continued_as_new: '已续接为新的运行' };
import type { HistoryCategory, HistoryEntry } from './response-schemas';

export type DecodedEvent = { id: number; at: Date } & (
  | { type: 'started'; input: ComplaintInput; searchAttributes: Record<string, unknown> }
  | { type: 'update_accepted'; name: string; args: unknown[] }
  | { type: 'signaled'; name: string; args: unknown[] }
  | { type: 'activity_scheduled'; activityType: string; input: unknown[] }
  | { type: 'activity_completed'; scheduledEventId: number; result: unknown }
  | { type: 'activity_failed'; scheduledEventId: number; message: string }
  /** A local activity's marker: scheduled and finished in one event (its input is not recorded). */
  | { type: 'local_activity'; activityType: string; result?: unknown; failure?: string }
  /** summary: the workflow's own label of the timer (condition(..., { summary })), when it gives one. */
  | { type: 'timer_started'; fireAt: Date; summary?: string }
  | { type: 'timer_fired'; startedEventId: number }
  | { type: 'search_attributes'; attributes: Record<string, unknown> }
  | { type: 'completed'; result: unknown }
  | { type: 'closed'; how: 'failed' | 'terminated' | 'canceled' | 'timed_out' | 'continued_as_new'; message?: string }
);

type Scheduled = Extract<DecodedEvent, { type: 'activity_scheduled' }>;
type TimerStarted = Extract<DecodedEvent, { type: 'timer_started' }>;

/** Two timers closer than this are the same deadline re-armed after a wake-up, not a new one. */
const SAME_TIMER_MS = 1_000;
/** A timer firing this close to the case's next deadline is that deadline; earlier ones are the warning. */
const DEADLINE_SLACK_MS = 500;

const SA_STATUS = SA.status.name;
const SA_LEVEL = SA.level.name;
const SA_OWNER = SA.owner.name;
const SA_BREACHED = SA.breached.name;
const SA_DEADLINE = SA.nextDeadline.name;

interface TimerContext {
  status?: string;
  level?: number;
  deadlineMs?: number;
  holdNoticeMs?: number;
  holdEndsMs?: number;
}

interface TimerPurpose {
  category: HistoryCategory;
  kind: string;
  set: string;
  fired: string;
  setZh: string;
  firedZh: string;
}

/**
 * What a timer is for. The workflow waits with condition(timeout), so a timer carries only its
 * fire time (and a summary, if the workflow gives one): the purpose is read from the case's
 * status, its next deadline and its held charge at that moment.
 */
function timerPurpose(timer: TimerStarted, c: TimerContext): TimerPurpose {
  const at = toShanghaiIso(timer.fireAt);
  const near = (ms: number | undefined) => ms !== undefined && Math.abs(timer.fireAt.getTime() - ms) < SAME_TIMER_MS;
  const level = Number(/^level (\d)/.exec(timer.summary ?? '')?.[1] ?? c.level);
  const deadlineText = c.deadlineMs === undefined ? at : toShanghaiIso(new Date(c.deadlineMs));
  const atZh = zhTime(timer.fireAt);
  const deadlineZh = c.deadlineMs === undefined ? atZh : zhTime(new Date(c.deadlineMs));
  const purposes: Record<string, TimerPurpose> = {
    reply: { category: 'deadline', kind: 'reply', set: `the customer is asked to reply by ${at}`, fired: "the customer's reply time passed; the clock resumes", setZh: `请客户在 ${atZh} 前回复`, firedZh: '客户回复期限已过，处理时限恢复计时' },
    ops_retry: { category: 'system', kind: 'ops_retry', set: `the failed step is retried at ${at}, or sooner if ops ask`, fired: 'retrying the failed step', setZh: `失败的步骤将于 ${atZh} 重试（运维可提前重试）`, firedZh: '重试失败的步骤' },
    hold_end: { category: 'money', kind: 'hold_end', set: `the provider's hold on the charge ends ${at}`, fired: "the provider's hold ended: the charge is taken", setZh: `支付机构对扣款的冻结将于 ${atZh} 到期`, firedZh: '支付机构的冻结期已到，款项被扣除' },
    charge_notice: { category: 'money', kind: 'charge_notice', set: `the customer will be told of the coming charge at ${at}`, fired: 'time to tell the customer of the coming charge', setZh: `将于 ${atZh} 提前告知客户即将扣款`, firedZh: '告知客户即将扣款' },
    deadline: { category: 'deadline', kind: 'deadline', set: `level ${level} deadline timer set for ${at}`, fired: `level ${level} deadline ${at} reached unresolved: breached`, setZh: `L${level} 处理时限设为 ${atZh}`, firedZh: `L${level} 处理时限 ${atZh} 已到仍未解决：已违约` },
    warning: { category: 'deadline', kind: 'warning', set: `warning timer set for ${at} (deadline ${deadlineText})`, fired: `warning: level ${level} deadline ${deadlineText} is near`, setZh: `预警时间设为 ${atZh}（时限 ${deadlineZh}）`, firedZh: `预警：L${level} 处理时限 ${deadlineZh} 即将到期` },
  };
  const labelled = timer.summary ? purposeOfLabel(timer.summary) : undefined;
  if (labelled) return purposes[labelled]!;
  if (timer.summary) return { category: 'deadline', kind: 'labelled', set: `${timer.summary}: due ${at}`, fired: `${timer.summary}: reached`, setZh: `定时 ${atZh}`, firedZh: '定时已到' };
  // Histories from before the workflow labelled its timers: read the purpose from the case.
  if (c.status === 'awaiting_customer') return purposes.reply!;
  if (c.status === 'settling' || c.status === 'apologizing') return purposes.ops_retry!;
  if (near(c.holdEndsMs)) return purposes.hold_end!;
  if (near(c.holdNoticeMs)) return purposes.charge_notice!;
  if (c.deadlineMs === undefined || timer.fireAt.getTime() >= c.deadlineMs - DEADLINE_SLACK_MS) return purposes.deadline!;
  return purposes.warning!;
}

function purposeOfLabel(label: string): string | undefined {
  if (label === TIMER_LABELS.customerReply) return 'reply';
  if (label === TIMER_LABELS.opsRetry) return 'ops_retry';
  if (label === TIMER_LABELS.holdExpiry) return 'hold_end';
  if (label === TIMER_LABELS.chargeNotice) return 'charge_notice';
  if (/^level \d deadline$/.test(label)) return 'deadline';
  if (/^level \d warning$/.test(label)) return 'warning';
  return undefined;
}

export interface TimelineWindow {
  /** Events before this id are context only: they shape later entries but make none. */
  fromEventId?: number;
  /** Report activities still running: only when these are the history's last events. */
  pending?: boolean;
}

export function timelineFromEvents(events: readonly DecodedEvent[], window: TimelineWindow = {}): HistoryEntry[] {
  const { fromEventId = 0, pending = true } = window;
  const entries: HistoryEntry[] = [];
  let emitting = true;
  const push = (at: Date, line: Line) => {
    if (emitting) entries.push({ at: toShanghaiIso(at), ...line });
  };
  const scheduled = new Map<number, Scheduled>();
  const finished = new Set<number>();
  const timers = new Map<number, TimerStarted>();
  const sa: Record<string, unknown> = {};
  let openingIntakeId: string | undefined;
  let orderId: string | undefined;
  let lastTimerAt: number | undefined;

  let chargeNoticeLeadMs: number | undefined;
  let holdEndsMs: number | undefined;
  const learnFrom = (activityType: string, result: any) => {
    if (activityType === 'loadCaseRules' && typeof result?.policy?.chargeNoticeLeadMinutes === 'number') chargeNoticeLeadMs = result.policy.chargeNoticeLeadMinutes * 60_000;
    if (activityType === 'holdAutoCharge' && result?.maxHoldUntil) holdEndsMs = Date.parse(result.maxHoldUntil);
  };
  const context = (): TimerContext => ({
    status: sa[SA_STATUS] as string | undefined,
    level: sa[SA_LEVEL] as number | undefined,
    deadlineMs: sa[SA_DEADLINE] ? Date.parse(String(sa[SA_DEADLINE])) : undefined,
    holdNoticeMs: holdEndsMs !== undefined && chargeNoticeLeadMs !== undefined ? holdEndsMs - chargeNoticeLeadMs : undefined,
    holdEndsMs,
  });

  for (const e of events) {
    emitting = e.id >= fromEventId;
    switch (e.type) {
      case 'started': {
        Object.assign(sa, e.searchAttributes);
        openingIntakeId = e.input.intakeId;
        orderId = e.input.orderId;
        const what = e.input.driverReport ? `driver report, ${describeDriverReport(e.input.driverReport)}` : e.input.description;
        const whatZh = e.input.driverReport ? `司机报告，${describeDriverReportZh(e.input.driverReport)}` : e.input.description;
        push(e.at, {
          actor: e.input.createdBy.id,
          category: 'intake',
          kind: 'received',
          text: `complaint opened via ${e.input.channel} (${e.input.category}, ${e.input.tier}): ${what}`,
          zh: `经${CHANNEL_ZH[e.input.channel] ?? e.input.channel}受理投诉（${CATEGORY_ZH[e.input.category] ?? e.input.category}，${TIER_ZH[e.input.tier] ?? e.input.tier}）：${whatZh}`,
        });
        break;
      }
      case 'update_accepted': {
        const line = updateLine(e.name, e.args, openingIntakeId);
        if (line) push(e.at, line);
        break;
      }
      case 'signaled':
        push(e.at, signalLine(e.name, e.args));
        break;
      case 'activity_scheduled':
        scheduled.set(e.id, e);
        break;
      case 'activity_completed':
      case 'activity_failed': {
        const s = scheduled.get(e.scheduledEventId);
        if (!s) break;
        finished.add(s.id);
        if (e.type === 'activity_completed') learnFrom(s.activityType, e.result);
        const d = activity(s.activityType);
        const input = (s.input[0] ?? {}) as Args;
        if (e.type === 'activity_completed') push(e.at, { actor: 'system', category: d.category, kind: d.kindOf?.(e.result) ?? d.kind, text: d.done(input, e.result), zh: d.doneZh(input, e.result) });
        else push(e.at, { actor: 'system', category: d.category, kind: `${d.kind}_failed`, text: `failed ${d.label(input)}: ${e.message}`, zh: `${d.labelZh(input)}失败：${e.message}` });
        break;
      }
      case 'local_activity': {
        const d = activity(e.activityType);
        // The rules' read is bookkeeping: the deadlines it gives show up as their own entries.
        if (e.activityType === 'loadCaseRules' && e.failure === undefined) {
          learnFrom(e.activityType, e.result);
          break;
        }
        if (e.failure === undefined) {
          learnFrom(e.activityType, e.result);
          push(e.at, { actor: 'system', category: d.category, kind: d.kindOf?.(e.result) ?? d.kind, text: d.done({ orderId }, e.result ?? null), zh: d.doneZh({ orderId }, e.result ?? null) });
        } else push(e.at, { actor: 'system', category: d.category, kind: `${d.kind}_failed`, text: `failed ${d.label({ orderId })}: ${e.failure}`, zh: `${d.labelZh({ orderId })}失败：${e.failure}` });
        break;
      }
      case 'timer_started': {
        timers.set(e.id, e);
        const fireMs = e.fireAt.getTime();
        if (lastTimerAt !== undefined && Math.abs(fireMs - lastTimerAt) < SAME_TIMER_MS) break;
        lastTimerAt = fireMs;
        const purpose = timerPurpose(e, context());
        push(e.at, { actor: 'system', category: purpose.category, kind: `${purpose.kind}_timer`, text: purpose.set, zh: purpose.setZh });
        break;
      }
      case 'timer_fired': {
        const timer = timers.get(e.startedEventId);
        if (!timer) break;
        const purpose = timerPurpose(timer, context());
        push(e.at, { actor: 'system', category: purpose.category, kind: `${purpose.kind}_reached`, text: purpose.fired, zh: purpose.firedZh });
        break;
      }
      case 'search_attributes': {
        const next = e.attributes;
        const changed = (key: string) => key in next && next[key] !== sa[key];
        const change = (key: string, label: string) => `${label} ${sa[key] === undefined || sa[key] === null ? '' : `${sa[key]} → `}${next[key]}`;
        const changeZh = (key: string, label: string, word: (v: unknown) => string) => `${label}${sa[key] === undefined || sa[key] === null ? '变为' : `由“${word(sa[key])}”变为`}“${word(next[key])}”`;
        const status = (v: unknown) => STATUS_ZH[String(v)] ?? String(v);
        const plain = (v: unknown) => String(v);
        if (changed(SA_STATUS)) push(e.at, { actor: 'system', category: 'status', kind: 'status', text: change(SA_STATUS, 'status'), zh: changeZh(SA_STATUS, '状态', status) });
        if (changed(SA_LEVEL))
          push(e.at, { actor: 'system', category: 'status', kind: 'level', text: `${change(SA_LEVEL, 'level')}, owner ${next[SA_OWNER] ?? sa[SA_OWNER]}`, zh: `${changeZh(SA_LEVEL, '级别', (v) => `L${v}`)}，负责人 ${next[SA_OWNER] ?? sa[SA_OWNER]}` });
        else if (changed(SA_OWNER)) push(e.at, { actor: 'system', category: 'status', kind: 'owner', text: change(SA_OWNER, 'owner'), zh: changeZh(SA_OWNER, '负责人', plain) });
        if (changed(SA_BREACHED) && next[SA_BREACHED] === true) push(e.at, { actor: 'system', category: 'deadline', kind: 'breached', text: 'the case is marked as having breached a deadline', zh: '案件被标记为已违约' });
        if (changed(SA_DEADLINE) && next[SA_DEADLINE]) {
          const level = next[SA_LEVEL] ?? sa[SA_LEVEL];
          const at = new Date(String(next[SA_DEADLINE]));
          push(e.at, {
            actor: 'system',
            category: 'deadline',
            kind: 'deadline_set',
            text: `next deadline ${toShanghaiIso(at)} (level ${level}, ${next[SA_OWNER] ?? sa[SA_OWNER]})`,
            zh: `下一个截止时间 ${zhTime(at)}（L${level}，${next[SA_OWNER] ?? sa[SA_OWNER]}）`,
          });
        }
        Object.assign(sa, next);
        break;
      }
      case 'completed': {
        const state = e.result as Partial<ComplaintState> | undefined;
        push(e.at, { actor: 'system', category: 'status', kind: 'closed', text: `case closed${state?.outcome ? `: outcome ${state.outcome}` : ''}`, zh: `案件已结案${state?.outcome ? `：${OUTCOME_ZH[state.outcome] ?? state.outcome}` : ''}` });
        break;
      }
      case 'closed':
        push(e.at, { actor: 'system', category: 'system', kind: e.how, text: `workflow ${e.how.replace(/_/g, ' ')}${e.message ? `: ${e.message}` : ''}`, zh: `工作流${HOW_ZH[e.how] ?? e.how}${e.message ? `：${e.message}` : ''}` });
        break;
    }
  }

  // Still running: retries of a failing call are invisible in history until it gives up.
  emitting = pending;
  for (const s of scheduled.values()) {
    if (finished.has(s.id)) continue;
    const d = activity(s.activityType);
    push(s.at, { actor: 'system', category: d.category, kind: `${d.kind}_pending`, text: `in progress: ${d.label((s.input[0] ?? {}) as Args)}`, zh: `进行中：${d.labelZh((s.input[0] ?? {}) as Args)}` });
  }
  return entries.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}
