/**
 * Tencent Cloud SMS (2021-01-11) as the SDK sees it: POST with the action in X-TC-Action, a JSON
 * body, a TC3 signature, and every answer HTTP 200 inside `Response` (errors as Response.Error).
 */
import { randomUUID } from 'node:crypto';
import { type RequestHandler, Router } from 'express';
import { fillTemplate, placeholders, type TemplateCatalog } from '../../domain/templates';
import type { Faults } from '../lib/faults';
import type { RailSmsRecord, SmsBook } from '../lib/sms-book';
import { verifyTc3 } from './signature';

export interface TencentSmsDeps {
  book: SmsBook;
  faults: Faults;
  catalog: () => TemplateCatalog;
  /** SecretId -> SecretKey. */
  secrets: Record<string, string>;
  smsSdkAppId: string;
  now: () => Date;
}

type Body = Record<string, unknown>;
class TcError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

export function tencentSmsRouter(deps: TencentSmsDeps, faultGate: RequestHandler): Router {
  const r = Router();
  r.post('/', (req, res) => {
    const RequestId = randomUUID();
    const verdict = verifyTc3(req, deps.secrets, deps.now());
    if (!verdict.ok) {
      res.json({ Response: { Error: { Code: verdict.code, Message: verdict.message }, RequestId } });
      return;
    }
    faultGate(req, res, () => {
      const body = (req.body ?? {}) as Body;
      try {
        if (body.SmsSdkAppId !== deps.smsSdkAppId) throw new TcError('FailedOperation.SmsSdkAppIdVerifyFail', `SmsSdkAppId ${String(body.SmsSdkAppId)} is not ours`);
        const action = req.get('x-tc-action');
        const result =
          action === 'SendSms' ? sendSms(deps, body, JSON.stringify(body)) :
          action === 'PullSmsSendStatus' ? pull(deps, body) :
          action === 'PullSmsSendStatusByPhoneNumber' ? pullByPhone(deps, body) :
          null;
        if (!result) throw new TcError('InvalidAction', `action ${action} is not supported`);
        res.json({ Response: { ...result, RequestId } });
      } catch (err) {
        if (!(err instanceof TcError)) throw err;
        res.json({ Response: { Error: { Code: err.code, Message: err.message }, RequestId } });
      }
    });
  });
  return r;
}

function sendSms(deps: TencentSmsDeps, body: Body, subject: string) {
  const catalog = deps.catalog();
  const limits = catalog.rails.tencent!;
  const phones = body.PhoneNumberSet;
  if (!Array.isArray(phones) || phones.length !== 1 || typeof phones[0] !== 'string') throw new TcError('InvalidParameterValue.IncorrectPhoneNumber', 'one phone number per request in this simulator');
  if (body.SignName !== limits.signName) throw new TcError('FailedOperation.SignatureIncorrectOrUnapproved', `signature not approved: ${String(body.SignName)}`);
  const entry = Object.values(catalog.templates).flatMap((spec) =>
    (['zh', 'en'] as const).filter((lang) => spec.codes.tencent?.[lang] === body.TemplateId).map((lang) => ({ spec, lang })),
  )[0];
  if (!entry) throw new TcError('FailedOperation.TemplateIncorrectOrUnapproved', `template not approved: ${String(body.TemplateId)}`);
  const names = placeholders(entry.spec.text[entry.lang]);
  const values = Array.isArray(body.TemplateParamSet) ? body.TemplateParamSet : [];
  if (values.length !== names.length || values.some((v) => typeof v !== 'string' || v === '')) {
    throw new TcError('FailedOperation.TemplateParamSetNotMatchApprovedTemplate', `the template takes ${names.length} parameters`);
  }
  const long = (values as string[]).findIndex((v) => [...v].length > limits.paramMaxChars);
  if (long >= 0) throw new TcError('FailedOperation.TemplateParamSetNotMatchApprovedTemplate', `parameter {${long + 1}} exceeds ${limits.paramMaxChars} characters`);
  const phone = phones[0] as string;
  if (!/^\+861\d{10}$/.test(phone)) {
    return { SendStatusSet: [{ SerialNo: '', PhoneNumber: phone, Fee: 0, SessionContext: String(body.SessionContext ?? ''), Code: 'InvalidParameterValue.IncorrectPhoneNumber', Message: 'incorrect phone number', IsoCode: '' }] };
  }
  const params = Object.fromEntries(names.map((n, i) => [n, values[i] as string]));
  const text = `【${limits.signName}】${fillTemplate(entry.spec.text[entry.lang], params)}`;
  const fate = deps.faults.failsChannel('sms', subject) ? 'failed' : deps.faults.dropsReceipt(subject) ? 'never' : 'delivered';
  const sent = deps.book.record({ outId: String(body.SessionContext ?? ''), phone, templateCode: String(body.TemplateId), params, text }, fate, (seq) => `2433:${String(seq).padStart(12, '0')}`);
  return { SendStatusSet: [{ SerialNo: sent.messageId, PhoneNumber: phone, Fee: Math.ceil([...text].length / 67), SessionContext: sent.outId, Code: 'Ok', Message: 'send success', IsoCode: 'CN' }] };
}

function report(deps: TencentSmsDeps, m: RailSmsRecord) {
  const r = deps.book.receiptNow(m)!;
  return {
    UserReceiveTime: Math.floor(Date.parse(r.at) / 1000),
    CountryCode: '86',
    SubscriberNumber: m.phone.slice(3),
    PhoneNumber: m.phone,
    SerialNo: m.messageId,
    ReportStatus: r.status === 'DELIVERED' ? 'SUCCESS' : 'FAIL',
    Description: `${r.code}: ${r.description}`,
    SessionContext: m.outId,
  };
}

function limitOf(body: Body, max: number): number {
  const n = Number(body.Limit);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new TcError('InvalidParameterValue', `Limit must be 1..${max}`);
  return n;
}

function pull(deps: TencentSmsDeps, body: Body) {
  return { PullSmsSendStatusSet: deps.book.pullReceipts(limitOf(body, 100)).map((m) => report(deps, m)) };
}

function pullByPhone(deps: TencentSmsDeps, body: Body) {
  const limit = limitOf(body, 100);
  const offset = Number(body.Offset ?? 0);
  const begin = Number(body.BeginTime);
  const end = body.EndTime === undefined ? Infinity : Number(body.EndTime);
  if (!Number.isFinite(begin)) throw new TcError('InvalidParameterValue', 'BeginTime is required');
  const rows = deps.book
    .messages()
    .filter((m) => m.phone === body.PhoneNumber && deps.book.receiptNow(m))
    .filter((m) => {
      const t = Date.parse(m.sentAt) / 1000;
      return t >= begin && t <= end;
    });
  return { PullSmsSendStatusSet: rows.slice(offset, offset + limit).map((m) => report(deps, m)) };
}
