/**
 * A known path asked with a method it does not have is a 405 with `Allow`, not a 404 that says
 * the path does not exist. The route table (openapi/routes.ts) is the one list of what exists.
 */
import type { RequestHandler } from 'express';
import { HttpProblem } from './errors';
import { ROUTES } from './openapi/routes';

interface PathMethods {
  pattern: RegExp;
  methods: Set<string>;
}

function compile(): PathMethods[] {
  const byPath = new Map<string, Set<string>>();
  for (const r of ROUTES) {
    const methods = byPath.get(r.path) ?? new Set<string>();
    methods.add(r.method.toUpperCase());
    if (r.method === 'get') methods.add('HEAD');
    byPath.set(r.path, methods);
  }
  return [...byPath].map(([path, methods]) => ({
    pattern: new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z0-9_]+/g, '[^/]+')}/?$`),
    methods,
  }));
}

const TABLE = compile();

/** The methods a path has, or undefined when no route has that path. */
export function allowedMethods(path: string): string[] | undefined {
  const found = TABLE.filter((t) => t.pattern.test(path));
  if (!found.length) return undefined;
  return [...new Set(found.flatMap((t) => [...t.methods]))].sort();
}

export const methodNotAllowed: RequestHandler = (req, res, next) => {
  const allowed = allowedMethods(req.path);
  if (!allowed || allowed.includes(req.method)) return next();
  // The codec's CORS preflight is answered by its own router.
  if (req.method === 'OPTIONS' && req.path.startsWith('/codec/')) return next();
  res.set('allow', allowed.join(', '));
  next(new HttpProblem(405, `${req.method} is not allowed on ${req.path}; allowed: ${allowed.join(', ')}`));
};
