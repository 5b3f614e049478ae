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

/** API key -> user. A Map, so a key such as `constructor` or `__proto__` finds nothing inherited. */
export type ApiKeys = ReadonlyMap<string, StaffUser>;

export function apiKeyMap(keys: Record<string, StaffUser>): ApiKeys {
  return new Map(Object.entries(keys));
}

export function parseApiKeys(raw: string | undefined): ApiKeys {
  if (!raw) return apiKeyMap(DEV_API_KEYS);
  return apiKeyMap(keysSchema.parse(JSON.parse(raw)) as Record<string, StaffUser>);
}

/** The user a staff request presents: `Authorization: Bearer <key>` or `X-API-Key`. */
export function userOfRequest(keys: ApiKeys, authorization: string | undefined, apiKeyHeader?: string): StaffUser | undefined {
  const key = authorization?.startsWith('Bearer ') ? authorization.slice(7).trim() : apiKeyHeader;
  return key ? keys.get(key) : undefined;
}

declare module 'express-serve-static-core' {
  interface Request {
    user?: StaffUser;
  }
}

export function authenticate(keys: ApiKeys): RequestHandler {
  return (req, _res, next) => {
    const user = userOfRequest(keys, req.get('authorization'), req.get('x-api-key'));
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
