/**
 * Customer messages as templates with named parameters, the way the SMS rails only accept them:
 * the rail approved the fixed text once, each send carries only the parameters. Pure: the catalog
 * (config/sms-templates.json) is passed in, so ops can change it without a release and a table
 * test can prove every template fits every rail before anything is sent.
 */
import type { Language } from './types';

export const MESSAGE_PURPOSES = ['acknowledgement', 'escalation', 'request_info', 'charge_notice', 'apology'] as const;
export type MessagePurpose = (typeof MESSAGE_PURPOSES)[number];
export const TEMPLATE_LANGUAGES: readonly Language[] = ['zh', 'en'];

/** What the workflow passes with a message: the template id is the purpose. */
export interface TemplateRef {
  id: string;
  params: Record<string, string>;
  language: Language;
}

export interface TemplateParamSpec {
  /** The most characters a value may have: the workflow must keep within it, the rail limit caps it. */
  maxChars: number;
}

export interface TemplateSpec {
  params: Record<string, TemplateParamSpec>;
  /** `${name}` marks a parameter, as in the rails' own template syntax. */
  text: Record<Language, string>;
  /** The code each rail approved for this template, per language. */
  codes: Record<string, Record<Language, string>>;
}

export interface RailTemplateLimits {
  signName: string;
  /** Characters one parameter value may have on this rail. */
  paramMaxChars: number;
  /** Characters of the whole message, signature (【name】) included. */
  messageMaxChars: number;
}

export interface TemplateCatalog {
  version: string;
  rails: Record<string, RailTemplateLimits>;
  templates: Record<string, TemplateSpec>;
}

/** Characters as the rails count them: one per code point, a Chinese character is one. */
export function charCount(s: string): number {
  return [...s].length;
}

const PLACEHOLDER = /\$\{([A-Za-z][A-Za-z0-9_]*)\}/g;

export function placeholders(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

export function fillTemplate(text: string, params: Record<string, string>): string {
  return text.replace(PLACEHOLDER, (_, name: string) => params[name] ?? '');
}

/** The message exactly as the handset shows it on a rail: signature first. */
export function signedText(rail: RailTemplateLimits, body: string): string {
  return `【${rail.signName}】${body}`;
}

/** Why a send with these parameters would be refused, in words; empty when it may go. */
export function paramProblems(catalog: TemplateCatalog, ref: TemplateRef, railName?: string): string[] {
  const spec = catalog.templates[ref.id];
  if (!spec) return [`no template "${ref.id}"`];
  const problems: string[] = [];
  const rail = railName ? catalog.rails[railName] : undefined;
  if (railName && !rail) problems.push(`no limits for rail "${railName}"`);
  if (railName && !spec.codes[railName]?.[ref.language]) problems.push(`template "${ref.id}" has no ${railName} code for ${ref.language}`);
  for (const [name, p] of Object.entries(spec.params)) {
    const value = ref.params[name];
    if (value === undefined || value === '') {
      problems.push(`parameter ${name} is missing`);
      continue;
    }
    const n = charCount(value);
    if (n > p.maxChars) problems.push(`parameter ${name} has ${n} characters, the template allows ${p.maxChars}`);
    if (rail && n > rail.paramMaxChars) problems.push(`parameter ${name} has ${n} characters, ${railName} allows ${rail.paramMaxChars}`);
  }
  for (const name of Object.keys(ref.params)) {
    if (!spec.params[name]) problems.push(`parameter ${name} is not in template "${ref.id}"`);
  }
  if (rail && problems.length === 0) {
    const n = charCount(signedText(rail, fillTemplate(spec.text[ref.language], ref.params)));
    if (n > rail.messageMaxChars) problems.push(`the message has ${n} characters, ${railName} allows ${rail.messageMaxChars}`);
  }
  return problems;
}

export type Rendered = { ok: true; text: string } | { ok: false; problems: string[] };

export function renderTemplate(catalog: TemplateCatalog, ref: TemplateRef, railName?: string): Rendered {
  const problems = paramProblems(catalog, ref, railName);
  if (problems.length > 0) return { ok: false, problems };
  const body = fillTemplate(catalog.templates[ref.id]!.text[ref.language], ref.params);
  const rail = railName ? catalog.rails[railName] : undefined;
  return { ok: true, text: rail ? signedText(rail, body) : body };
}

/** Every parameter at its longest allowed value, in the script of the language (the worst case). */
export function longestParams(spec: TemplateSpec, language: Language): Record<string, string> {
  const filler = language === 'zh' ? '款' : 'W';
  return Object.fromEntries(Object.entries(spec.params).map(([name, p]) => [name, filler.repeat(p.maxChars)]));
}

/**
 * Everything that would make a template unsendable on some rail, found before any customer:
 * every purpose exists, both languages name exactly the declared parameters, every rail has a
 * code, no parameter may exceed a rail's limit, and the longest message fits every rail.
 */
export function catalogProblems(catalog: TemplateCatalog): string[] {
  const problems: string[] = [];
  for (const purpose of MESSAGE_PURPOSES) {
    if (!catalog.templates[purpose]) problems.push(`no template for ${purpose}`);
  }
  for (const [id, spec] of Object.entries(catalog.templates)) {
    const declared = Object.keys(spec.params).sort();
    for (const language of TEMPLATE_LANGUAGES) {
      const text = spec.text[language];
      if (!text) {
        problems.push(`${id}: no ${language} text`);
        continue;
      }
      const used = placeholders(text);
      if (new Set(used).size !== used.length) problems.push(`${id}/${language}: a parameter appears twice (the rails refuse that)`);
      if ([...new Set(used)].sort().join() !== declared.join()) {
        problems.push(`${id}/${language}: text uses {${[...new Set(used)].sort()}} but the template declares {${declared}}`);
      }
      for (const railName of Object.keys(catalog.rails)) {
        const ref = { id, language, params: longestParams(spec, language) };
        for (const p of paramProblems(catalog, ref, railName)) problems.push(`${id}/${language} on ${railName}: ${p}`);
      }
    }
  }
  return problems;
}

/** A time as the templates show it, in Beijing time: "2026-12-02 17:00" (16 characters, any date). */
export function templateTime(d: Date): string {
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}

/** Fen as the templates show money: "2572.00"; the currency sits in the fixed text (the rails refuse "¥" in a variable). */
export function templateAmount(fen: number): string {
  return (fen / 100).toFixed(2);
}
