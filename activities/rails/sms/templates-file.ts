/**
 * The template catalog ops maintain (config/sms-templates.json by default). Read again whenever
 * the file changes, so a new template code needs no release; a catalog with a template that
 * cannot fit a rail is refused whole rather than half-used.
 */
import fs from 'node:fs';
import { z } from 'zod';
import { catalogProblems, type TemplateCatalog } from '../../../domain/templates';

const bilingual = z.object({ zh: z.string().min(1), en: z.string().min(1) });
const catalogSchema = z.object({
  version: z.string().min(1),
  rails: z.record(z.string(), z.object({ signName: z.string().min(1), paramMaxChars: z.number().int().positive(), messageMaxChars: z.number().int().positive() })),
  templates: z.record(
    z.string(),
    z.object({
      params: z.record(z.string(), z.object({ maxChars: z.number().int().positive() })),
      text: bilingual,
      codes: z.record(z.string(), bilingual),
    }),
  ),
});

export function parseTemplateCatalog(raw: unknown, source = 'template catalog'): TemplateCatalog {
  const parsed = catalogSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`${source}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const problems = catalogProblems(parsed.data);
  if (problems.length > 0) throw new Error(`${source}: ${problems.join('; ')}`);
  return parsed.data;
}

/** A reader that re-parses only when the file's modification time changes. */
export function templateCatalogReader(file: string): () => TemplateCatalog {
  let cached: { mtimeMs: number; catalog: TemplateCatalog } | undefined;
  return () => {
    const { mtimeMs } = fs.statSync(file);
    if (cached?.mtimeMs !== mtimeMs) {
      cached = { mtimeMs, catalog: parseTemplateCatalog(JSON.parse(fs.readFileSync(file, 'utf8')), file) };
    }
    return cached.catalog;
  };
}
