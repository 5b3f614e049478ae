import { Router } from 'express';
import { openApiDocument } from '../openapi/document';
import { docsPage } from '../openapi/docs-page';

/** Public: the document describes the API, not its data. */
export function docsRouter(): Router {
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });
  let page: string | undefined;
  router.get('/docs', (_req, res) => {
    page ??= docsPage(openApiDocument());
    res.type('html').send(page);
  });
  return router;
}
