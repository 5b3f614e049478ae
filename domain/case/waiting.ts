/** Waiting on the customer: the clock pauses with what is left of the level's time, and resumes with it. */
import { customerReplyDeadline, remainingMinutes, resumedDeadline } from '../deadlines';
import { requestInfoText } from '../notices';
import { iso, record, rules, send, type Ctx } from './context';
import { requestInfoTemplate } from './sms-templates';

export function askCustomer(ctx: Ctx, actor: string, question: string): void {
  const s = ctx.s;
  const { policy, calendar } = rules(ctx);
  s.clockPausedRemainingMs = remainingMinutes(policy, calendar, s.tier, ctx.now, new Date(s.machine.currentDeadline!.at)) * 60_000;
  const replyBy = customerReplyDeadline(policy, calendar, s.tier, ctx.now);
  s.status = 'awaiting_customer';
  s.nextDeadline = iso(replyBy.at);
  s.deadlines.push({ kind: 'customer_reply', level: s.level, at: s.nextDeadline, provisional: replyBy.provisional });
  record(ctx, actor, 'info_requested', `${question} (reply by ${s.nextDeadline}; clock paused)`);
  send(ctx, `request-info-${s.events.length}`, 'request_info', requestInfoText(s.language, s.caseRef, question, replyBy.at), 1, requestInfoTemplate(s.language, s.caseRef, replyBy.at));
}

/** The level keeps exactly the business time it had left when the clock paused. */
export function resumeClock(ctx: Ctx): void {
  const s = ctx.s;
  const { policy, calendar } = rules(ctx);
  const resumed = resumedDeadline(policy, calendar, s.tier, s.level, ctx.now, (s.clockPausedRemainingMs ?? 0) / 60_000);
  s.machine.currentDeadline = { at: iso(resumed.at), warnAt: iso(resumed.warnAt) };
  s.clockPausedRemainingMs = undefined;
  s.status = 'investigating';
  s.nextDeadline = iso(resumed.at);
  s.flags.warned = resumed.warnAt.getTime() <= ctx.now.getTime() ? s.flags.warned : false;
  s.deadlines.push({ kind: 'resolve', level: s.level, at: s.nextDeadline, warnAt: iso(resumed.warnAt), provisional: resumed.provisional });
  record(ctx, 'system', 'clock_resumed', `level ${s.level} deadline is now ${s.nextDeadline}`);
}
