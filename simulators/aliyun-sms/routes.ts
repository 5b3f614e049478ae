/**
 * Aliyun SMS (dysmsapi 2017-05-25) as the SDK sees it: RPC over POST / with the action in
 * x-acs-action, parameters in the query, a POP v3 signature, and business refusals as HTTP 200
 * with a Code other than OK.
 */
import { randomUUID } from 'node:crypto';
import { type RequestHandler, Router } from 'express';
import { fillTemplate, type TemplateCatalog } from '../../domain/templates';
import type { Faults } from '../lib/faults';
import type { SmsBook } from '../lib/sms-book';
import { verifyPopV3 } from './signature';

export interface AliyunSmsDeps {
  book: SmsBook;
  faults: Faults;
  catalog: () => TemplateCatalog;
  /** AccessKey id -> secret. */
  accessKeys: Record<string, string>;
  now: () => Date;
}

/** +86 / 0086 / 86 / nothing before 11 digits, as the rail accepts mainland numbers. */
export function e164(phone: string): string | null {
  const m = /^(?:\+86|0086|86)?(1\d{10})$/.exec(phone.trim());
  return m ? `+86${m[1]}` : null;
}

function shanghai(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

export function aliyunSmsRouter(deps: AliyunSmsDeps, faultGate: RequestHandler): Router {
  const r = Router();
  const nonces = new Set<string>();

  r.post('/', (req, res, next) => {
    if (req.get('x-acs-version') !== '2017-05-25') return next();
    const requestId = randomUUID().toUpperCase();
    const verdict = verifyPopV3(req, deps.accessKeys, nonces, deps.now());
    if (!verdict.ok) {
      res.status(verdict.status).json({ RequestId: requestId, Code: verdict.code, Message: verdict.message, HostId: 'dysmsapi.aliyuncs.com' });
      return;
    }
    faultGate(req, res, () => {
      const q = req.query as Record<string, string | undefined>;
      const action = req.get('x-acs-action');
      if (action === 'SendSms') res.json({ RequestId: requestId, ...sendSms(deps, q, JSON.stringify(q)) });
      else if (action === 'QuerySendDetails') res.json({ RequestId: requestId, ...querySendDetails(deps, q) });
      else res.status(404).json({ RequestId: requestId, Code: 'InvalidAction.NotFound', Message: `Specified api is not found: ${action}` });
    });
  });
  return r;
}

function refuse(code: string, message: string) {
  return { Code: code, Message: message };
}

function sendSms(deps: AliyunSmsDeps, q: Record<string, string | undefined>, subject: string) {
  const catalog = deps.catalog();
  const limits = catalog.rails.aliyun!;
  const phone = e164(q.PhoneNumbers ?? '');
  if (!phone) return refuse('isv.MOBILE_NUMBER_ILLEGAL', `invalid mobile number: ${q.PhoneNumbers ?? ''}`);
  if (q.SignName !== limits.signName) return refuse('isv.SMS_SIGNATURE_ILLEGAL', `signature not approved: ${q.SignName ?? ''}`);
  const entry = Object.entries(catalog.templates).flatMap(([id, spec]) =>
    (['zh', 'en'] as const).filter((lang) => spec.codes.aliyun?.[lang] === q.TemplateCode).map((lang) => ({ id, spec, lang })),
  )[0];
  if (!entry) return refuse('isv.SMS_TEMPLATE_ILLEGAL', `template not approved: ${q.TemplateCode ?? ''}`);
  let params: Record<string, string>;
  try {
    params = JSON.parse(q.TemplateParam ?? '{}');
  } catch {
    return refuse('isv.INVALID_JSON_PARAM', 'TemplateParam is not valid JSON');
  }
  for (const name of Object.keys(entry.spec.params)) {
    const value = params[name];
    if (typeof value !== 'string' || value === '') return refuse('isv.TEMPLATE_MISSING_PARAMETERS', `missing template parameter ${name}`);
    if ([...value].length > limits.paramMaxChars) return refuse('isv.PARAM_LENGTH_LIMIT', `parameter ${name} exceeds ${limits.paramMaxChars} characters`);
  }
  if (q.OutId && q.OutId.length > 256) return refuse('isv.OUT_ID_OVER_LIMIT', 'OutId exceeds 256 characters');
  const text = `【${limits.signName}】${fillTemplate(entry.spec.text[entry.lang], params)}`;
  const fate = deps.faults.failsChannel('sms', subject) ? 'failed' : deps.faults.dropsReceipt(subject) ? 'never' : 'delivered';
  const sent = deps.book.record({ outId: q.OutId ?? '', phone, templateCode: q.TemplateCode!, params, text }, fate, (seq) => `${String(900000 + seq)}^${String(seq).padStart(10, '0')}`);
  return { Code: 'OK', Message: 'OK', BizId: sent.messageId };
}

function querySendDetails(deps: AliyunSmsDeps, q: Record<string, string | undefined>) {
  const phone = e164(q.PhoneNumber ?? '');
  if (!phone) return refuse('isv.MOBILE_NUMBER_ILLEGAL', `invalid mobile number: ${q.PhoneNumber ?? ''}`);
  if (!/^\d{8}$/.test(q.SendDate ?? '')) return refuse('isv.INVALID_PARAMETERS', 'SendDate must be yyyyMMdd');
  const pageSize = Number(q.PageSize);
  const page = Number(q.CurrentPage);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 50 || !Number.isInteger(page) || page < 1) {
    return refuse('isv.INVALID_PARAMETERS', 'PageSize must be 1..50 and CurrentPage at least 1');
  }
  const rows = deps.book
    .messages()
    .filter((m) => m.phone === phone && shanghai(m.sentAt).slice(0, 10).replace(/-/g, '') === q.SendDate && (!q.BizId || m.messageId === q.BizId));
  const pageRows = rows.slice((page - 1) * pageSize, page * pageSize).map((m) => {
    const receipt = deps.book.receiptNow(m);
    return {
      PhoneNum: m.phone.replace(/^\+86/, ''),
      SendStatus: receipt ? (receipt.status === 'DELIVERED' ? 3 : 2) : 1,
      ErrCode: receipt ? receipt.code : '',
      TemplateCode: m.templateCode,
      Content: m.text,
      SendDate: shanghai(m.sentAt),
      ReceiveDate: receipt ? shanghai(receipt.at) : '',
      OutId: m.outId,
    };
  });
  return { Code: 'OK', Message: 'OK', TotalCount: String(rows.length), SmsSendDetailDTOs: { SmsSendDetailDTO: pageRows } };
}
