/** The people a case can be assigned to: the staff directory the API keys define. */
import { Router } from 'express';
import { ROLE_LEVEL } from '../../domain/authority';
import { requireRole, STAFF, type ApiKeys } from '../auth';

export function staffDirectory(keys: ApiKeys) {
  const byId = new Map<string, { id: string; name: string; role: string; level: number | null }>();
  for (const u of keys.values()) if (!byId.has(u.id)) byId.set(u.id, { id: u.id, name: u.name, role: u.role, level: ROLE_LEVEL[u.role] ?? null });
  return [...byId.values()].sort((a, b) => (a.level ?? 9) - (b.level ?? 9) || a.id.localeCompare(b.id));
}

export function staffRouter(keys: ApiKeys): Router {
  const router = Router();
  router.get('/staff', requireRole(...STAFF), (_req, res) => {
    res.json({ staff: staffDirectory(keys) });
  });
  return router;
}
