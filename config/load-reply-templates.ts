/**
 * The composer's reply templates (config/reply-templates.json, REPLY_TEMPLATES_FILE), read and
 * validated whole when the API starts: a broken catalog stops the boot rather than serving half.
 */
import fs from 'node:fs';
import { z } from 'zod';
import { CATEGORIES } from '../domain/types';
import { ENGINE_RECORDS, REPLY_PURPOSES, replyCatalogProblems, type ReplyCatalog } from '../domain/reply-templates';

const bilingual = z.object({ zh: z.string().min(1), en: z.string().min(1) });
const catalogSchema = z.object({
  version: z.string().min(1),
  maxChars: z.number().int().positive(),
  templates: z.array(
    z.object({
      id: z.string().regex(/^[a-z0-9-]{1,40}$/),
      purpose: z.enum(REPLY_PURPOSES),
      categories: z.array(z.enum(CATEGORIES)).min(1).optional(),
      title: bilingual,
      text: bilingual,
      engineFetches: z.array(z.enum(ENGINE_RECORDS)).optional(),
    }),
  ),
});

export function parseReplyCatalog(raw: unknown, source = 'reply templates'): ReplyCatalog {
  const parsed = catalogSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${source}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const problems = replyCatalogProblems(parsed.data);
  if (problems.length > 0) throw new Error(`${source}: ${problems.join('; ')}`);
  return parsed.data;
}

export function loadReplyCatalog(file: string): ReplyCatalog {
  return parseReplyCatalog(JSON.parse(fs.readFileSync(file, 'utf8')), file);
}
