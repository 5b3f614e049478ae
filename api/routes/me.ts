import { Router } from 'express';
import { ROLE_LEVEL } from '../../domain/authority';
import { requireRole, STAFF } from '../auth';
import type { Me } from '../response-schemas';

/** Who the console is talking as, and where its links to the Temporal Web UI go. */
export function meRouter(config: { temporalUiUrl: string; namespace: string }): Router {
  const router = Router();
  router.get('/me', requireRole(...STAFF), (req, res) => {
    const user = req.user!;
    const me: Me = {
      id: user.id,
      role: user.role,
      name: user.name,
      level: ROLE_LEVEL[user.role] ?? null,
      temporalUiUrl: config.temporalUiUrl,
      namespace: config.namespace,
    };
    res.json(me);
  });
  return router;
}
