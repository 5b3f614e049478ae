import { Router } from 'express';
import type { ApiMetrics } from '../metrics';

/** Unauthenticated, as Prometheus scrapers expect: it carries counts, never case data. */
export function metricsRouter(metrics: ApiMetrics): Router {
  const router = Router();
  router.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return router;
}
