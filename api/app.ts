import path from 'node:path';
import express from 'express';
import helmet from 'helmet';
import type { Client } from '@temporalio/client';
import { authenticate, type StaffUser } from './auth';
import { errorHandler, notFound } from './errors';
import { complaintsRouter } from './routes/complaints';

export interface ApiConfig {
  taskQueue: string;
  apiKeys: Record<string, StaffUser>;
  temporalUiUrl: string;
  namespace: string;
}

/** Routes and error handling, no listen(): tests and the server both build it. */
export function createApp({ client, config }: { client: Client; config: ApiConfig }): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(helmet());
  app.use(express.json({ limit: '64kb' }));

  // The console is static files: same origin, no build step, works offline.
  app.use('/console', express.static(path.join(__dirname, '..', 'console'), { index: 'index.html' }));
  app.get('/', (_req, res) => res.redirect('/console/'));

  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });

  const svc = { client, taskQueue: config.taskQueue };
  app.use(authenticate(config.apiKeys), complaintsRouter(svc));

  app.use(notFound);
  app.use(errorHandler);
  return app;
}
