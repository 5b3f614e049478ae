/**
 * The composer's API: reply templates per category (filled from a case), and the preview of
 * what an action would tell the customer, on each channel exactly as the rail would get it.
 */
import { Router } from 'express';
import { z } from 'zod';
import { fillReply, freeTextProblems, templatesFor, type ReplyCatalog, type ReplyTemplate } from '../../domain/reply-templates';
import { charCount, renderTemplate, type TemplateCatalog } from '../../domain/templates';
import { REFUND_REFERENCE_PLACEHOLDER, type Preview } from '../../domain/case/preview';
import { ACTIONS, type ActionName } from '../../domain/case/events';
import { CATEGORIES, type Language } from '../../domain/types';
import { previewQuery } from '../../workflows/definitions';
import { actorOf, requireRole, STAFF } from '../auth';
import { asProblem, complaintState, handleFor, type ComplaintsService } from '../complaints-service';
import { HttpProblem, parse } from '../errors';
import { actionSchemas, complaintIdSchema, FIELDLESS_ACTIONS } from '../schemas';

export const templatesQuerySchema = z.object({ category: z.enum(CATEGORIES).optional(), purpose: z.enum(['request_info', 'apology_reason']).optional() }).strict();
/** One shape per action, its args exactly the action's own schema: the contract says what each needs. */
const previewOf = (action: ActionName) => {
  const args = actionSchemas[action] as z.ZodObject;
  return z.object({ action: z.literal(action), args: FIELDLESS_ACTIONS.has(action) ? args.default({}) : args }).strict();
};
export const previewBodySchema = z.discriminatedUnion(
  'action',
  ACTIONS.map((a) => previewOf(a)) as unknown as [ReturnType<typeof previewOf>, ...ReturnType<typeof previewOf>[]],
);

const bilingual = z.object({ zh: z.string(), en: z.string() });
const templateSchema = z.object({ id: z.string(), purpose: z.enum(['request_info', 'apology_reason']), categories: z.array(z.enum(CATEGORIES)), title: bilingual, text: bilingual, engineFetches: z.array(z.string()) });
export const templateListSchema = z.object({ version: z.string(), maxChars: z.number().int(), templates: z.array(templateSchema) });
export const caseTemplatesSchema = z.object({ complaintId: z.string(), category: z.enum(CATEGORIES), language: z.enum(['zh', 'en']), maxChars: z.number().int(), templates: z.array(templateSchema.extend({ filled: bilingual })) });
const channelSchema = z.object({ channel: z.enum(['sms', 'app']), rail: z.string(), text: z.string(), chars: z.number().int(), maxChars: z.number().int().optional(), problems: z.array(z.string()) });
export const previewSchema = z.object({
  complaintId: z.string(),
  action: z.enum(ACTIONS),
  status: z.string().describe('the case status the action would lead to'),
  editable: z.array(z.string()).describe('the parts of the message the agent writes; the rest comes from the records'),
  warnings: z.array(z.looseObject({ code: z.string() })),
  message: z
    .object({ purpose: z.string(), language: z.enum(['zh', 'en']).optional(), firstChannel: z.enum(['sms', 'app']), channels: z.array(channelSchema), placeholders: z.array(z.string()) })
    .nullable(),
});

/** What the agent writes into each action's message; everything else comes from the records. */
const FREE_PART: Partial<Record<ActionName, string>> = { 'request-info': 'question', resolve: 'reason', reject: 'reason', withdraw: 'reason', 'propose-settlement': 'reason', 'close-with-apology': 'reason' };

export interface ComposerDeps {
  replies: ReplyCatalog;
  smsTemplates: () => TemplateCatalog;
  smsRail: string;
}

function publicTemplate(t: ReplyTemplate) {
  return { id: t.id, purpose: t.purpose, categories: t.categories ?? [...CATEGORIES], title: t.title, text: t.text, engineFetches: t.engineFetches ?? [] };
}

/** One channel as the customer's handset will show it, with the rail's limits. */
function smsChannel(deps: ComposerDeps, message: NonNullable<Extract<Preview, { ok: true }>['message']>) {
  if (deps.smsRail === 'internal' || !message.template) return { channel: 'sms' as const, rail: deps.smsRail, text: message.text, chars: charCount(message.text), problems: [] as string[] };
  const catalog = deps.smsTemplates();
  const rendered = renderTemplate(catalog, message.template, deps.smsRail);
  const limit = catalog.rails[deps.smsRail];
  return rendered.ok
    ? { channel: 'sms' as const, rail: deps.smsRail, text: rendered.text, chars: charCount(rendered.text), maxChars: limit?.messageMaxChars, problems: [] as string[] }
    : { channel: 'sms' as const, rail: deps.smsRail, text: '', chars: 0, maxChars: limit?.messageMaxChars, problems: rendered.problems };
}

export function composerRouter(svc: ComplaintsService, deps: ComposerDeps): Router {
  const router = Router();

  router.get('/templates', requireRole(...STAFF), (req, res) => {
    const q = parse(templatesQuerySchema, req.query);
    const list = q.category ? templatesFor(deps.replies, q.category, q.purpose) : deps.replies.templates.filter((t) => !q.purpose || t.purpose === q.purpose);
    res.json({ version: deps.replies.version, maxChars: deps.replies.maxChars, templates: list.map(publicTemplate) });
  });

  router.get('/complaints/:id/templates', requireRole(...STAFF), async (req, res) => {
    const id = parse(complaintIdSchema, req.params.id);
    const state = await complaintState(svc, id);
    const vars = { caseRef: state.caseRef, orderId: state.orderId, category: state.category };
    const language = state.language as Language;
    res.json({
      complaintId: id,
      category: state.category,
      language,
      maxChars: deps.replies.maxChars,
      templates: templatesFor(deps.replies, state.category).map((t) => ({ ...publicTemplate(t), filled: { zh: fillReply(t, 'zh', vars), en: fillReply(t, 'en', vars) } })),
    });
  });

  router.post('/complaints/:id/preview', requireRole(...STAFF), async (req, res) => {
    const id = parse(complaintIdSchema, req.params.id);
    // The same schema as the action itself: a part of the message the agent may not write is refused here too.
    const body = parse(previewBodySchema, req.body);
    const args = body.args as Record<string, unknown>;
    const actor = actorOf(req.user!);
    let preview: Preview;
    try {
      preview = await (await handleFor(svc, id)).query(previewQuery, { action: body.action, actor, args, now: new Date().toISOString() });
    } catch (err) {
      throw asProblem(err, id);
    }
    if (!preview.ok) {
      const r = preview.refusal;
      const status = r.kind === 'state' ? 409 : r.kind === 'permission' ? 403 : 422;
      throw new HttpProblem(status, r.reason, { ...(r.code ? { code: r.code, params: r.params ?? {} } : {}), ...(r.byLevel ? { byLevel: r.byLevel } : {}) });
    }
    const freePart = FREE_PART[body.action];
    const freeText = freePart && typeof args[freePart] === 'string' ? (args[freePart] as string) : undefined;
    const m = preview.message;
    res.json({
      complaintId: id,
      action: body.action,
      status: preview.status,
      editable: freePart ? [freePart] : [],
      warnings: freeText === undefined ? [] : freeTextProblems(deps.replies, freeText),
      message: m
        ? {
            purpose: m.purpose,
            language: m.template?.language,
            firstChannel: m.channel,
            channels: [smsChannel(deps, m), { channel: 'app' as const, rail: 'internal', text: m.text, chars: charCount(m.text), problems: [] as string[] }],
            placeholders: m.text.includes(REFUND_REFERENCE_PLACEHOLDER) ? [REFUND_REFERENCE_PLACEHOLDER] : [],
          }
        : null,
    });
  });

  return router;
}
