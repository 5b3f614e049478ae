import type { RequestHandler } from 'express';
import { z } from 'zod';
import { STAFF_ROLES, type StaffRole } from '../domain/types';
import type { Actor } from '../workflows/definitions';
import { HttpProblem } from './errors';

export interface StaffUser {
  id: string;
  role: StaffRole;
  name: string;
}

const keysSchema = z.record(z.string().min(8), z.object({ id: z.string().min(1), role: z.enum(STAFF_ROLES), name: z.string().default('') }));

/** Development keys, documented in the README; production sets API_KEYS. */
export const DEV_API_KEYS: Record<string, StaffUser> = {
  'dev-agent-key': { id: 'agent-li', role: 'agent', name: '李娜 (agent)' },
  'dev-expert-key': { id: 'expert-wang', role: 'expert', name: '王强 (expert)' },
  'dev-supervisor-key': { id: 'supervisor-zhao', role: 'supervisor', name: '赵敏 (supervisor)' },
  'dev-ops-key': { id: 'ops-chen', role: 'ops', name: '陈晨 (ops)' },
};

export function parseApiKeys(raw: string | undefined): Record<string, StaffUser> {
  if (!raw) return DEV_API_KEYS;
  return keysSchema.parse(JSON.parse(raw));
}

declare module 'express-serve-static-core' {
  interface Request {
    user?: StaffUser;
  }
}

export function authenticate(keys: Record<string, StaffUser>): RequestHandler {
  return (req, _res, next) => {
    const header = req.get('authorization') ?? '';
    const key = header.startsWith('Bearer ') ? header.slice(7).trim() : req.get('x-api-key');
    const user = key ? keys[key] : undefined;
    if (!user) return next(new HttpProblem(401, 'missing or unknown API key'));
    req.user = user;
    next();
  };
}

/** Everyone with an API key may read; ops are read-only, so only these may act on a case. */
export const STAFF: readonly StaffRole[] = STAFF_ROLES;
export const CASE_WORKERS: readonly StaffRole[] = ['agent', 'expert', 'supervisor'];

export function requireRole(...roles: readonly StaffRole[]): RequestHandler {
  return (req, _res, next) => {
    if (!req.user || !roles.includes(req.user.role)) {
      return next(new HttpProblem(403, `this needs one of the roles: ${roles.join(', ')}`));
    }
    next();
  };
}

export function actorOf(user: StaffUser): Actor {
  return { id: user.id, role: user.role };
}
