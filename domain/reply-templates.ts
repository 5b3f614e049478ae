/**
 * Reply templates (macros) for the composer: per category, in Chinese and English, with named
 * variables filled from the case. Pure: the catalog (config/reply-templates.json) is passed in,
 * validated whole before the API serves it, so a template that asks the customer for proof the
 * engine reads itself never reaches an agent.
 */
import { charCount, placeholders, fillTemplate } from './templates';
import { CATEGORIES, type Category, type Language } from './types';

/** What a template may be used for: a question to the customer, or the free part of the apology. */
export const REPLY_PURPOSES = ['request_info', 'apology_reason'] as const;
export type ReplyPurpose = (typeof REPLY_PURPOSES)[number];

/** The records the engine fetches itself; a question points the customer at them instead of asking for proof. */
export const ENGINE_RECORDS = ['payment_ledger', 'trip_trace', 'ticket_status', 'ride_status'] as const;
export type EngineRecord = (typeof ENGINE_RECORDS)[number];

/** Variables a template may use, all filled from the case; never a name or a phone number. */
export const REPLY_VARIABLES = ['caseRef', 'orderId', 'category'] as const;
export type ReplyVariable = (typeof REPLY_VARIABLES)[number];

export interface ReplyTemplate {
  id: string;
  purpose: ReplyPurpose;
  /** Categories it applies to; every category when absent. */
  categories?: Category[];
  title: Record<Language, string>;
  text: Record<Language, string>;
  /** What the engine already read, so the customer is never asked for it. */
  engineFetches?: EngineRecord[];
}

export interface ReplyCatalog {
  version: string;
  /** The longest free text an agent may write into a message (the question, the apology's note). */
  maxChars: number;
  templates: ReplyTemplate[];
}

/** Asking the customer to prove what the ledger and the trace prove: the engine never does (story A2). */
const ASKS_FOR_PROOF = /截图|截屏|录屏|screen\s*shot|screenshot|screen capture|付款凭证|支付凭证|proof of payment/i;

export function asksForProof(text: string): boolean {
  return ASKS_FOR_PROOF.test(text);
}

export function templatesFor(catalog: ReplyCatalog, category: Category, purpose?: ReplyPurpose): ReplyTemplate[] {
  return catalog.templates.filter((t) => (!t.categories || t.categories.includes(category)) && (!purpose || t.purpose === purpose));
}

export function fillReply(template: ReplyTemplate, language: Language, vars: Record<ReplyVariable, string>): string {
  return fillTemplate(template.text[language], vars);
}

/** A problem with what an agent wrote into a customer message, as a stable code: empty when it may go. */
export type FreeTextProblem = { code: 'empty' } | { code: 'too_long'; chars: number; maxChars: number } | { code: 'asks_for_proof' } | { code: 'unfilled_variable'; name: string };

export function freeTextProblems(catalog: Pick<ReplyCatalog, 'maxChars'>, text: string): FreeTextProblem[] {
  const problems: FreeTextProblem[] = [];
  const trimmed = text.trim();
  if (!trimmed) return [{ code: 'empty' }];
  const chars = charCount(trimmed);
  if (chars > catalog.maxChars) problems.push({ code: 'too_long', chars, maxChars: catalog.maxChars });
  if (asksForProof(trimmed)) problems.push({ code: 'asks_for_proof' });
  for (const name of placeholders(trimmed)) problems.push({ code: 'unfilled_variable', name });
  return problems;
}

/** Everything that would make the catalog mislead an agent, found before it is served. */
export function replyCatalogProblems(catalog: ReplyCatalog): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const t of catalog.templates) {
    if (ids.has(t.id)) problems.push(`${t.id}: the id is used twice`);
    ids.add(t.id);
    for (const c of t.categories ?? []) if (!(CATEGORIES as readonly string[]).includes(c)) problems.push(`${t.id}: unknown category ${c}`);
    const byLanguage = (['zh', 'en'] as const).map((l) => [...new Set(placeholders(t.text[l]))].sort().join());
    if (byLanguage[0] !== byLanguage[1]) problems.push(`${t.id}: zh uses {${byLanguage[0]}} but en uses {${byLanguage[1]}}`);
    for (const language of ['zh', 'en'] as const) {
      for (const name of placeholders(t.text[language])) {
        if (!(REPLY_VARIABLES as readonly string[]).includes(name)) problems.push(`${t.id}/${language}: unknown variable ${name}`);
      }
      const longest = fillTemplate(t.text[language], Object.fromEntries(REPLY_VARIABLES.map((v) => [v, 'W'.repeat(40)])));
      if (charCount(longest) > catalog.maxChars) problems.push(`${t.id}/${language}: filled, it can reach ${charCount(longest)} characters; the limit is ${catalog.maxChars}`);
      if (asksForProof(t.text[language])) problems.push(`${t.id}/${language}: asks the customer for proof the engine reads itself`);
    }
    if (t.purpose === 'request_info' && (t.engineFetches ?? []).length === 0) problems.push(`${t.id}: a question must say which records the engine already read`);
  }
  for (const category of CATEGORIES) {
    if (templatesFor(catalog, category, 'request_info').length === 0) problems.push(`no request_info template for ${category}`);
    if (templatesFor(catalog, category, 'apology_reason').length === 0) problems.push(`no apology_reason template for ${category}`);
  }
  return problems;
}
